/** Row transform (added columns, SQLite expressions) and the segment writer's search for refused rows. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DataLoadError, type NeutralType, type Row, type TableWriter } from '../../src/connectors/spi/index.js';
import type { ColumnPlan, TablePlan } from '../../src/engine/mapping/index.js';
import { buildRowTransform, ExpressionError, parameterNames, TransformError } from '../../src/engine/full-load/row-transform.js';
import { SegmentWriter } from '../../src/engine/full-load/segment-writer.js';
import { fakeTable, types } from './engine-fakes.js';

const db = new Database(':memory:');
after(() => db.close());

const src = (name: string, type: NeutralType = types.varchar, targetName = name): ColumnPlan => ({ kind: 'source', sourceName: name, targetName, sourceType: type, targetType: type, nullable: true, isLob: false });
const table = fakeTable('s', 't', [['id', types.int4], ['first', types.varchar], ['last', types.varchar], ['secret', types.varchar], ['n', types.int4]], []);
const planOf = (columns: ColumnPlan[]): TablePlan => ({
  source: { schema: 's', name: 't' },
  target: { schema: 's', name: 't' },
  loadOrder: 0,
  columns,
  filters: [],
  primaryKey: ['id'],
  sourceKey: ['id'],
  ruleIds: [],
});

describe('row transform', () => {
  it('reorders and renames source columns, adds constants', () => {
    const t = buildRowTransform({
      table: planOf([src('last', types.varchar, 'surname'), src('id', types.int4), { kind: 'added', targetName: 'origin', targetType: types.varchar, nullable: true, value: 'legacy' }, { kind: 'added', targetName: 'flag', targetType: types.bool, nullable: true, value: 'true' }]),
      sourceColumns: table.info.columns,
    });
    assert.deepEqual(t.readColumns, ['last', 'id']);
    assert.deepEqual(t.targetColumns.map((c) => c.name), ['surname', 'id', 'origin', 'flag']);
    assert.deepEqual(t.apply(['Doe', '1']), ['Doe', '1', 'legacy', true]);
  });

  it('evaluates SQLite expressions over source values, also of columns it does not write', () => {
    const t = buildRowTransform({
      table: planOf([
        src('id', types.int4),
        { kind: 'added', targetName: 'full_name', targetType: types.varchar, nullable: true, expression: "$first || ' ' || $last" },
        { kind: 'added', targetName: 'big', targetType: types.bool, nullable: true, expression: '$n > 9' },
        { kind: 'added', targetName: 'twice', targetType: types.int4, nullable: true, expression: '$n * 2' },
        { kind: 'added', targetName: 'masked', targetType: types.varchar, nullable: true, expression: "substr($SECRET, 1, 2) || '**'" },
      ]),
      sourceColumns: table.info.columns,
      sqlite: () => db,
    });
    // first/last/n/secret are read for the expressions only.
    assert.deepEqual(t.readColumns, ['id', 'first', 'last', 'n', 'secret']);
    assert.deepEqual(t.apply(['1', 'Ada', 'Lovelace', '10', 'abcdef']), ['1', 'Ada Lovelace', true, '20', 'ab**']);
    // 10 > 9 numerically, not as text; NULL propagates.
    assert.deepEqual(t.apply(['2', null, 'X', '9', null]), ['2', null, false, '18', null]);
    // 64-bit integers stay exact (beyond 2^53).
    assert.deepEqual(t.apply(['3', 'a', 'b', '4611686018427387903', 'x']).slice(3, 4), ['9223372036854775806']);
  });

  it('refuses an expression naming an unknown column or with a syntax error, naming the column', () => {
    assert.throws(
      () => buildRowTransform({ table: planOf([{ kind: 'added', targetName: 'x', targetType: types.varchar, nullable: true, expression: '$nope' }]), sourceColumns: table.info.columns, sqlite: () => db }),
      (e: unknown) => e instanceof ExpressionError && /\$nope/.test(e.message) && /added column x/.test(e.message),
    );
    assert.throws(
      () => buildRowTransform({ table: planOf([{ kind: 'added', targetName: 'x', targetType: types.varchar, nullable: true, expression: '$id +* 2' }]), sourceColumns: table.info.columns, sqlite: () => db }),
      ExpressionError,
    );
  });

  it('turns a failing evaluation into a per-row TransformError', () => {
    const t = buildRowTransform({
      table: planOf([{ kind: 'added', targetName: 'x', targetType: types.varchar, nullable: true, expression: "json_extract($first, '$.a')" }]),
      sourceColumns: table.info.columns,
      sqlite: () => db,
    });
    assert.deepEqual(t.apply(['{"a":"v"}']), ['v']);
    assert.throws(() => t.apply(['not json']), TransformError);
  });

  it('leaves omitted LOB columns out', () => {
    const t = buildRowTransform({ table: planOf([src('id', types.int4), src('secret')]), sourceColumns: table.info.columns, omitted: ['secret'] });
    assert.deepEqual(t.readColumns, ['id']);
    assert.deepEqual(t.targetColumns.map((c) => c.name), ['id']);
  });

  it('finds parameters outside string literals', () => {
    assert.deepEqual(parameterNames("$a || '$notparam' || $b_2"), ['a', 'b_2']);
  });
});

/**
 * A transactional writer over `committed` per the SPI: a refused write() keeps nothing and
 * names the row (when `name`); `atCommit` refuses at commit instead (a deferred constraint).
 */
