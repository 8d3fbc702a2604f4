/**
 * The metadata tree (DescribeMetadataModel / DescribeMetadataModelChildren) on a hand-built
 * model, and one end-to-end run through the façade on a small MySQL script: parse, select,
 * convert with transformation rules, print, browse, target selection rules, reports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  convertSchema,
  describeNode,
  listChildren,
  parseDdl,
  parseSelectionRules,
  parseTransformationRules,
  printDdl,
  renderAssessmentPdf,
  selectModel,
  targetSelectionRules,
  type ColumnDef,
  type SchemaModel,
  type TableDef,
} from '../../src/schema-conversion/index.js';

const SERVER = 'mysql.example.com';

const col = (name: string): ColumnDef => ({ name, type: { kind: 'int', bytes: 4, unsigned: false }, nativeType: 'int', nullable: false });
const table = (name: string, cols: string[]): TableDef => ({ name, columns: cols.map(col), primaryKey: { columns: [cols[0]!] }, uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] });

function model(): SchemaModel {
  return {
    dialect: 'mysql',
    schemas: [
      {
        name: 'shop',
        tables: [table('customer', ['id', 'age']), table('orders', ['id', 'customer_id'])],
        views: [{ name: 'adults', query: 'SELECT id FROM customer WHERE age >= 18' }],
        sequences: [],
        enumTypes: [],
        routines: [
          { name: 'add_order', kind: 'procedure', definition: 'CREATE PROCEDURE add_order() BEGIN END' },
          { name: 'order_count', kind: 'function', definition: 'CREATE FUNCTION order_count() RETURNS INT RETURN 1' },
        ],
        triggers: [{ name: 'orders_bi', table: 'orders', timing: 'BEFORE', events: ['INSERT'], definition: 'CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = NEW.id' }],
      },
      { name: 'empty_db', tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] },
    ],
  };
}

const explicit = (locator: Record<string, string>): string =>
  JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'server-name': SERVER, ...locator }, 'rule-action': 'explicit' }] });
const rules = (json: string) => parseSelectionRules(json, 'SelectionRules');

describe('metadata tree', () => {
  it('server -> schemas -> non-empty categories -> objects, each child with a document that locates it', () => {
    const m = model();
    const schemas = listChildren(m, rules(explicit({})), SERVER);
    assert.deepEqual(schemas.map((c) => c.name), ['shop', 'empty_db']);
    const doc = JSON.parse(schemas[1]!.selectionRules);
    assert.deepEqual(doc, { rules: [{ 'rule-type': 'selection', 'rule-id': '2', 'rule-name': '2', 'object-locator': { 'server-name': SERVER, 'schema-name': 'empty_db' }, 'rule-action': 'explicit' }] });

    const categories = listChildren(m, rules(schemas[0]!.selectionRules), SERVER);
    assert.deepEqual(categories.map((c) => c.name), ['Tables', 'Views', 'Functions', 'Procedures', 'Triggers']);
    assert.equal(JSON.parse(categories[0]!.selectionRules).rules[0]['object-locator']['category-name'], 'Tables');
    assert.deepEqual(listChildren(m, rules(schemas[1]!.selectionRules), SERVER), [], 'an empty schema lists no category');

    // Walk every category: each object appears exactly once and describes as itself.
    const seen: string[] = [];
    for (const cat of categories) {
      const node = describeNode(m, rules(cat.selectionRules), SERVER);
      assert.deepEqual({ name: node?.name, type: node?.type }, { name: cat.name, type: 'category' });
      for (const child of listChildren(m, rules(cat.selectionRules), SERVER)) {
        const obj = describeNode(m, rules(child.selectionRules), SERVER)!;
        assert.equal(obj.name, child.name);
        assert.deepEqual(listChildren(m, rules(child.selectionRules), SERVER), [], 'objects are leaves');
        seen.push(`${obj.type}:${obj.name}`);
      }
    }
    assert.deepEqual(seen.sort(), ['function:order_count', 'procedure:add_order', 'table:customer', 'table:orders', 'trigger:orders_bi', 'view:adults']);
  });

  it('describes a table with the DDL of that table only', () => {
    const node = describeNode(model(), rules(explicit({ 'schema-name': 'shop', 'table-name': 'orders' })), SERVER)!;
    assert.equal(node.type, 'table');
    assert.deepEqual(node.locator, { serverName: SERVER, schemaName: 'shop', object: { kind: 'table', name: 'orders' } });
    assert.match(node.definition ?? '', /CREATE TABLE[^;]*orders/i);
    assert.doesNotMatch(node.definition ?? '', /customer`?\s*\(/i, 'no other table');
    assert.doesNotMatch(node.definition ?? '', /CREATE (SCHEMA|DATABASE)/i);
  });

  it('describes routines and triggers with their source text', () => {
    const proc = describeNode(model(), rules(explicit({ 'schema-name': 'shop', 'procedure-name': 'add_order' })), SERVER)!;
    assert.equal(proc.type, 'procedure');
    assert.match(proc.definition ?? '', /CREATE PROCEDURE `?add_order/);
    const trg = describeNode(model(), rules(explicit({ 'schema-name': 'shop', 'trigger-name': 'orders_bi' })), SERVER)!;
    assert.match(trg.definition ?? '', /TRIGGER `?orders_bi/);
  });

  it('answers undefined for what the model does not hold or another server', () => {
    assert.equal(describeNode(model(), rules(explicit({ 'schema-name': 'shop', 'table-name': 'nope' })), SERVER), undefined);
    assert.equal(describeNode(model(), rules(explicit({ 'schema-name': 'nope' })), SERVER), undefined);
    assert.equal(describeNode(model(), rules(explicit({ 'schema-name': 'shop' })), 'other.example.com'), undefined);
    assert.deepEqual(listChildren(model(), rules(explicit({ 'schema-name': 'nope' })), SERVER), []);
    // An empty category is still a node (it just has no children).
    const seq = describeNode(model(), rules(explicit({ 'schema-name': 'shop', 'category-name': 'Sequences' })), SERVER);
    assert.equal(seq?.type, 'category');
    assert.deepEqual(listChildren(model(), rules(explicit({ 'schema-name': 'shop', 'category-name': 'Sequences' })), SERVER), []);
    const server = describeNode(model(), rules(explicit({})), SERVER.toUpperCase());
    assert.deepEqual(server, { name: SERVER.toUpperCase(), type: 'server', locator: { serverName: SERVER.toUpperCase() } });
  });
});

describe('façade end to end (MySQL -> PostgreSQL)', () => {
  const script = `
    CREATE TABLE \`Customer\` (
      \`Id\` int unsigned NOT NULL AUTO_INCREMENT,
      \`Name\` varchar(40) NOT NULL,
      PRIMARY KEY (\`Id\`)
    ) ENGINE=InnoDB;
    CREATE TABLE \`Orders\` (
      \`Id\` int NOT NULL AUTO_INCREMENT,
      \`CustomerId\` int unsigned NOT NULL,
      \`Total\` decimal(10,2) NOT NULL DEFAULT '0.00',
      PRIMARY KEY (\`Id\`),
      KEY \`ix_cust\` (\`CustomerId\`),
      CONSTRAINT \`fk_cust\` FOREIGN KEY (\`CustomerId\`) REFERENCES \`Customer\` (\`Id\`) ON DELETE CASCADE
    ) ENGINE=InnoDB;
    CREATE TABLE \`Scratch\` (\`Id\` int NOT NULL) ENGINE=InnoDB;
  `;

  it('parses, selects, converts with transformation rules, prints and browses', () => {
    const parsed = parseDdl('mysql', script);
    assert.deepEqual(parsed.problems, []);
    // The parser puts tables of a script without USE into some schema: take its name from the model.
    const schemaName = parsed.model.schemas[0]!.name;
    const selection = parseSelectionRules(
      JSON.stringify({
        rules: [
          { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'server-name': SERVER, 'schema-name': schemaName, 'table-name': '%' }, 'rule-action': 'include' },
          { 'rule-type': 'selection', 'rule-id': '2', 'rule-name': 'not-scratch', 'object-locator': { 'server-name': SERVER, 'schema-name': schemaName, 'table-name': 'Scratch' }, 'rule-action': 'exclude' },
        ],
      }),
      'SelectionRules',
    );
    const selected = selectModel(parsed.model, selection, SERVER);
    assert.deepEqual(selected.schemas[0]!.tables.map((t) => t.name), ['Customer', 'Orders']);

    const transformationRules = parseTransformationRules(
      JSON.stringify({
        rules: [
          { 'rule-type': 'transformation', 'rule-id': '1', 'rule-name': 'client', 'rule-target': 'table', 'object-locator': { 'schema-name': '%', 'table-name': 'Customer' }, 'rule-action': 'rename', value: 'client' },
          { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': 'prefix', 'rule-target': 'column', 'object-locator': { 'schema-name': '%', 'table-name': '%', 'column-name': 'Id' }, 'rule-action': 'add-suffix', value: '_key' },
        ],
      }),
      'TransformationRules',
    );
    const { model: target, report } = convertSchema(selected, { targetEngine: 'postgres', transformationRules });
    assert.equal(target.dialect, 'postgres');
    const tables = target.schemas[0]!.tables;
    assert.ok(tables.some((t) => t.name === 'client'), `tables: ${tables.map((t) => t.name).join(', ')}`);
    const orders = tables.find((t) => t.name !== 'client')!;
    const fk = orders.foreignKeys[0]!;
    assert.equal(fk.refTable, 'client');
    assert.equal(fk.refColumns.length, 1);
    assert.match(fk.refColumns[0]!, /_key$/);
    assert.match(orders.primaryKey!.columns[0]!, /_key$/);
    const customerLine = report.find((o) => o.objectType === 'table' && o.name === 'Customer')!;
    assert.equal(customerLine.targetName, 'client');

    const ddl = printDdl(target).map((s) => s.sql).join('\n');
    assert.match(ddl, /CREATE TABLE[^;]*"?client"?/);
    assert.match(ddl, /REFERENCES[^;]*"?client"?/);

    const targetServer = 'pg.example.com';
    const targetRules = targetSelectionRules(
      parseSelectionRules(JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'server-name': SERVER, 'schema-name': schemaName, 'table-name': 'Customer' }, 'rule-action': 'explicit' }] }), 'SelectionRules'),
      report,
      SERVER,
      targetServer,
    );
    const node = describeNode(target, parseSelectionRules(targetRules, 'SelectionRules'), targetServer);
    assert.equal(node?.name, 'client');
    assert.match(node?.definition ?? '', /CREATE TABLE/);

    const pdf = renderAssessmentPdf(report, { projectName: 'e2e', sourceEngine: 'mysql', targetEngine: 'postgres', generatedAt: new Date(0) });
    assert.ok(pdf.subarray(0, 8).toString('latin1').startsWith('%PDF-1.4'));
  });
});
