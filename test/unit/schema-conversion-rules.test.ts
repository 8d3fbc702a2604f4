/**
 * Selection rules, transformation rules, model merging and GetTargetSelectionRules of schema
 * conversion, on models built by hand (no parser, no database).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/common/errors.js';
import { applyTransformationRules } from '../../src/schema-conversion/apply-transformations.js';
import { mergeModel } from '../../src/schema-conversion/merge-model.js';
import type { ColumnDef, ConversionResult, ObjectReport, SchemaDef, SchemaModel, TableDef } from '../../src/schema-conversion/model.js';
import { objectsOf } from '../../src/schema-conversion/model-objects.js';
import { formatSelectionRules, parseSelectionRules, selectModel } from '../../src/schema-conversion/selection-rules.js';
import { targetSelectionRules } from '../../src/schema-conversion/target-selection-rules.js';
import { parseTransformationRules } from '../../src/schema-conversion/transformation-rules.js';

const SERVER = 'src.example.com';

function col(name: string, over: Partial<ColumnDef> = {}): ColumnDef {
  return { name, type: { kind: 'int', bytes: 4, unsigned: false }, nativeType: 'int', nullable: false, ...over };
}

function table(name: string, columns: ColumnDef[], over: Partial<TableDef> = {}): TableDef {
  return { name, columns, uniqueKeys: [], foreignKeys: [], checks: [], indexes: [], ...over };
}

function schema(name: string, over: Partial<SchemaDef> = {}): SchemaDef {
  return { name, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [], ...over };
}

/** A small MySQL-side model: two databases, tables with a FK, a view, routines, a trigger. */
function sourceModel(): SchemaModel {
  return {
    dialect: 'mysql',
    schemas: [
      schema('Shop', {
        tables: [
          table('Customer', [col('Id'), col('Name', { type: { kind: 'varchar', length: 40 }, nativeType: 'varchar(40)' })], { primaryKey: { columns: ['Id'] } }),
          table('Orders', [col('Id'), col('CustomerId'), col('Total', { type: { kind: 'decimal', precision: 10, scale: 2 }, nativeType: 'decimal(10,2)' })], {
            primaryKey: { columns: ['Id'] },
            foreignKeys: [{ name: 'fk_cust', columns: ['CustomerId'], refSchema: 'Shop', refTable: 'Customer', refColumns: ['Id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
          }),
          table('order_items', [col('id')]),
          table('orderXitems', [col('id')]),
        ],
        views: [{ name: 'big_orders', query: 'SELECT Id, Total FROM Orders WHERE Total > 100' }],
        routines: [
          { name: 'add_order', kind: 'procedure', definition: 'CREATE PROCEDURE add_order() BEGIN END' },
          { name: 'order_total', kind: 'function', definition: 'CREATE FUNCTION order_total() RETURNS INT RETURN 1' },
        ],
        triggers: [{ name: 'orders_bi', table: 'Orders', timing: 'BEFORE', events: ['INSERT'], definition: 'CREATE TRIGGER orders_bi BEFORE INSERT ON Orders FOR EACH ROW SET NEW.Total = 0' }],
      }),
      schema('hr', { tables: [table('staff', [col('id')])] }),
    ],
  };
}

/** The PostgreSQL model a converter would make of it (names lower-cased), with its report. */
function converted(): ConversionResult {
  const model: SchemaModel = {
    dialect: 'postgres',
    schemas: [
      schema('shop', {
        tables: [
          table('customer', [col('id', { nativeType: 'integer' }), col('name', { type: { kind: 'varchar', length: 40 }, nativeType: 'character varying(40)' })], { primaryKey: { columns: ['id'] } }),
          table('orders', [col('id', { nativeType: 'integer' }), col('customerid', { nativeType: 'integer' }), col('total', { type: { kind: 'decimal', precision: 10, scale: 2 }, nativeType: 'numeric(10,2)', default: { kind: 'literal', value: '0', quoted: false } })], {
            primaryKey: { columns: ['id'] },
            foreignKeys: [{ name: 'fk_cust', columns: ['customerid'], refSchema: 'shop', refTable: 'customer', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
            checks: [{ name: 'ck_total', expression: 'total >= 0 AND abs(total) < 1e9' }],
            indexes: [{ name: 'ix_orders_cust', unique: false, method: 'btree', parts: [{ column: 'customerid' }, { expression: 'lower(customerid::text)' }] }],
          }),
          table('order_items', [col('id', { nativeType: 'integer' })]),
          table('orderxitems', [col('id', { nativeType: 'integer' })]),
        ],
        views: [{ name: 'big_orders', query: 'SELECT id, total FROM orders WHERE total > 100' }],
        routines: [],
        triggers: [{ name: 'orders_bi', table: 'orders', timing: 'BEFORE', events: ['INSERT'], definition: 'CREATE TRIGGER orders_bi BEFORE INSERT ON Orders FOR EACH ROW SET NEW.Total = 0' }],
      }),
      schema('hr', { tables: [table('staff', [col('id', { nativeType: 'integer' })])] }),
    ],
  };
  const report: ObjectReport[] = [
    { objectType: 'schema', schema: 'Shop', name: 'Shop', status: 'converted', targetSchema: 'shop', targetName: 'shop', issues: [] },
    { objectType: 'table', schema: 'Shop', name: 'Customer', status: 'converted', targetSchema: 'shop', targetName: 'customer', issues: [] },
    { objectType: 'table', schema: 'Shop', name: 'Orders', status: 'converted', targetSchema: 'shop', targetName: 'orders', issues: [] },
    { objectType: 'column', schema: 'Shop', table: 'Orders', name: 'CustomerId', status: 'converted', targetSchema: 'shop', targetName: 'customerid', issues: [] },
    { objectType: 'view', schema: 'Shop', name: 'big_orders', status: 'converted', targetSchema: 'shop', targetName: 'big_orders', issues: [] },
    { objectType: 'procedure', schema: 'Shop', name: 'add_order', status: 'manual', issues: [{ severity: 'error', code: 'routine-not-converted', message: 'm', action: 'a' }] },
  ];
  return { model, report };
}

function rulesJson(...rules: object[]): string {
  return JSON.stringify({ rules: rules.map((r, i) => ({ 'rule-type': 'selection', 'rule-id': String(i + 1), 'rule-name': `r${i + 1}`, ...r })) });
}

const names = (m: SchemaModel): string[] => m.schemas.flatMap((s) => [`schema:${s.name}`, ...objectsOf(s).map((o) => `${o.kind}:${s.name}.${o.name}`)]);

function invalid(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, 'InvalidParameterValueException');
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(err.message.includes(p), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(p)}`);
      else assert.match(err.message, p);
    }
    return true;
  });
}

describe('parseSelectionRules', () => {
  it('reads the DMS CLI example and writes it back', () => {
    const json = '{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1", "object-locator": {"server-name": "example-source-server.us-east-1.rds.amazonaws.com", "schema-name": "ExampleSchema", "table-name": "ExampleTable"}, "rule-action": "explicit"}]}';
    const rules = parseSelectionRules(json, 'SelectionRules');
    assert.deepEqual(rules.rules[0], {
      ruleId: '1',
      ruleName: '1',
      action: 'explicit',
      locator: { serverName: 'example-source-server.us-east-1.rds.amazonaws.com', schemaName: 'ExampleSchema', object: { kind: 'table', name: 'ExampleTable' } },
    });
    assert.deepEqual(JSON.parse(formatSelectionRules(rules)), JSON.parse(json));
  });

  it('refuses bad documents naming the member, the rule and the fix', () => {
    invalid(() => parseSelectionRules('{rules', 'SelectionRules'), 'SelectionRules', 'not valid JSON');
    invalid(() => parseSelectionRules('{"rules": []}', 'SelectionRules'), 'SelectionRules', 'empty');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'include', 'object-locator': { 'schema-name': 'x' } }), 'SelectionRules'), "rule 1 (rule-name 'r1')", 'server-name', 'missing');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Sh%' } }), 'SelectionRules'), 'explicit', 'use rule-action include');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 's', 'tabel-name': 't' } }), 'SelectionRules'), "unknown member 'object-locator.tabel-name'", "did you mean 'table-name'");
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'select', 'object-locator': { 'server-name': SERVER } }), 'SelectionRules'), "'select'", 'explicit, include or exclude');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'table-name': 't' } }), 'SelectionRules'), 'needs', 'schema-name');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 's', 'category-name': 'Views', 'table-name': 't' } }), 'SelectionRules'), "category-name' 'Views' does not hold");
    invalid(() => parseSelectionRules(rulesJson({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 's', 'category-name': 'Packages' } }), 'SelectionRules'), "'Packages'", 'Tables');
    const dup = JSON.stringify({ rules: [1, 2].map(() => ({ 'rule-type': 'selection', 'rule-id': '7', 'rule-action': 'include', 'object-locator': { 'server-name': SERVER } })) });
    invalid(() => parseSelectionRules(dup, 'SelectionRules'), 'rule-id 7', 'rules[0]');
    invalid(() => parseSelectionRules(rulesJson({ 'rule-type': 'transformation', 'rule-action': 'include' }), 'SelectionRules'), "rule-type 'transformation'");
  });

  it('canonicalises category names', () => {
    const r = parseSelectionRules(rulesJson({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'category-name': 'tables' } }), 'SelectionRules');
    assert.equal(r.rules[0]?.locator.categoryName, 'Tables');
  });
});

describe('selectModel', () => {
  const select = (...rules: object[]): string[] => names(selectModel(sourceModel(), parseSelectionRules(rulesJson(...rules), 'SelectionRules'), SERVER));

  it('include with % selects every table of matching schemas; exclude removes', () => {
    const got = select(
      { 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': '%', 'table-name': '%' } },
      { 'rule-action': 'exclude', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'table-name': 'order%' } },
    );
    // Tables and their triggers; order_items / orderXitems excluded; views and routines not selected.
    assert.deepEqual(got, ['schema:Shop', 'table:Shop.Customer', 'table:Shop.Orders', 'trigger:Shop.orders_bi', 'schema:hr', 'table:hr.staff']);
  });

  it('_ matches one character in include but is literal in explicit', () => {
    assert.deepEqual(select({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'table-name': 'order_items' } }), [
      'schema:Shop',
      'table:Shop.order_items',
      'table:Shop.orderXitems',
    ]);
    assert.deepEqual(select({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'table-name': 'order_items' } }), ['schema:Shop', 'table:Shop.order_items']);
  });

  it('a schema locator selects everything in it; a category locator one folder', () => {
    const all = select({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop' } });
    assert.equal(all.length, 1 + 4 + 1 + 2 + 1);
    assert.ok(all.includes('procedure:Shop.add_order') && all.includes('view:Shop.big_orders'));
    assert.deepEqual(select({ 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'category-name': 'Procedures' } }), ['schema:Shop', 'procedure:Shop.add_order']);
    assert.deepEqual(select({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'function-name': 'order_total' } }), ['schema:Shop', 'function:Shop.order_total']);
  });

  it('a schema selected as a whole stays even when exclusions empty it', () => {
    assert.deepEqual(
      select(
        { 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 'hr' } },
        { 'rule-action': 'exclude', 'object-locator': { 'server-name': SERVER, 'schema-name': 'hr', 'table-name': '%' } },
      ),
      ['schema:hr'],
    );
  });

  it('rules about another server select nothing; server names ignore case', () => {
    assert.deepEqual(select({ 'rule-action': 'include', 'object-locator': { 'server-name': 'other.example.com', 'schema-name': '%' } }), []);
    assert.deepEqual(select({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER.toUpperCase(), 'schema-name': 'hr' } }), ['schema:hr', 'table:hr.staff']);
  });

  it('returns a copy that shares nothing with the model', () => {
    const model = sourceModel();
    const sub = selectModel(model, parseSelectionRules(rulesJson({ 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'schema-name': 'hr' } }), 'SelectionRules'), SERVER);
    sub.schemas[0]!.tables[0]!.name = 'changed';
    assert.equal(model.schemas[1]!.tables[0]!.name, 'staff');
  });
});

describe('mergeModel', () => {
  it('replaces objects by name, adds new ones and schemas, keeps the rest', () => {
    const base = sourceModel();
    const update: SchemaModel = {
      dialect: 'mysql',
      schemas: [schema('hr', { tables: [table('staff', [col('id'), col('email')]), table('teams', [col('id')])] }), schema('new_db', { tables: [table('t', [col('a')])] })],
    };
    const merged = mergeModel(base, update);
    assert.deepEqual(merged.schemas.map((s) => s.name), ['Shop', 'hr', 'new_db']);
    const hr = merged.schemas[1]!;
    assert.deepEqual(hr.tables.map((t) => t.name), ['staff', 'teams']);
    assert.deepEqual(hr.tables[0]!.columns.map((c) => c.name), ['id', 'email']);
    assert.equal(merged.schemas[0]!.tables.length, 4, 'untouched schema kept');
    assert.equal(base.schemas[1]!.tables[0]!.columns.length, 1, 'base not changed');
  });

  it('with a scope, removes stored objects the update no longer holds', () => {
    const update: SchemaModel = { dialect: 'mysql', schemas: [schema('Shop', { tables: [table('Customer', [col('Id')])] })] };
    const merged = mergeModel(sourceModel(), update, { scope: (ref) => ref.schema === 'Shop' && ref.kind === 'table' });
    const shop = merged.schemas[0]!;
    assert.deepEqual(shop.tables.map((t) => t.name), ['Customer']);
    assert.equal(shop.views.length, 1, 'objects outside the scope stay');
  });

  it('refuses to merge models of different dialects', () => {
    assert.throws(() => mergeModel(sourceModel(), converted().model), /cannot merge a postgres model into a mysql model/);
  });
});

describe('parseTransformationRules', () => {
  const tr = (...rules: object[]): string =>
    JSON.stringify({ rules: rules.map((r, i) => ({ 'rule-type': 'transformation', 'rule-id': String(i + 1), 'rule-name': `t${i + 1}`, ...r })) });

  it('reads rules and orders them by numeric rule-id', () => {
    const json = JSON.stringify({
      rules: [
        { 'rule-type': 'transformation', 'rule-id': '10', 'rule-name': 'b', 'rule-target': 'table', 'object-locator': { 'schema-name': '%', 'table-name': '%' }, 'rule-action': 'add-prefix', value: 'x_' },
        { 'rule-type': 'transformation', 'rule-id': 9, 'rule-name': 'a', 'rule-target': 'schema', 'object-locator': { 'schema-name': 'Shop' }, 'rule-action': 'convert-lowercase' },
      ],
    });
    const r = parseTransformationRules(json, 'TransformationRules');
    assert.deepEqual(r.rules.map((x) => x.ruleId), ['9', '10']);
    assert.equal(r.rules[1]?.value, 'x_');
    assert.deepEqual(parseTransformationRules('{"rules": []}', 'TransformationRules').rules, []);
  });

  it('refuses what it cannot apply, naming the rule', () => {
    invalid(() => parseTransformationRules(tr({ 'rule-target': 'table', 'object-locator': { 'schema-name': 's', 'table-name': 't' }, 'rule-action': 'rename' }), 'TransformationRules'), "TransformationRules rule 1 (rule-name 't1')", "'value' is missing");
    invalid(() => parseTransformationRules(tr({ 'rule-target': 'column', 'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' }, 'rule-action': 'add-column', value: 'x' }), 'TransformationRules'), 'add-column', 'TableMappings');
    invalid(() => parseTransformationRules(tr({ 'rule-target': 'table-tablespace', 'object-locator': { 'schema-name': 's' }, 'rule-action': 'rename', value: 'x' }), 'TransformationRules'), 'tablespace');
    invalid(() => parseTransformationRules(tr({ 'rule-target': 'column', 'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' }, 'rule-action': 'change-data-type', 'data-type': { type: 'string' } }), 'TransformationRules'), "'data-type.length' is missing");
    invalid(() => parseTransformationRules(tr({ 'rule-target': 'table', 'object-locator': { 'schema-name': 's', 'table-name': 't' }, 'rule-action': 'change-data-type' }), 'TransformationRules'), 'rule-target column');
    invalid(() => parseTransformationRules(tr({ 'rule-type': 'selection' }), 'TransformationRules'), "rule-type 'selection'", 'SelectionRules');
  });
});

describe('applyTransformationRules', () => {
  const apply = (...rules: object[]): ConversionResult =>
    applyTransformationRules(
      sourceModel(),
      converted(),
      parseTransformationRules(JSON.stringify({ rules: rules.map((r, i) => ({ 'rule-type': 'transformation', 'rule-id': String(i + 1), 'rule-name': `t${i + 1}`, ...r })) }), 'TransformationRules'),
    );

  it('renames a table and every reference to it; warns on views and triggers that use it', () => {
    const { model, report } = apply({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Shop', 'table-name': 'Customer' }, 'rule-action': 'rename', value: 'client' });
    const shop = model.schemas[0]!;
    assert.deepEqual(shop.tables.map((t) => t.name), ['client', 'orders', 'order_items', 'orderxitems']);
    assert.equal(shop.tables[1]!.foreignKeys[0]!.refTable, 'client');
    const line = report.find((o) => o.objectType === 'table' && o.name === 'Customer')!;
    assert.equal(line.targetName, 'client');
    assert.ok(line.issues.some((i) => i.code === 'renamed-by-transformation-rule'));
    // The view does not mention customer: no warning.
    assert.equal(report.find((o) => o.objectType === 'view')!.status, 'converted');
    assert.equal(converted().model.schemas[0]!.tables[0]!.name, 'customer', 'input unchanged');
  });

  it('renames columns in keys, indexes, checks and foreign keys of other tables', () => {
    const { model, report } = apply(
      { 'rule-target': 'column', 'object-locator': { 'schema-name': 'Shop', 'table-name': 'Customer', 'column-name': 'Id' }, 'rule-action': 'add-prefix', value: 'customer_' },
      { 'rule-target': 'column', 'object-locator': { 'schema-name': 'Shop', 'table-name': 'Orders', 'column-name': '%' }, 'rule-action': 'convert-uppercase' },
    );
    const [customer, orders] = model.schemas[0]!.tables;
    assert.deepEqual(customer!.columns.map((c) => c.name), ['customer_id', 'name']);
    assert.deepEqual(customer!.primaryKey?.columns, ['customer_id']);
    assert.deepEqual(orders!.columns.map((c) => c.name), ['ID', 'CUSTOMERID', 'TOTAL']);
    assert.deepEqual(orders!.foreignKeys[0]!.columns, ['CUSTOMERID']);
    assert.deepEqual(orders!.foreignKeys[0]!.refColumns, ['customer_id']);
    assert.equal(orders!.checks[0]!.expression, '"TOTAL" >= 0 AND abs("TOTAL") < 1e9');
    assert.deepEqual(orders!.indexes[0]!.parts, [{ column: 'CUSTOMERID' }, { expression: 'lower("CUSTOMERID"::text)' }]);
    assert.equal(report.find((o) => o.objectType === 'column' && o.name === 'CustomerId')!.targetName, 'CUSTOMERID');
    // The view reads orders.total, now TOTAL.
    const view = report.find((o) => o.objectType === 'view')!;
    assert.equal(view.status, 'converted-with-warnings');
    assert.ok(view.issues.some((i) => i.code === 'view-references-renamed-object' && i.message.includes('orders.total')));
  });

  it('prefixes a schema and follows it in foreign keys and the report', () => {
    const { model, report } = apply({ 'rule-target': 'schema', 'object-locator': { 'schema-name': 'Sh%' }, 'rule-action': 'add-prefix', value: 'legacy_' });
    assert.deepEqual(model.schemas.map((s) => s.name), ['legacy_shop', 'hr']);
    assert.equal(model.schemas[0]!.tables[1]!.foreignKeys[0]!.refSchema, 'legacy_shop');
    assert.equal(report.find((o) => o.objectType === 'table' && o.name === 'Orders')!.targetSchema, 'legacy_shop');
    assert.equal(report.find((o) => o.objectType === 'schema')!.targetName, 'legacy_shop');
    // A manual object with no target keeps no target.
    assert.equal(report.find((o) => o.objectType === 'procedure')!.targetSchema, undefined);
  });

  it('changes a column type, rendered for the target, and warns about its default', () => {
    const { model, report } = apply({
      'rule-target': 'column',
      'object-locator': { 'schema-name': 'Shop', 'table-name': 'Orders', 'column-name': '%', 'data-type': 'numeric' },
      'rule-action': 'change-data-type',
      'data-type': { type: 'numeric', precision: 14, scale: 4 },
    });
    const total = model.schemas[0]!.tables[1]!.columns[2]!;
    assert.deepEqual(total.type, { kind: 'decimal', precision: 14, scale: 4 });
    assert.equal(total.nativeType, 'numeric(14,4)');
    assert.equal(model.schemas[0]!.tables[1]!.columns[0]!.nativeType, 'integer', 'int columns do not answer to numeric');
    const line = report.find((o) => o.objectType === 'column' && o.name === 'Total')!;
    assert.equal(line.status, 'converted-with-warnings');
    assert.ok(line.issues.some((i) => i.code === 'data-type-changed-dependents' && i.message.includes('a default')));
  });

  it('chains actions in rule-id order: later rules see the name earlier ones made', () => {
    const { model } = apply(
      { 'rule-target': 'table', 'object-locator': { 'schema-name': '%', 'table-name': '%' }, 'rule-action': 'convert-uppercase' },
      { 'rule-target': 'table', 'object-locator': { 'schema-name': 'hr', 'table-name': 'staff' }, 'rule-action': 'add-suffix', value: '_t' },
    );
    assert.equal(model.schemas[1]!.tables[0]!.name, 'STAFF_t');
    assert.equal(model.schemas[0]!.views[0]!.name, 'BIG_ORDERS', 'table-type defaults to all');
    assert.equal(model.schemas[0]!.triggers[0]!.table, 'ORDERS');
  });

  it('refuses two objects with one name, too long a name and an empty one, naming the rule', () => {
    invalid(() => apply({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Shop', 'table-name': 'order_items' }, 'rule-action': 'rename', value: 'orders' }), 'rule 1', "would both be named 'orders'");
    invalid(() => apply({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'hr', 'table-name': 'staff' }, 'rule-action': 'add-prefix', value: 'x'.repeat(70) }), 'rule 1', '63 bytes');
    invalid(() => apply({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'hr', 'table-name': 'staff' }, 'rule-action': 'remove-suffix', value: 'staff' }), 'empty name');
  });
});

describe('targetSelectionRules', () => {
  it('points source rules at the converted names on the target server', () => {
    const { report } = apply2();
    const rules = parseSelectionRules(
      rulesJson(
        { 'rule-action': 'explicit', 'object-locator': { 'server-name': SERVER, 'database-name': 'db', 'schema-name': 'Shop', 'table-name': 'Customer' } },
        { 'rule-action': 'include', 'object-locator': { 'server-name': SERVER, 'schema-name': 'Shop', 'table-name': 'Ord%' } },
        { 'rule-action': 'include', 'object-locator': { 'server-name': 'elsewhere', 'schema-name': 'x' } },
      ),
      'SelectionRules',
    );
    const out = JSON.parse(targetSelectionRules(rules, report, SERVER, 'tgt.example.com'));
    assert.deepEqual(out.rules[0], { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'r1', 'object-locator': { 'server-name': 'tgt.example.com', 'schema-name': 'shop', 'table-name': 'client' }, 'rule-action': 'explicit' });
    assert.deepEqual(out.rules[1]['object-locator'], { 'server-name': 'tgt.example.com', 'schema-name': 'shop', 'table-name': 'Ord%' });
    assert.deepEqual(out.rules[2]['object-locator'], { 'server-name': 'elsewhere', 'schema-name': 'x' });
  });
});

function apply2(): ConversionResult {
  return applyTransformationRules(
    sourceModel(),
    converted(),
    parseTransformationRules(JSON.stringify({ rules: [{ 'rule-type': 'transformation', 'rule-id': '1', 'rule-target': 'table', 'object-locator': { 'schema-name': 'Shop', 'table-name': 'Customer' }, 'rule-action': 'rename', value: 'client' }] }), 'TransformationRules'),
  );
}