function fakeWriter(committed: Row[], refuse: (r: Row) => boolean, calls: { writes: number; opened: number }, opts: { name?: boolean; atCommit?: boolean } = {}): () => Promise<TableWriter> {
  const table = { schema: 's', name: 't' };
  return async () => {
    calls.opened++;
    let pending: Row[] = [];
    return {
      write: async (rows) => {
        calls.writes++;
        const at = rows.findIndex(refuse);
        if (at >= 0 && !opts.atCommit) throw new DataLoadError({ table, truncation: false, serverMessage: 'refused', ...(opts.name ? { rowIndex: at } : {}) });
        pending.push(...rows);
      },
      commit: async () => {
        if (opts.atCommit && pending.some(refuse)) {
          pending = [];
          throw new DataLoadError({ table, truncation: false, serverMessage: 'deferred' });
        }
        committed.push(...pending);
        pending = [];
      },
      close: async () => {
        committed.push(...pending);
      },
      abort: async () => {
        pending = [];
      },
    };
  };
}

const ids = (rows: Row[]): number[] => rows.map((r) => Number(r[0])).sort((a, b) => a - b);
const expected = Array.from({ length: 200 }, (_, i) => i + 1).filter((n) => n % 37 !== 0);

describe('segment writer', () => {
  for (const mode of [{ name: true }, { name: false }, { atCommit: true }]) {
    it(`keeps every good row and reports each refused one (${JSON.stringify(mode)})`, async () => {
      const committed: Row[] = [];
      const bad: Row[] = [];
      let rows = 0;
      const calls = { writes: 0, opened: 0 };
      const w = await SegmentWriter.open({
        open: fakeWriter(committed, (r) => Number(r[0]) % 37 === 0, calls, mode),
        commitRate: 50,
        onRows: (d) => (rows += d),
        onBadRow: async (r) => void bad.push(r),
      });
      for (let i = 1; i <= 200; i += 10) await w.write(Array.from({ length: 10 }, (_, k) => [String(i + k)]));
      await w.finish();
      assert.deepEqual(bad.map((r) => r[0]), ['37', '74', '111', '148', '185']);
      assert.deepEqual(ids(committed), expected);
      assert.equal(rows, 195);
      // With the row named, each refused batch costs at most three more calls, not one per row.
      if (mode.name) assert.ok(calls.writes <= 20 + 5 * 3, `${calls.writes} writes`);
      else assert.ok(calls.writes >= 20 + 5 * 10);
      if (!mode.atCommit) assert.equal(calls.opened, 1);
    });
  }

  it('stops when the bad-row handler throws; what is not committed is rolled back', async () => {
    const committed: Row[] = [];
    const w = await SegmentWriter.open({
      open: fakeWriter(committed, (r) => r[0] === '7', { writes: 0, opened: 0 }, { name: true }),
      commitRate: 1000,
      onRows: () => undefined,
      onBadRow: async () => {
        throw new Error('suspend');
      },
    });
    await assert.rejects(w.write(Array.from({ length: 10 }, (_, i) => [String(i + 1)])), /suspend/);
    await w.abort();
    assert.deepEqual(committed, []);
  });
});
