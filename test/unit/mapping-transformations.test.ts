/** buildPlan: transformation rules on schemas, tables and columns; keys; TargetSchema; many-to-one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NeutralType } from '../../src/connectors/spi/index.js';
import type { ColumnPlan } from '../../src/engine/mapping/index.js';
import { col, FLOAT8, include, INT4, INT8, plan, planFails, table, tableOf, TEXT, transform, VARCHAR } from './mapping-fixtures.js';

const SEL = include(1, '%', '%');
const users = table('app', 'Users', [col('id', INT4, false), col('first_name', VARCHAR), col('last_name', VARCHAR), col('bio', TEXT), col('score', FLOAT8)]);
const orders = table('app', 'orders', [col('id', INT8, false), col('user_id', INT4, false), col('total', { kind: 'decimal', precision: 10, scale: 2 })]);
const CATALOG = [users, orders];
const TBL = (tableName: string, schema = 'app') => ({ 'schema-name': schema, 'table-name': tableName });
const COL = (tableName: string, column: string, schema = 'app') => ({ 'schema-name': schema, 'table-name': tableName, 'column-name': column });
const targetNames = (cols: readonly ColumnPlan[]) => cols.map((c) => c.targetName);

describe('name actions', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['rename', { value: 'people' }, 'people'],
    ['convert-lowercase', {}, 'users'],
    ['convert-uppercase', {}, 'USERS'],
    ['add-prefix', { value: 'DMS_' }, 'DMS_Users'],
    ['add-suffix', { value: '_v2' }, 'Users_v2'],
    ['remove-prefix', { value: 'Us' }, 'ers'],
    ['remove-prefix', { value: 'XX' }, 'Users'],
    ['remove-suffix', { value: 'ers' }, 'Us'],
    ['remove-suffix', { value: 'XX' }, 'Users'],
    ['replace-prefix', { value: 'Cust', 'old-value': 'Us' }, 'Custers'],
    ['replace-prefix', { value: 'Cust', 'old-value': 'XX' }, 'Users'],
    ['replace-suffix', { value: '_tbl', 'old-value': 'ers' }, 'Us_tbl'],
    ['replace-suffix', { value: '', 'old-value': 's' }, 'User'],
  ];
  for (const [action, extra, want] of cases) {
    it(`${action} ${JSON.stringify(extra)} on a table gives ${want}`, () => {
      const p = plan([SEL, transform(2, 'table', action, TBL('Users'), extra)], CATALOG);
      assert.equal(tableOf(p, 'app', 'Users').target.name, want);
      assert.equal(tableOf(p, 'app', 'orders').target.name, 'orders');
    });
  }

  it('works on schemas', () => {
    const p = plan([SEL, transform(2, 'schema', 'add-prefix', { 'schema-name': 'app' }, { value: 'stg_' })], CATALOG);
    assert.deepEqual(tableOf(p, 'app', 'Users').target, { schema: 'stg_app', name: 'Users' });
    assert.deepEqual(tableOf(p, 'app', 'orders').target, { schema: 'stg_app', name: 'orders' });
  });

  it('works on columns, with wildcards', () => {
    const p = plan([SEL, transform(2, 'column', 'convert-uppercase', COL('%', '%')), transform(3, 'column', 'replace-suffix', COL('Users', '%_name'), { 'old-value': '_NAME', value: '_NM' })], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['ID', 'FIRST_NM', 'LAST_NM', 'BIO', 'SCORE']);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['ID', 'USER_ID', 'TOTAL']);
    assert.deepEqual(tableOf(p, 'app', 'Users').primaryKey, ['ID'], 'the target key follows the renames');
    assert.deepEqual(tableOf(p, 'app', 'Users').sourceKey, ['id']);
  });

  it('chains schema, table and column renames (locators always name source objects)', () => {
    const p = plan(
      [
        SEL,
        transform(2, 'schema', 'rename', { 'schema-name': 'app' }, { value: 'crm' }),
        transform(3, 'table', 'rename', TBL('Users'), { value: 'customers' }),
        transform(4, 'column', 'rename', COL('Users', 'first_name'), { value: 'given_name' }),
        transform(5, 'column', 'rename', COL('%', 'given%'), { value: 'never' }),
      ],
      CATALOG,
    );
    const t = tableOf(p, 'app', 'Users');
    assert.deepEqual(t.target, { schema: 'crm', name: 'customers' });
    assert.deepEqual(targetNames(t.columns), ['id', 'given_name', 'last_name', 'bio', 'score']);
    assert.deepEqual(t.ruleIds, ['1', '2', '3', '4']);
    assert.deepEqual(tableOf(p, 'app', 'orders').ruleIds, ['1', '2']);
    assert.ok(p.notes.some((n) => n.startsWith("transformation rule 5 (rule-name '5') (rename on column) matched nothing")), p.notes.join('\n'));
  });

  it('a column rule naming a renamed (target) column exactly is an error: locators name source columns', () => {
    planFails(
      [SEL, transform(4, 'column', 'rename', COL('Users', 'first_name'), { value: 'given_name' }), transform(5, 'column', 'rename', COL('Users', 'given_name'), { value: 'x' })],
      CATALOG,
      [/column 'given_name' does not exist in app\.Users/],
      '5',
    );
  });

  it('a table renamed by one rule is still named by its source name in later rules', () => {
    const p = plan([SEL, transform(2, 'table', 'rename', TBL('orders'), { value: 'purchases' }), transform(3, 'table', 'add-suffix', TBL('orders'), { value: '_v1' })], CATALOG);
    assert.equal(tableOf(p, 'app', 'orders').target.name, 'purchases_v1');
  });

  it('applies several rules to one name in rule-id order', () => {
    const p = plan(
      [SEL, transform(10, 'table', 'add-prefix', TBL('%'), { value: 'X_' }), transform(9, 'table', 'convert-lowercase', TBL('%'))],
      CATALOG,
    );
    // 9 (lowercase) runs before 10 (prefix), though listed after it.
    assert.equal(tableOf(p, 'app', 'Users').target.name, 'X_users');
  });

  it('applies table rules to views', () => {
    const v = table('app', 'v_users', ['id', 'name'], { kind: 'view' });
    const p = plan([{ ...SEL, 'object-locator': { 'schema-name': '%', 'table-name': '%', 'table-type': 'all' } }, transform(2, 'table', 'rename', TBL('v_users'), { value: 'users_snapshot' })], [v]);
    assert.equal(tableOf(p, 'app', 'v_users').target.name, 'users_snapshot');
    assert.deepEqual(tableOf(p, 'app', 'v_users').primaryKey, []);
  });

  it('a table rule with table-type table leaves views alone', () => {
    const v = table('app', 'v_users', ['id'], { kind: 'view' });
    const p = plan([{ ...SEL, 'object-locator': { 'schema-name': '%', 'table-name': '%', 'table-type': 'all' } }, transform(2, 'table', 'add-prefix', { ...TBL('%'), 'table-type': 'table' }, { value: 't_' })], [v, orders]);
    assert.equal(tableOf(p, 'app', 'v_users').target.name, 'v_users');
    assert.equal(tableOf(p, 'app', 'orders').target.name, 't_orders');
  });

  it('refuses a rule that leaves an empty name', () => {
    planFails([SEL, transform(3, 'table', 'remove-prefix', TBL('orders'), { value: 'orders' })], CATALOG, [/rule-action 'remove-prefix' turns the name of table app\.orders \('orders'\) into an empty name/], '3');
  });

  it('refuses a name longer than the target engine allows', () => {
    const long = 'x'.repeat(60);
    planFails([SEL, transform(3, 'table', 'add-prefix', TBL('orders'), { value: long })], CATALOG, [/target table name 'x+orders' is 66 bytes long; PostgreSQL identifiers hold at most 63 bytes/], '3');
    // MySQL counts characters (64), PostgreSQL bytes (63).
    const p = plan([SEL, transform(3, 'table', 'add-prefix', TBL('orders'), { value: 'é'.repeat(50) })], CATALOG, { targetEngine: 'mysql' });
    assert.equal([...tableOf(p, 'app', 'orders').target.name].length, 56);
    planFails([SEL, transform(3, 'table', 'add-prefix', TBL('orders'), { value: 'é'.repeat(50) })], CATALOG, [/PostgreSQL identifiers hold at most 63 bytes/], '3');
  });
});

describe('TargetSchema', () => {
  it('puts every table in the target schema', () => {
    const p = plan([SEL], [...CATALOG, table('other', 't')], { targetSchema: 'landing' });
    assert.deepEqual(
      p.tables.map((t) => t.target.schema),
      ['landing', 'landing', 'landing'],
    );
  });

  it('an empty TargetSchema keeps the source schema', () => {
    const p = plan([SEL], CATALOG, { targetSchema: '' });
    assert.equal(tableOf(p, 'app', 'orders').target.schema, 'app');
  });

  it('a schema rule wins over TargetSchema for the schemas it names', () => {
    const p = plan([SEL, transform(2, 'schema', 'rename', { 'schema-name': 'app' }, { value: 'crm' })], [...CATALOG, table('other', 't')], { targetSchema: 'landing' });
    assert.equal(tableOf(p, 'app', 'orders').target.schema, 'crm');
    assert.equal(tableOf(p, 'other', 't').target.schema, 'landing');
  });

  it('table rules still apply under TargetSchema', () => {
    const p = plan([SEL, transform(2, 'table', 'convert-uppercase', TBL('%'))], CATALOG, { targetSchema: 'landing' });
    assert.deepEqual(tableOf(p, 'app', 'orders').target, { schema: 'landing', name: 'ORDERS' });
  });
});

describe('many-to-one', () => {
  it('refuses two source tables renamed into one target table, naming the rule', () => {
    planFails(
      [SEL, transform(2, 'table', 'rename', TBL('orders'), { value: 'Users' })],
      CATALOG,
      [/source tables app\.Users and app\.orders would both load into target table app\.Users; DMS does not replicate two source tables into one target table/],
      '2',
    );
  });

  it('refuses two schemas folded into one by TargetSchema when table names meet', () => {
    planFails([SEL], [table('a', 't'), table('b', 't')], [/source tables a\.t and b\.t would both load into target table landing\.t.*or exclude one/], undefined, { targetSchema: 'landing' });
  });

  it('refuses a case conversion that makes two tables one', () => {
    planFails([SEL, transform(5, 'table', 'convert-lowercase', TBL('%', 's'))], [table('s', 'Orders'), table('s', 'orders')], [/would both load into target table s\.orders/], '5');
  });

  it('refuses two columns with one target name', () => {
    planFails([SEL, transform(4, 'column', 'rename', COL('Users', 'last_name'), { value: 'first_name' })], CATALOG, [/source column 'last_name' and another column would both become column 'first_name' in the target table of app\.Users/], '4');
  });

  it('on MySQL targets column names that differ only in case collide', () => {
    planFails([SEL, transform(4, 'column', 'rename', COL('Users', 'last_name'), { value: 'First_Name' })], CATALOG, [/column 'first_name' would both become column 'First_Name'.*MySQL column names ignore case/], '4', { targetEngine: 'mysql' });
    const p = plan([SEL, transform(4, 'column', 'rename', COL('Users', 'last_name'), { value: 'First_Name' })], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns).slice(1, 3), ['first_name', 'First_Name']);
  });
});

describe('remove-column and include-column', () => {
  it('remove-column drops matching columns (wildcards too)', () => {
    const p = plan([SEL, transform(2, 'column', 'remove-column', COL('Users', '%_name'))], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['id', 'bio', 'score']);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['id', 'user_id', 'total']);
  });

  it('include-column keeps only the named columns of the tables it names', () => {
    const p = plan([SEL, transform(2, 'column', 'include-column', COL('Users', 'id')), transform(3, 'column', 'include-column', COL('Users', 'last_name'))], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['id', 'last_name']);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['id', 'user_id', 'total']);
    assert.deepEqual(tableOf(p, 'app', 'Users').ruleIds, ['1', '2', '3']);
    assert.deepEqual(tableOf(p, 'app', 'orders').ruleIds, ['1']);
  });

  it('include-column combines with renames', () => {
    const p = plan([SEL, transform(2, 'column', 'include-column', COL('Users', '%name')), transform(3, 'column', 'convert-uppercase', COL('Users', '%'))], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['FIRST_NAME', 'LAST_NAME']);
  });

  it('removing a key column leaves the target without a primary key, and says so', () => {
    const p = plan([SEL, transform(2, 'column', 'remove-column', COL('orders', 'id'))], CATALOG);
    const t = tableOf(p, 'app', 'orders');
    assert.deepEqual(t.primaryKey, []);
    assert.deepEqual(t.sourceKey, ['id']);
    assert.ok(p.notes.some((n) => n === "app.orders: key column 'id' is removed by rule 2, so the target table gets no primary key (define one with a define-primary-key rule)"), p.notes.join('\n'));
  });

  it('refuses removing every column', () => {
    planFails([SEL, transform(2, 'column', 'remove-column', COL('orders', '%'))], CATALOG, [/no column of app\.orders is left to load/], '2');
  });

  it('refuses a column rule naming a column the table does not have', () => {
    planFails([SEL, transform(6, 'column', 'rename', COL('Users', 'firstname'), { value: 'fn' })], CATALOG, [/column 'firstname' does not exist in app\.Users; its columns are id, first_name, last_name, bio, score \(names are case-sensitive\)/], '6');
    planFails([SEL, transform(6, 'column', 'remove-column', COL('orders', 'ID'))], CATALOG, [/column 'ID' does not exist in app\.orders/], '6');
    planFails([SEL, transform(6, 'column', 'include-column', COL('orders', 'nope'))], CATALOG, [/column 'nope' does not exist/], '6');
  });

  it('a column rule over many tables does not need the column in each', () => {
    const p = plan([SEL, transform(6, 'column', 'rename', COL('%', 'user_id'), { value: 'uid' })], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['id', 'uid', 'total']);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['id', 'first_name', 'last_name', 'bio', 'score']);
  });
});

describe('add-column', () => {
  const add = (id: number, tableName: string, extra: Record<string, unknown>) => transform(id, 'column', 'add-column', TBL(tableName), extra);

  it('adds an empty (NULL) column after the source columns', () => {
    const p = plan([SEL, add(2, 'orders', { value: 'last_updated', 'data-type': { type: 'datetime', precision: 6 } })], CATALOG);
    const cols = tableOf(p, 'app', 'orders').columns;
    assert.deepEqual(cols.at(-1), { kind: 'added', targetName: 'last_updated', targetType: { kind: 'timestamp', precision: 6, withTimeZone: false }, nullable: true, value: null });
  });

  it('adds a column computed by an expression over source columns', () => {
    const p = plan([SEL, add(2, 'Users', { value: 'FULL_NAME', expression: "$first_name||'_'||$last_name", 'data-type': { type: 'string', length: 50 } })], CATALOG);
    assert.deepEqual(tableOf(p, 'app', 'Users').columns.at(-1), {
      kind: 'added',
      targetName: 'FULL_NAME',
      targetType: { kind: 'varchar', length: 50 },
      nullable: true,
      expression: "$first_name||'_'||$last_name",
    });
  });

  it('expressions may use source columns that a rule removes, and DMS metadata names', () => {
    const p = plan(
      [SEL, transform(2, 'column', 'remove-column', COL('Users', 'bio')), add(3, '%', { value: 'src', expression: "$AR_M_SOURCE_SCHEMA || '.' || $AR_M_SOURCE_TABLE_NAME || $id", 'data-type': { type: 'string', length: 100 } }), add(4, 'Users', { value: 'bio_len', expression: 'length($bio)', 'data-type': { type: 'int4' } })],
      CATALOG,
    );
    assert.deepEqual(targetNames(tableOf(p, 'app', 'Users').columns), ['id', 'first_name', 'last_name', 'score', 'src', 'bio_len']);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['id', 'user_id', 'total', 'src']);
  });

  it('refuses an expression over a column the table does not have (strings and quoted names are skipped)', () => {
    planFails([SEL, add(7, 'Users', { value: 'x', expression: "'$not_a_col' || \"$nor_this\" || $nickname", 'data-type': { type: 'string', length: 9 } })], CATALOG, [/expression refers to \$nickname, which is not a column of app\.Users/], '7');
  });

  it('refuses an added column whose name a column already has', () => {
    planFails([SEL, add(7, 'orders', { value: 'total', 'data-type': { type: 'int4' } })], CATALOG, [/added column 'total' and another column would both become column 'total'/], '7');
  });

  it('other column rules do not rename added columns', () => {
    const p = plan([SEL, add(2, 'orders', { value: 'note', 'data-type': { type: 'string', length: 5 } }), transform(3, 'column', 'convert-uppercase', COL('orders', '%'))], CATALOG);
    assert.deepEqual(targetNames(tableOf(p, 'app', 'orders').columns), ['ID', 'USER_ID', 'TOTAL', 'note']);
  });
});

describe('change-data-type', () => {
  const cases: [Record<string, unknown>, NeutralType][] = [
    [{ type: 'string', length: 20 }, { kind: 'varchar', length: 20 }],
    [{ type: 'wstring', length: 10 }, { kind: 'varchar', length: 10 }],
    [{ type: 'int1' }, { kind: 'int', bytes: 1, unsigned: false }],
    [{ type: 'int2' }, { kind: 'int', bytes: 2, unsigned: false }],
    [{ type: 'int4' }, { kind: 'int', bytes: 4, unsigned: false }],
    [{ type: 'int8' }, { kind: 'int', bytes: 8, unsigned: false }],
    [{ type: 'uint1' }, { kind: 'int', bytes: 1, unsigned: true }],
    [{ type: 'uint2' }, { kind: 'int', bytes: 2, unsigned: true }],
    [{ type: 'uint4' }, { kind: 'int', bytes: 4, unsigned: true }],
    [{ type: 'uint8' }, { kind: 'int', bytes: 8, unsigned: true }],
    [{ type: 'numeric', precision: 12, scale: 3 }, { kind: 'decimal', precision: 12, scale: 3 }],
    [{ type: 'numeric' }, { kind: 'decimal' }],
    [{ type: 'real4' }, { kind: 'float', bytes: 4 }],
    [{ type: 'real8' }, { kind: 'float', bytes: 8 }],
    [{ type: 'boolean' }, { kind: 'boolean' }],
    [{ type: 'date' }, { kind: 'date' }],
    [{ type: 'time' }, { kind: 'time' }],
    [{ type: 'time', scale: 3 }, { kind: 'time', precision: 3 }],
    [{ type: 'datetime' }, { kind: 'timestamp', withTimeZone: false }],
    [{ type: 'datetime', precision: 6 }, { kind: 'timestamp', precision: 6, withTimeZone: false }],
    [{ type: 'bytes', length: 16 }, { kind: 'binary', length: 16, fixed: false }],
    [{ type: 'BYTE', length: 4 }, { kind: 'binary', length: 4, fixed: false }],
    [{ type: 'blob' }, { kind: 'blob' }],
    [{ type: 'clob' }, { kind: 'text' }],
    [{ type: 'NCLOB' }, { kind: 'text' }],
  ];
  for (const [dataType, want] of cases) {
    it(`${JSON.stringify(dataType)} becomes ${JSON.stringify(want)} on the target only`, () => {
      const p = plan([SEL, transform(2, 'column', 'change-data-type', COL('orders', 'total'), { 'data-type': dataType })], CATALOG);
      const c = tableOf(p, 'app', 'orders').columns[2];
      assert.ok(c?.kind === 'source');
      assert.deepEqual(c.targetType, want);
      assert.deepEqual(c.sourceType, { kind: 'decimal', precision: 10, scale: 2 });
      assert.equal(c.targetName, 'total');
    });
  }

  it('object-locator.data-type picks columns by their DMS type', () => {
    const p = plan([SEL, transform(2, 'column', 'change-data-type', { ...COL('%', '%'), 'data-type': 'int4' }, { 'data-type': { type: 'int8' } })], CATALOG);
    const types = (s: string, t: string) => tableOf(p, 'app', t).columns.map((c) => (c.kind === 'source' ? `${c.sourceName}:${c.targetType.kind}${'bytes' in c.targetType ? c.targetType.bytes : ''}` : ''));
    assert.deepEqual(types('app', 'orders'), ['id:int8', 'user_id:int8', 'total:decimal']);
    assert.deepEqual(types('app', 'Users').slice(0, 2), ['id:int8', 'first_name:varchar']);
  });

  it('an exact column of the wrong DMS type is an error naming the type', () => {
    planFails([SEL, transform(2, 'column', 'change-data-type', { ...COL('orders', 'total'), 'data-type': 'int4' }, { 'data-type': { type: 'int8' } })], CATALOG, [/column 'total' of app\.orders is of DMS type numeric, not 'int4'/], '2');
  });

  it('keeps isLob from the source type', () => {
    const p = plan([SEL, transform(2, 'column', 'change-data-type', COL('Users', 'bio'), { 'data-type': { type: 'string', length: 200 } })], CATALOG);
    const bio = tableOf(p, 'app', 'Users').columns.find((c) => c.targetName === 'bio');
    assert.ok(bio?.kind === 'source');
    assert.equal(bio.isLob, true);
    assert.deepEqual(bio.targetType, { kind: 'varchar', length: 200 });
  });

  it('refuses a numeric precision a MySQL target cannot hold', () => {
    planFails([SEL, transform(2, 'column', 'change-data-type', COL('orders', 'total'), { 'data-type': { type: 'numeric', precision: 80 } })], CATALOG, [/numeric precision 80 is more than a MySQL target holds \(65\)/], '2', { targetEngine: 'mysql' });
    plan([SEL, transform(2, 'column', 'change-data-type', COL('orders', 'total'), { 'data-type': { type: 'numeric', precision: 80 } })], CATALOG);
  });
});

describe('columns and keys', () => {
  it('plans every source column with source and target types, nullability and LOB flag', () => {
    const t = tableOf(plan([SEL], CATALOG), 'app', 'Users');
    assert.deepEqual(t.columns[0], { kind: 'source', sourceName: 'id', targetName: 'id', sourceType: INT4, targetType: INT4, nullable: false, isLob: false });
    assert.deepEqual(
      t.columns.map((c) => c.kind === 'source' && c.isLob),
      [false, false, false, true, false],
    );
  });

  it('without a primary key uses the first unique key whose columns are NOT NULL', () => {
    const t = table('s', 't', [col('a', INT4, true), col('b', INT4, false), col('c', INT4, false)], { pk: [], unique: [['a'], ['b', 'c']] });
    const p = tableOf(plan([SEL, transform(2, 'column', 'add-prefix', COL('t', '%', 's'), { value: 'x_' })], [t]), 's', 't');
    assert.deepEqual(p.sourceKey, ['b', 'c']);
    assert.deepEqual(p.primaryKey, ['x_b', 'x_c']);
  });

  it('a unique key that allows NULLs is a source key but not a target primary key', () => {
    const t = table('s', 't', [col('a', INT4, true), col('b', INT4)], { pk: [], unique: [['a']] });
    const p = plan([SEL], [t]);
    assert.deepEqual(tableOf(p, 's', 't').sourceKey, ['a']);
    assert.deepEqual(tableOf(p, 's', 't').primaryKey, []);
    assert.match(p.notes.join('\n'), /s\.t: no primary key, and its unique key \(a\) allows NULLs/);
  });

  it('a table without keys has none', () => {
    const p = tableOf(plan([SEL], [table('s', 't', ['a', 'b'], { pk: [] })]), 's', 't');
    assert.deepEqual([p.sourceKey, p.primaryKey], [[], []]);
  });
});

describe('define-primary-key', () => {
  const pk = (id: number, tableName: string, columns: string[]) => transform(id, 'table', 'define-primary-key', TBL(tableName), { 'primary-key-def': { name: `${tableName}-pk`, columns } });

  it('sets the target primary key', () => {
    const p = plan([SEL, pk(2, 'orders', ['user_id', 'id'])], CATALOG);
    const t = tableOf(p, 'app', 'orders');
    assert.deepEqual(t.primaryKey, ['user_id', 'id']);
    assert.deepEqual(t.sourceKey, ['id']);
    assert.deepEqual(t.ruleIds, ['1', '2']);
  });

  it('takes target names (after renames) or source names', () => {
    const p = plan([SEL, transform(2, 'column', 'rename', COL('orders', 'user_id'), { value: 'customer_id' }), pk(3, 'orders', ['customer_id', 'id'])], CATALOG);
    assert.deepEqual(tableOf(p, 'app', 'orders').primaryKey, ['customer_id', 'id']);
    const q = plan([SEL, transform(2, 'column', 'rename', COL('orders', 'user_id'), { value: 'customer_id' }), pk(3, 'orders', ['user_id'])], CATALOG);
    assert.deepEqual(tableOf(q, 'app', 'orders').primaryKey, ['customer_id']);
  });

  it('refuses a missing or removed column', () => {
    planFails([SEL, pk(3, 'orders', ['nope'])], CATALOG, [/primary-key-def column 'nope' does not exist in app\.orders; its target columns are id, user_id, total/], '3');
    planFails([SEL, transform(2, 'column', 'remove-column', COL('orders', 'user_id')), pk(3, 'orders', ['user_id'])], CATALOG, [/primary-key-def column 'user_id' of app\.orders is removed by rule 2/], '3');
  });

  it('refuses two primary keys for one table', () => {
    planFails([SEL, pk(3, 'orders', ['id']), pk(4, '%', ['id'])], CATALOG, [/app\.orders already has its primary key defined by rule 3; DMS allows one action per object/], '4');
  });
});

describe('notes on rules that do nothing', () => {
  it('notes transformations that match no selected table, and Oracle tablespace rules', () => {
    const p = plan(
      [include(1, 'app', 'orders'), transform(2, 'table', 'rename', TBL('Users'), { value: 'x' }), transform(3, 'table-tablespace', 'rename', { 'schema-name': 'app', 'table-name': 'orders', 'table-tablespace-name': 'T1' }, { value: 'T2' })],
      CATALOG,
    );
    assert.deepEqual(p.notes, [
      "transformation rule 2 (rule-name '2') (rename on table) matched nothing among the selected tables",
      "transformation rule 3 (rule-name '3') renames an Oracle table-tablespace; ignored (PostgreSQL targets have none)",
    ]);
  });
});
