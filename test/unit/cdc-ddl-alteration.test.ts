/**
 * How a target table follows a source table's DDL (ddl-replication.ts alterationOf): columns
 * added and dropped by name, a rename told apart from a drop and an add by position and type,
 * type and nullability changes, and what the target already has left alone (a replay).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnInfo, NeutralType } from '../../src/connectors/spi/index.js';
import { alterationOf } from '../../src/engine/cdc/ddl-replication.js';
import type { ColumnPlan, TablePlan } from '../../src/engine/mapping/index.js';
import { types } from './engine-fakes.js';

const bigint: NeutralType = { kind: 'int', bytes: 8, unsigned: false };
const info = (name: string, type: NeutralType = types.int4, nullable = true): ColumnInfo => ({ name, nativeType: 'x', type, nullable, generated: false });
const col = (c: ColumnInfo, targetName = c.name): ColumnPlan => ({ kind: 'source', sourceName: c.name, targetName, sourceType: c.type, targetType: c.type, nullable: c.nullable, isLob: false });
const planOf = (columns: readonly ColumnInfo[], rename: Record<string, string> = {}): TablePlan => ({
  source: { schema: 's', name: 't' },
  target: { schema: 'd', name: 't' },
  loadOrder: 0,
  columns: columns.map((c) => col(c, rename[c.name] ?? c.name)),
  filters: [],
  primaryKey: ['id'],
  sourceKey: ['id'],
  ruleIds: [],
});

const id = info('id', types.int4, false);
const a = info('a', types.text);
const b = info('b');

describe('alterationOf', () => {
  it('adds a new column, nullable, and drops a removed one', () => {
    const before = [id, a, b];
    const after = [id, a, info('extra', types.text, false)];
    const alt = alterationOf(planOf(before), planOf(after), before, after, ['id', 'a', 'b']);
    // b left at position 2 and extra arrived there, but with another type: not a rename.
    assert.deepEqual(alt.drop, ['b']);
    assert.deepEqual(alt.add.map((c) => [c.name, c.nullable]), [['extra', false]]);
    assert.deepEqual(alt.rename, []);
    assert.deepEqual(alt.retype, []);
  });

  it('takes a column that left and one that arrived at the same position with the same type as a rename', () => {
    const before = [id, a, b];
    const after = [id, a, info('b2')];
    const alt = alterationOf(planOf(before), planOf(after), before, after, ['id', 'a', 'b']);
    assert.deepEqual(alt.rename, [{ from: 'b', to: 'b2' }]);
    assert.deepEqual([alt.add, alt.drop], [[], []]);
  });

  it('follows the task\'s column renames: target names are what changes', () => {
    const before = [id, a, b];
    const after = [id, a, b, info('c')];
    const alt = alterationOf(planOf(before, { a: 'title' }), planOf(after, { a: 'title' }), before, after, ['id', 'title', 'b']);
    assert.deepEqual(alt.add.map((c) => c.name), ['c']);
    assert.deepEqual([alt.drop, alt.rename, alt.retype], [[], [], []]);
  });

  it('retypes a column whose type changed, and one that became nullable', () => {
    const before = [id, a, info('n', types.int4, false)];
    const after = [id, a, info('n', bigint, false)];
    assert.deepEqual(alterationOf(planOf(before), planOf(after), before, after, undefined).retype.map((c) => c.name), ['n']);
    const relaxed = [id, a, info('n', types.int4, true)];
    assert.deepEqual(alterationOf(planOf(before), planOf(relaxed), before, relaxed, undefined).retype.map((c) => [c.name, c.nullable]), [['n', true]]);
  });

  it('does again nothing the target already has (a replay after a crash)', () => {
    const before = [id, a, b];
    const after = [id, a, info('extra')];
    // The target already has extra and no longer has b.
    const alt = alterationOf(planOf(before), planOf(after), before, after, ['id', 'a', 'extra']);
    assert.deepEqual([alt.add, alt.drop, alt.rename, alt.retype], [[], [], [], []]);
  });

  it('adds planned columns the target lacks even when the plan had them (the target fell behind)', () => {
    const cols = [id, a, info('extra')];
    const alt = alterationOf(planOf(cols), planOf(cols), cols, cols, ['id', 'a']);
    assert.deepEqual(alt.add.map((c) => c.name), ['extra']);
  });
});
