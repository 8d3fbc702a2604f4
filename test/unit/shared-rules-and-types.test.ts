/**
 * The code the engine, the connectors and schema conversion share: one rule reader that fails
 * with each caller's own error, and one native type-text mapping per engine that reads both a
 * catalog's type text (COLUMN_TYPE, format_type) and parsed DDL to the same NeutralType.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/common/errors.js';
import { neutralOf } from '../../src/connectors/mysql/mysql-types.js';
import { neutralTypeOf } from '../../src/connectors/postgres/postgres-types.js';
import { parseMysqlColumnType } from '../../src/connectors/spi/mysql-type-text.js';
import { pgTypeFromText } from '../../src/connectors/spi/postgres-type-text.js';
import { parseTableMappings, MappingError } from '../../src/engine/mapping/index.js';
import { applyNameAction } from '../../src/mapping-rules/name-actions.js';
import { parseMysqlDdl } from '../../src/schema-conversion/mysql/parse-mysql-ddl.js';
import { parseTransformationRules } from '../../src/schema-conversion/transformation-rules.js';

/** One bad transformation rule (a data-type without its length), as both documents hold it. */
const badRule = {
  'rule-type': 'transformation',
  'rule-id': '7',
  'rule-name': 'widen',
  'rule-target': 'column',
  'rule-action': 'change-data-type',
  'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' },
  'data-type': { type: 'string' },
};

describe('the shared rule reader', () => {
  it('reports the same problem as a MappingError in a task and as InvalidParameterValue in a project', () => {
    const problem = `'data-type.length' is missing; type string needs a length (for example {"type": "string", "length": 50})`;
    const rules = [badRule, { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 's', 'table-name': '%' }, 'rule-action': 'include' }];
    assert.throws(
      () => parseTableMappings(JSON.stringify({ rules })),
      (e: unknown) => e instanceof MappingError && e.ruleId === '7' && e.message === `rule 7 (rule-name 'widen'): ${problem}`,
    );
    assert.throws(
      () => parseTransformationRules(JSON.stringify({ rules: [badRule] }), 'TransformationRules'),
      (e: unknown) =>
        e instanceof ApiError && e.code === 'InvalidParameterValueException' && e.message === `TransformationRules rule 7 (rule-name 'widen'): ${problem}`,
    );
  });

  it('applies the name actions the same way for both', () => {
    assert.equal(applyNameAction('replace-prefix', 'old_orders', 'new_', 'old_'), 'new_orders');
    assert.equal(applyNameAction('replace-prefix', 'orders', 'new_', 'old_'), 'orders');
    assert.equal(applyNameAction('remove-suffix', 'orders_tmp', '_tmp', undefined), 'orders');
    assert.equal(applyNameAction('convert-uppercase', 'Orders', undefined, undefined), 'ORDERS');
    assert.equal(applyNameAction('change-data-type', 'orders', 'x', undefined), 'orders');
  });
});

describe('MySQL type text', () => {
  it('reads COLUMN_TYPE: arguments, flags, ENUM members with their case and escapes', () => {
    assert.deepEqual(parseMysqlColumnType('int(10) unsigned zerofill'), { base: 'int', args: ['10'], unsigned: true, zerofill: true });
    assert.deepEqual(parseMysqlColumnType('decimal(10,2)'), { base: 'decimal', args: ['10', '2'], unsigned: false, zerofill: false });
    assert.deepEqual(parseMysqlColumnType("enum('A','b''c','d\\\\e','x unsigned')"), { base: 'enum', args: ['A', "b'c", 'd\\e', 'x unsigned'], unsigned: false, zerofill: false });
    assert.deepEqual(parseMysqlColumnType('varchar(100) /*M!100301 COMPRESSED*/'), { base: 'varchar', args: ['100'], unsigned: false, zerofill: false });
  });

  it('gives the connector and the DDL parser the same neutral type for the same column', () => {
    const columns = ['tinyint(1)', 'tinyint(1) unsigned', 'mediumint(8) unsigned', 'decimal(12,4)', 'float(7,4)', 'char(3)', 'varbinary(16)', 'datetime(3)', 'timestamp', 'year(4)', "set('a','b')", 'bit(5)', 'json'];
    const ddl = `CREATE TABLE t (${columns.map((c, i) => `c${i} ${c}`).join(', ')});`;
    const parsed = parseMysqlDdl(ddl, { defaultSchema: 's' });
    assert.deepEqual(parsed.problems, []);
    const table = parsed.model.schemas[0]?.tables[0];
    assert.ok(table, 'the DDL parser read the table');
    columns.forEach((columnType, i) => {
      assert.deepEqual(neutralOf({ columnType, jsonCheck: false }), table.columns[i]?.type, columnType);
    });
  });

  it('keeps COLUMN_TYPE as written for a type without a neutral equivalent', () => {
    assert.deepEqual(neutralOf({ columnType: 'geomcollection', jsonCheck: false }), { kind: 'native', engine: 'mysql', type: 'geomcollection' });
    assert.deepEqual(neutralOf({ columnType: 'longtext', jsonCheck: true }), { kind: 'json', binary: false });
  });
});

describe('PostgreSQL type text', () => {
  const builtin = (name: string, formatted: string, typmod = -1) => ({ name, schema: 'pg_catalog', typtype: 'b', typmod, formatted });

  it('gives the connector the mapping of the format_type text', () => {
    for (const [name, formatted, typmod] of [
      ['numeric', 'numeric(10,2)', 655366],
      ['timestamptz', 'timestamp(3) with time zone', 3],
      ['bpchar', 'character(5)', 9],
      ['varbit', 'bit varying', -1],
      ['interval', 'interval', -1],
    ] as const) {
      assert.deepEqual(neutralTypeOf(builtin(name, formatted, typmod)), pgTypeFromText(formatted), formatted);
    }
    assert.deepEqual(neutralTypeOf(builtin('numeric', 'numeric(10,2)', 655366)), { kind: 'decimal', precision: 10, scale: 2 });
  });

  it('reads a type outside pg_catalog by the catalog, not by its name', () => {
    assert.deepEqual(neutralTypeOf({ name: 'uuid', schema: 'ext', typtype: 'b', typmod: -1, formatted: 'ext.uuid' }), { kind: 'native', engine: 'postgres', type: 'ext.uuid' });
  });
});
