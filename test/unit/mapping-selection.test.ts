/** buildPlan: which tables the selection rules choose, their filters and load order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesPattern } from '../../src/mapping-rules/wildcard.js';
import { include, names, plan, planFails, selection, table, tableOf } from './mapping-fixtures.js';

describe('wildcards (the user guide\'s table)', () => {
  it('% matches any run of characters, including none', () => {
    assert.ok(matchesPattern('%', ''));
    assert.ok(matchesPattern('%', 'anything at all'));
    assert.ok(matchesPattern('DMS%', 'DMS'));
    assert.ok(matchesPattern('DMS%', 'DMS_orders'));
    assert.ok(matchesPattern('%_log', 'audit_log'));
    assert.ok(matchesPattern('a%b%c', 'axxbyyc'));
    assert.ok(!matchesPattern('DMS%', 'xDMS'));
  });

  it('_ matches exactly one character, [_] a literal underscore', () => {
    assert.ok(matchesPattern('t_1', 't_1'));
    assert.ok(matchesPattern('t_1', 'tx1'));
    assert.ok(!matchesPattern('t_1', 't1'));
    assert.ok(matchesPattern('t[_]1', 't_1'));
    assert.ok(!matchesPattern('t[_]1', 'tx1'));
  });

  it('[ab] is a set and [a-d] a range', () => {
    assert.ok(matchesPattern('[ab]x', 'ax'));
    assert.ok(matchesPattern('[ab]x', 'bx'));
    assert.ok(!matchesPattern('[ab]x', 'cx'));
    assert.ok(matchesPattern('t[a-d]', 'tc'));
    assert.ok(!matchesPattern('t[a-d]', 'te'));
    assert.ok(matchesPattern('t[0-9][0-9]', 't42'));
  });

  it('is case-sensitive and treats regex characters literally', () => {
    assert.ok(!matchesPattern('Orders', 'orders'));
    assert.ok(matchesPattern('a.b', 'a.b'));
    assert.ok(!matchesPattern('a.b', 'axb'));
    assert.ok(matchesPattern('a+b(c)$', 'a+b(c)$'));
    assert.ok(matchesPattern('x[y', 'x[y'), 'an unclosed bracket is an ordinary character');
    assert.ok(matchesPattern('we-ird\\name', 'we-ird\\name'));
  });
});

const CATALOG = [
  table('hr', 'employees'),
  table('hr', 'DMS_audit'),
  table('hr', 'emp_view', ['id', 'name'], { kind: 'view' }),
  table('sales', 'orders'),
  table('sales', 'order_items'),
  table('Sales', 'orders'),
];

describe('selection: include, exclude, explicit', () => {
  it('include selects by schema and table patterns, tables only by default', () => {
    assert.deepEqual(names(plan([include(1, 'hr', '%')], CATALOG)), ['hr.DMS_audit', 'hr.employees']);
    assert.deepEqual(names(plan([include(1, '%', 'orders')], CATALOG)), ['Sales.orders', 'sales.orders']);
    assert.deepEqual(names(plan([include(1, 'sales', 'order%')], CATALOG)), ['sales.order_items', 'sales.orders']);
  });

  it('table-type view selects views only, all selects both', () => {
    assert.deepEqual(names(plan([selection(1, 'include', { 'schema-name': 'hr', 'table-name': '%', 'table-type': 'view' })], CATALOG)), ['hr.emp_view']);
    assert.deepEqual(names(plan([selection(1, 'include', { 'schema-name': 'hr', 'table-name': '%', 'table-type': 'all' })], CATALOG)), ['hr.DMS_audit', 'hr.emp_view', 'hr.employees']);
  });

  it('exclude wins over include, in any order', () => {
    const excl = selection(2, 'exclude', { 'schema-name': 'hr', 'table-name': 'DMS%' });
    assert.deepEqual(names(plan([include(1, 'hr', '%'), excl], CATALOG)), ['hr.employees']);
    assert.deepEqual(names(plan([excl, include(1, 'hr', '%')], CATALOG)), ['hr.employees']);
  });

  it('exclude without table-type removes a view an include with table-type all selected', () => {
    const p = plan(
      [selection(1, 'include', { 'schema-name': 'hr', 'table-name': '%', 'table-type': 'all' }), selection(2, 'exclude', { 'schema-name': 'hr', 'table-name': 'emp_view' })],
      CATALOG,
    );
    assert.deepEqual(names(p), ['hr.DMS_audit', 'hr.employees']);
  });

  it('an exclude with table-type table leaves a view of the same pattern', () => {
    const p = plan(
      [selection(1, 'include', { 'schema-name': 'hr', 'table-name': 'emp%', 'table-type': 'all' }), selection(2, 'exclude', { 'schema-name': 'hr', 'table-name': 'emp%', 'table-type': 'table' })],
      CATALOG,
    );
    assert.deepEqual(names(p), ['hr.emp_view']);
  });

  it('explicit selects exactly the named object, a view too, and wins over exclude', () => {
    assert.deepEqual(names(plan([selection(1, 'explicit', { 'schema-name': 'hr', 'table-name': 'emp_view' })], CATALOG)), ['hr.emp_view']);
    assert.deepEqual(
      names(plan([selection(1, 'explicit', { 'schema-name': 'hr', 'table-name': 'employees' }), selection(2, 'exclude', { 'schema-name': 'hr', 'table-name': '%' })], CATALOG)),
      ['hr.employees'],
    );
    // `_` is not a wildcard for explicit rules: it names one object.
    const p = plan([selection(1, 'explicit', { 'schema-name': 'sales', 'table-name': 'order_items' })], [...CATALOG, table('sales', 'orderXitems')]);
    assert.deepEqual(names(p), ['sales.order_items']);
  });

  it('explicit with table-type table does not select a view', () => {
    const p = plan([include(9, 'hr', 'employees'), selection(1, 'explicit', { 'schema-name': 'hr', 'table-name': 'emp_view', 'table-type': 'table' })], CATALOG);
    assert.deepEqual(names(p), ['hr.employees']);
    assert.ok(p.notes.some((n) => /selection rule 1 .* matched no table \(schema-name 'hr', table-name 'emp_view', table-type table\)/.test(n)), p.notes.join('\n'));
  });

  it('names are case-sensitive', () => {
    assert.deepEqual(names(plan([include(1, 'Sales', '%')], CATALOG)), ['Sales.orders']);
  });

  it('records the selecting rules in ruleIds', () => {
    const p = plan([include(1, 'hr', '%'), include(2, 'hr', 'employees')], CATALOG);
    assert.deepEqual(tableOf(p, 'hr', 'employees').ruleIds, ['1', '2']);
    assert.deepEqual(tableOf(p, 'hr', 'DMS_audit').ruleIds, ['1']);
  });
});

describe('selection: notes', () => {
  it('notes a selection rule that matches no table', () => {
    const p = plan([include(1, 'hr', '%'), include(2, 'nope', '%'), selection(3, 'exclude', { 'schema-name': 'hr', 'table-name': 'ghost' })], CATALOG);
    assert.deepEqual(p.notes, [
      "selection rule 2 (rule-name '2') matched no table (schema-name 'nope', table-name '%', table-type table)",
      "selection rule 3 (rule-name '3') matched no table (schema-name 'hr', table-name 'ghost', table-type all)",
    ]);
  });

  it('notes an include whose tables are all excluded', () => {
    const p = plan([include(1, 'hr', '%'), include(2, 'hr', 'DMS_audit'), selection(3, 'exclude', { 'schema-name': 'hr', 'table-name': 'DMS%' })], CATALOG);
    assert.deepEqual(p.notes, ["selection rule 2 (rule-name '2') matched 1 table(s), all removed by exclude rules"]);
  });

  it('an empty catalog gives an empty plan with a note', () => {
    const p = plan([include(1, '%', '%')], []);
    assert.deepEqual(p.tables, []);
    assert.equal(p.notes.length, 1);
  });
});

describe('selection: filters', () => {
  const gte = (column: string, value: string) => ({ 'filter-type': 'source', 'column-name': column, 'filter-conditions': [{ 'filter-operator': 'gte', value }] });

  it('keeps the include rule\'s filters on source column names', () => {
    const p = plan([include(1, 'hr', '%'), include(2, 'hr', 'employees', { filters: [gte('id', '100'), { 'column-name': 'name', 'filter-conditions': [{ 'filter-operator': 'notnull' }] }] })], CATALOG);
    assert.deepEqual(tableOf(p, 'hr', 'employees').filters, [
      { column: 'id', conditions: [{ op: 'gte', value: '100' }] },
      { column: 'name', conditions: [{ op: 'notnull' }] },
    ]);
    assert.deepEqual(tableOf(p, 'hr', 'DMS_audit').filters, []);
  });

  it('ANDs the filters of every include rule that selects the table', () => {
    const p = plan([include(1, 'hr', 'employees', { filters: [gte('id', '1')] }), include(2, 'hr', 'employees', { filters: [gte('name', 'M')] })], CATALOG);
    assert.deepEqual(tableOf(p, 'hr', 'employees').filters.map((f) => f.column), ['id', 'name']);
  });

  it('keeps filters on the source name even when a column rename applies', () => {
    const p = plan(
      [
        include(1, 'hr', 'employees', { filters: [gte('id', '5')] }),
        { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'rule-action': 'rename', 'object-locator': { 'schema-name': 'hr', 'table-name': 'employees', 'column-name': 'id' }, value: 'emp_id' },
      ],
      CATALOG,
    );
    assert.deepEqual(tableOf(p, 'hr', 'employees').filters, [{ column: 'id', conditions: [{ op: 'gte', value: '5' }] }]);
  });

  it('fails naming the rule when a filter column does not exist', () => {
    planFails([include(4, 'hr', 'employees', { filters: [gte('ID', '1')] })], CATALOG, [/filter column 'ID' does not exist in hr\.employees; its columns are id, name \(names are case-sensitive\)/], '4');
  });

  it('a filter on a view is kept', () => {
    const p = plan([selection(1, 'include', { 'schema-name': 'hr', 'table-name': 'emp_view', 'table-type': 'view' }, { filters: [gte('id', '3')] })], CATALOG);
    assert.equal(tableOf(p, 'hr', 'emp_view').filters.length, 1);
  });
});

describe('selection: load order', () => {
  it('loads higher load-order first, ties by schema then table name', () => {
    const p = plan([include(1, '%', '%'), include(2, 'sales', 'orders', { 'load-order': '5' }), include(3, 'hr', 'employees', { 'load-order': 2 })], CATALOG);
    assert.deepEqual(names(p), ['sales.orders', 'hr.employees', 'Sales.orders', 'hr.DMS_audit', 'sales.order_items']);
    assert.deepEqual(
      p.tables.map((t) => t.loadOrder),
      [5, 2, 0, 0, 0],
    );
  });

  it('a table selected by several rules takes the highest load-order', () => {
    const p = plan([include(1, 'hr', '%', { 'load-order': 1 }), include(2, 'hr', 'employees', { 'load-order': 3 }), include(3, 'hr', 'employees', { 'load-order': 2 })], CATALOG);
    assert.equal(tableOf(p, 'hr', 'employees').loadOrder, 3);
    assert.equal(tableOf(p, 'hr', 'DMS_audit').loadOrder, 1);
  });

  it('the documented example: loadfirst (2) before loadsecond (1)', () => {
    const p = plan([include(1, 'Test', 'loadsecond', { 'load-order': '1' }), include(2, 'Test', 'loadfirst', { 'load-order': '2' })], [table('Test', 'loadsecond'), table('Test', 'loadfirst')]);
    assert.deepEqual(names(p), ['Test.loadfirst', 'Test.loadsecond']);
  });
});
