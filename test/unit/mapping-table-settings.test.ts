/** buildPlan: table-settings rules (parallel-load, lob-settings) on the tables they name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col, FLOAT8, include, INT4, plan, planFails, settings, table, tableOf, TEXT, VARCHAR } from './mapping-fixtures.js';

const SEL = include(1, '%', '%');
const sales = table('hr', 'sales', [col('sales_no', INT4, false), col('region', VARCHAR, false), col('amount', FLOAT8), col('notes', TEXT)]);
const CATALOG = [sales, table('hr', 'orders'), table('hr', 'order_items'), table('hr', 'orderXitems')];

describe('table-settings', () => {
  it('puts ranges on the table (source column names, boundary tuples as strings)', () => {
    const p = plan([SEL, settings(2, 'hr', 'sales', { 'parallel-load': { type: 'ranges', columns: ['sales_no', 'region'], boundaries: [['1000', 'NORTH'], [3000, 'WEST']] } })], CATALOG);
    const t = tableOf(p, 'hr', 'sales');
    assert.deepEqual(t.ranges, { columns: ['sales_no', 'region'], boundaries: [['1000', 'NORTH'], ['3000', 'WEST']] });
    assert.equal(t.parallelLoad, undefined);
    assert.deepEqual(t.ruleIds, ['1', '2']);
    assert.equal(tableOf(p, 'hr', 'orders').ranges, undefined);
  });

  it('partitions-auto asks for the automatic split, none for no split', () => {
    const p = plan([SEL, settings(2, 'hr', 'sales', { 'parallel-load': { type: 'partitions-auto' } }), settings(3, 'hr', 'orders', { 'parallel-load': { type: 'none' } })], CATALOG);
    assert.equal(tableOf(p, 'hr', 'sales').parallelLoad, 'partitions-auto');
    assert.equal(tableOf(p, 'hr', 'orders').parallelLoad, 'none');
    assert.equal(tableOf(p, 'hr', 'sales').ranges, undefined);
    assert.equal(tableOf(p, 'hr', 'order_items').parallelLoad, undefined);
  });

  it('puts lob-settings on the table', () => {
    const p = plan([SEL, settings(2, 'hr', 'sales', { 'lob-settings': { mode: 'limited', 'bulk-max-size': '64' } }), settings(3, 'hr', 'orders', { 'lob-settings': { mode: 'unlimited', 'bulk-max-size': 0 } }), settings(4, 'hr', 'order_items', { 'lob-settings': { mode: 'none' } })], CATALOG);
    assert.deepEqual(tableOf(p, 'hr', 'sales').lob, { mode: 'limited', bulkMaxSizeKb: 64 });
    assert.deepEqual(tableOf(p, 'hr', 'orders').lob, { mode: 'unlimited', bulkMaxSizeKb: 0 });
    assert.deepEqual(tableOf(p, 'hr', 'order_items').lob, { mode: 'none' });
    assert.equal(tableOf(p, 'hr', 'orderXitems').lob, undefined, 'table-settings names are exact: _ is not a wildcard there');
  });

  it('takes parallel-load and lob-settings from one rule or from two', () => {
    const p = plan(
      [SEL, settings(2, 'hr', 'sales', { 'parallel-load': { type: 'none' } }), settings(3, 'hr', 'sales', { 'lob-settings': { mode: 'unlimited' } })],
      CATALOG,
    );
    const t = tableOf(p, 'hr', 'sales');
    assert.equal(t.parallelLoad, 'none');
    assert.deepEqual(t.lob, { mode: 'unlimited' });
    assert.deepEqual(t.ruleIds, ['1', '2', '3']);
  });

  it('refuses two parallel-load (or two lob-settings) for one table', () => {
    planFails([SEL, settings(2, 'hr', 'sales', { 'parallel-load': { type: 'none' } }), settings(3, 'hr', 'sales', { 'parallel-load': { type: 'partitions-auto' } })], CATALOG, [/hr\.sales already has parallel-load from rule 2/], '3');
    planFails([SEL, settings(2, 'hr', 'sales', { 'lob-settings': { mode: 'none' } }), settings(3, 'hr', 'sales', { 'lob-settings': { mode: 'unlimited' } })], CATALOG, [/hr\.sales already has lob-settings from rule 2/], '3');
  });

  it('refuses range columns the table does not have', () => {
    planFails([SEL, settings(5, 'hr', 'sales', { 'parallel-load': { type: 'ranges', columns: ['SALES_NO'], boundaries: [['1']] } })], CATALOG, [/parallel-load column 'SALES_NO' does not exist in hr\.sales; its columns are sales_no, region, amount, notes/], '5');
  });

  it('refuses floating-point and LOB range columns, as DMS does', () => {
    planFails([SEL, settings(5, 'hr', 'sales', { 'parallel-load': { type: 'ranges', columns: ['amount'], boundaries: [['1.5']] } })], CATALOG, [/parallel-load column 'amount' of hr\.sales is a float column; DMS cannot bound ranges on floating-point or LOB columns/], '5');
    planFails([SEL, settings(5, 'hr', 'sales', { 'parallel-load': { type: 'ranges', columns: ['notes'], boundaries: [['m']] } })], CATALOG, [/'notes' of hr\.sales is a text column/], '5');
  });

  it('notes table-settings for a table that is not selected', () => {
    const p = plan([include(1, 'hr', 'orders'), settings(2, 'hr', 'sales', { 'lob-settings': { mode: 'none' } })], CATALOG);
    assert.deepEqual(p.notes, ["table-settings rule 2 (rule-name '2') names hr.sales, which is not among the selected tables"]);
  });

  it('applies to views selected explicitly', () => {
    const v = table('hr', 'v_sales', ['sales_no', 'region'], { kind: 'view' });
    const p = plan(
      [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'hr', 'table-name': 'v_sales' }, 'rule-action': 'explicit' }, settings(2, 'hr', 'v_sales', { 'parallel-load': { type: 'ranges', columns: ['sales_no'], boundaries: [['10']] } })],
      [v],
    );
    assert.deepEqual(tableOf(p, 'hr', 'v_sales').ranges?.columns, ['sales_no']);
    assert.deepEqual(tableOf(p, 'hr', 'v_sales').sourceKey, []);
  });
});

it('a full example: the selected tables, each shaped by its rules', () => {
  const p = plan(
    [
      include(1, 'hr', '%', { 'load-order': '1' }),
      { 'rule-type': 'selection', 'rule-id': '2', 'rule-name': 'no-x', 'object-locator': { 'schema-name': 'hr', 'table-name': 'orderX%' }, 'rule-action': 'exclude' },
      include(3, 'hr', 'sales', { 'load-order': '9', filters: [{ 'filter-type': 'source', 'column-name': 'region', 'filter-conditions': [{ 'filter-operator': 'eq', value: 'NORTH' }] }] }),
      { 'rule-type': 'transformation', 'rule-id': '4', 'rule-name': 'lower', 'rule-target': 'schema', 'rule-action': 'rename', 'object-locator': { 'schema-name': 'hr' }, value: 'people' },
      { 'rule-type': 'transformation', 'rule-id': '5', 'rule-name': 'drop-notes', 'rule-target': 'column', 'rule-action': 'remove-column', 'object-locator': { 'schema-name': 'hr', 'table-name': 'sales', 'column-name': 'notes' } },
      settings(6, 'hr', 'sales', { 'parallel-load': { type: 'ranges', columns: ['sales_no'], boundaries: [['100'], ['200']] }, 'lob-settings': { mode: 'none' } }),
    ],
    CATALOG,
  );
  assert.deepEqual(
    p.tables.map((t) => [`${t.source.schema}.${t.source.name}`, `${t.target.schema}.${t.target.name}`, t.loadOrder, t.ruleIds.join(',')]),
    [
      ['hr.sales', 'people.sales', 9, '1,3,4,5,6'],
      ['hr.order_items', 'people.order_items', 1, '1,4'],
      ['hr.orders', 'people.orders', 1, '1,4'],
    ],
  );
  const s = tableOf(p, 'hr', 'sales');
  assert.deepEqual(s.columns.map((c) => c.targetName), ['sales_no', 'region', 'amount']);
  assert.deepEqual(s.filters, [{ column: 'region', conditions: [{ op: 'eq', value: 'NORTH' }] }]);
  assert.deepEqual(s.primaryKey, ['sales_no']);
  assert.deepEqual(p.notes, []);
});
