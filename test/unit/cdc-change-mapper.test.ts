/**
 * Captured row changes through a table's plan (change-mapper.ts) and source filters evaluated
 * on captured rows (filter-match.ts): renames, removed columns, key changes, rows leaving a
 * filter, columns a change did not carry, numbers compared exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnInfo, NeutralType, TargetChange } from '../../src/connectors/spi/index.js';
import { buildChangeMapper } from '../../src/engine/cdc/change-mapper.js';
import { compareNumbers, passesFilters } from '../../src/engine/cdc/filter-match.js';
import { buildRowTransform } from '../../src/engine/full-load/row-transform.js';
import type { ColumnPlan, TablePlan } from '../../src/engine/mapping/index.js';
import { types } from './engine-fakes.js';

const source = { schema: 's', name: 'items' };
const target = { schema: 'd', name: 'goods' };
const col = (sourceName: string, targetName = sourceName, type: NeutralType = types.int4): ColumnPlan => ({
  kind: 'source', sourceName, targetName, sourceType: type, targetType: type, nullable: true, isLob: false,
});
const catalog: ColumnInfo[] = [
  { name: 'id', nativeType: 'int', type: types.int4, nullable: false, generated: false },
  { name: 'name', nativeType: 'text', type: types.text, nullable: true, generated: false },
  { name: 'qty', nativeType: 'int', type: types.int4, nullable: true, generated: false },
  { name: 'secret', nativeType: 'text', type: types.text, nullable: true, generated: false },
];
/** id, name renamed to title, qty; secret removed; rows with qty >= 10 only. */
const plan: TablePlan = {
  source,
  target,
  loadOrder: 0,
  columns: [col('id'), col('name', 'title', types.text), col('qty')],
  filters: [{ column: 'qty', conditions: [{ op: 'gte', value: '10' }] }],
  primaryKey: ['id'],
  sourceKey: ['id'],
  ruleIds: ['1'],
};
const mapper = buildChangeMapper(plan, catalog, buildRowTransform({ table: plan, sourceColumns: catalog }));
const all = ['id', 'name', 'qty', 'secret'];

describe('captured changes through the plan', () => {
  it('an insert that passes the filter is an upsert of the renamed columns, the removed one left out', () => {
    assert.deepEqual(mapper.map({ kind: 'insert', table: source, columns: all, after: ['1', 'a', '12', 'pw'] }), [
      { kind: 'upsert', table: target, columns: ['id', 'title', 'qty'], key: ['id'], row: ['1', 'a', '12'] },
    ] satisfies TargetChange[]);
    assert.deepEqual(mapper.map({ kind: 'insert', table: source, columns: all, after: ['2', 'b', '9', null] }), []);
  });

  it('an update that changes the key deletes the old key first; one that leaves the filter deletes the row', () => {
    assert.deepEqual(mapper.map({ kind: 'update', table: source, columns: all, after: ['5', 'a', '12', null], beforeColumns: all, before: ['1', 'a', '12', null] }), [
      { kind: 'delete', table: target, key: ['id'], keyValues: ['1'] },
      { kind: 'upsert', table: target, columns: ['id', 'title', 'qty'], key: ['id'], row: ['5', 'a', '12'] },
    ]);
    assert.deepEqual(mapper.map({ kind: 'update', table: source, columns: all, after: ['5', 'a', '3', null] }), [{ kind: 'delete', table: target, key: ['id'], keyValues: ['5'] }]);
  });

  it('an update without a column (unchanged TOAST) keeps the target value; drift names new and lost columns', () => {
    assert.deepEqual(mapper.map({ kind: 'update', table: source, columns: ['id', 'qty'], after: ['7', '40'] }), [
      { kind: 'upsert', table: target, columns: ['id', 'qty'], key: ['id'], row: ['7', '40'] },
    ]);
    assert.deepEqual(mapper.drift({ kind: 'insert', table: source, columns: ['id', 'name', 'extra'], after: ['1', 'x', '3'] }), { added: ['extra'], missing: ['qty'] });
  });

  it('a delete is by key, whatever the filter says', () => {
    assert.deepEqual(mapper.map({ kind: 'delete', table: source, beforeColumns: ['id'], before: ['9'] }), [{ kind: 'delete', table: target, key: ['id'], keyValues: ['9'] }]);
  });
});

describe('source filters on captured rows', () => {
  const typeOf = (): typeof types.int4 => types.int4;
  it('compares numbers exactly, beyond 2^53 and with fractions', () => {
    assert.equal(compareNumbers('9007199254740993', '9007199254740992'), 1);
    assert.equal(compareNumbers('-0.50', '-0.5'), 0);
    assert.equal(compareNumbers('10', '9.999'), 1);
    assert.equal(compareNumbers('-2', '-10'), 1);
  });
  it('NULL matches only the null operator; conditions of one filter are alternatives', () => {
    const f = [{ column: 'qty', conditions: [{ op: 'lte' as const, value: '2' }, { op: 'between' as const, start: '10', end: '20' }] }];
    assert.equal(passesFilters(f, () => '15', typeOf), true);
    assert.equal(passesFilters(f, () => '5', typeOf), false);
    assert.equal(passesFilters(f, () => null, typeOf), false);
    assert.equal(passesFilters([{ column: 'qty', conditions: [{ op: 'null' }] }], () => null, typeOf), true);
  });
});
