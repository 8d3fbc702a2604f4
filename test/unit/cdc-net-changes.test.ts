/**
 * BatchApplyEnabled's net changes (net-changes.ts): per table and key only the net effect of a
 * batch survives, and applying it leaves exactly the target state applying the batch in order
 * leaves — checked on targeted cases and on thousands of random batches against an in-memory
 * model of the applier (upsert inserts or updates the given columns, delete by key,
 * truncate).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableRef, TargetChange, Value } from '../../src/connectors/spi/index.js';
import { netChanges } from '../../src/engine/cdc/net-changes.js';

const one: TableRef = { schema: 's', name: 'one' };
const two: TableRef = { schema: 's', name: 'two' };

const up = (table: TableRef, key: string[], row: Record<string, Value>): TargetChange => ({ kind: 'upsert', table, key, columns: Object.keys(row), row: Object.values(row) });
const del = (table: TableRef, key: string[], keyValues: Value[]): TargetChange => ({ kind: 'delete', table, key, keyValues });
const trunc = (table: TableRef): TargetChange => ({ kind: 'truncate', table });
const up1 = (row: Record<string, Value>): TargetChange => up(one, ['id'], row);
const del1 = (id: Value): TargetChange => del(one, ['id'], [id]);

// ---- an in-memory target with the applier's semantics ----

type ModelRow = Record<string, Value>;
type Model = Map<string, Map<string, ModelRow>>;

const tableId = (t: TableRef): string => `${t.schema}.${t.name}`;
const valueId = (v: Value): string => (Buffer.isBuffer(v) ? `buffer:${v.toString('hex')}` : `${v === null ? 'null' : typeof v}:${String(v)}`);
const keyId = (values: readonly Value[]): string => JSON.stringify(values.map(valueId));

function applyAll(initial: Model, changes: readonly TargetChange[]): Model {
  const state: Model = new Map([...initial].map(([t, rows]) => [t, new Map([...rows].map(([k, r]) => [k, { ...r }]))]));
  const rowsOf = (t: TableRef): Map<string, ModelRow> => {
    let rows = state.get(tableId(t));
    if (!rows) state.set(tableId(t), (rows = new Map()));
    return rows;
  };
  for (const c of changes) {
    const rows = rowsOf(c.table);
    if (c.kind === 'truncate') rows.clear();
    else if (c.kind === 'delete') rows.delete(keyId(c.keyValues));
    else {
      const k = keyId(c.key.map((name) => c.row[c.columns.indexOf(name)] ?? null));
      const row = rows.get(k) ?? {};
      c.columns.forEach((name, i) => (row[name] = c.row[i] ?? null));
      rows.set(k, row);
    }
  }
  for (const [t, rows] of state) if (rows.size === 0) state.delete(t);
  return state;
}

function deepFreeze<T>(changes: T[]): T[] {
  for (const c of changes) {
    for (const v of Object.values(c as object)) if (Array.isArray(v)) Object.freeze(v);
    Object.freeze(c);
  }
  return Object.freeze(changes) as T[];
}

describe('net changes per table and key (BatchApplyEnabled)', () => {
  it('merges the upserts of a hot key: union of columns, latest value each', () => {
    const batch = [up1({ id: '1', x: 'a', y: 'b' }), up1({ id: '1', x: 'c' }), up1({ id: '1', z: 'd', x: 'e' })];
    assert.deepEqual(netChanges(batch), [up1({ id: '1', x: 'e', y: 'b', z: 'd' })]);
  });

  it('an upsert then a delete is the delete; a lone upsert is returned as is', () => {
    const lone = up1({ id: '2', x: 'a' });
    const net = netChanges([up1({ id: '1', x: 'a' }), lone, del1('1')]);
    assert.deepEqual(net, [del1('1'), lone]);
    assert.equal(net[1], lone);
  });

  it('a delete then upserts keeps the delete (the upsert alone would keep the columns it does not carry)', () => {
    assert.deepEqual(netChanges([del1('1'), up1({ id: '1', x: 'a' }), up1({ id: '1', y: 'b' })]), [del1('1'), up1({ id: '1', x: 'a', y: 'b' })]);
    // Even with every column the batch ever names: the target may have more.
    assert.deepEqual(netChanges([up1({ id: '1', x: 'a', y: 'b' }), del1('1'), up1({ id: '1', x: 'c', y: 'd' })]), [del1('1'), up1({ id: '1', x: 'c', y: 'd' })]);
  });

  it('key changes back and forth: k1->k2 then k2->k1 nets to delete k1, delete k2, upsert k1', () => {
    const batch = [del1('1'), up1({ id: '2', x: 'a' }), del1('2'), up1({ id: '1', x: 'b' })];
    assert.deepEqual(netChanges(batch), [del1('1'), del1('2'), up1({ id: '1', x: 'b' })]);
  });

  it('deletes before upserts, tables in order of first appearance', () => {
    const batch = [up(two, ['a', 'b'], { a: '1', b: true, v: 'x' }), up1({ id: '1' }), del1('2'), del(two, ['a', 'b'], ['2', false]), up(two, ['a', 'b'], { a: '1', b: true, v: 'y' })];
    assert.deepEqual(netChanges(batch), [del(two, ['a', 'b'], ['2', false]), up(two, ['a', 'b'], { a: '1', b: true, v: 'y' }), del1('2'), up1({ id: '1' })]);
  });

  it('a truncate discards the earlier changes and comes first; after it deletes have nothing to delete', () => {
    const batch = [up1({ id: '1', x: 'a' }), del1('3'), up(two, ['a', 'b'], { a: '1', b: true }), trunc(one), up1({ id: '1', x: 'b' }), trunc(one), del1('4'), up1({ id: '5' }), del1('5'), up1({ id: '5', x: 'c' }), up1({ id: '2' })];
    assert.deepEqual(netChanges(batch), [trunc(one), up1({ id: '5', x: 'c' }), up1({ id: '2' }), up(two, ['a', 'b'], { a: '1', b: true })]);
  });

  it('keys compare exactly by type and bytes: null, "null", "" differ; Buffers by content', () => {
    const batch = [up1({ id: null, x: 'a' }), up1({ id: 'null', x: 'b' }), up1({ id: '', x: 'c' }), up1({ id: null, x: 'd' }), up1({ id: Buffer.from([1, 2]), x: 'e' }), del1(Buffer.from([1, 2]))];
    assert.deepEqual(netChanges(batch), [del1(Buffer.from([1, 2])), up1({ id: null, x: 'd' }), up1({ id: 'null', x: 'b' }), up1({ id: '', x: 'c' })]);
  });

  it('keys a target may see as one row ("a"/"A ", "1"/"01", "1"/Buffer "1") leave their table as it came', () => {
    const netted = [up(two, ['a', 'b'], { a: '1', b: true, v: 'x' }), up(two, ['a', 'b'], { a: '1', b: true, v: 'y' })];
    for (const [k1, k2] of [['a', 'A '], ['1', '01'], ['1.50', '1.5'], ['é', 'E'], ['1', Buffer.from('1')]] as [Value, Value][]) {
      const table = [up1({ id: k1, x: 'a' }), up1({ id: k2, x: 'b' }), up1({ id: k1, x: 'c' })];
      assert.deepEqual(netChanges([table[0]!, netted[0]!, ...table.slice(1), netted[1]!]), [...table, netted[1]!], `${String(k1)} / ${String(k2)}`);
    }
  });

  it('anything unexpected leaves its table as it came, the other tables still netted', () => {
    const others = [up(two, ['a', 'b'], { a: '1', b: true, v: 'x' }), up(two, ['a', 'b'], { a: '1', b: true, v: 'y' })];
    const cases: TargetChange[][] = [
      [up1({ id: '1', x: 'a' }), up(one, ['id', 'x'], { id: '1', x: 'b' })], // differing key columns
      [up1({ id: '1', x: 'a' }), { kind: 'merge', table: one } as unknown as TargetChange, up1({ id: '1', x: 'b' })], // unknown kind
      [up1({ id: '1', x: 'a' }), up1({ x: 'b' })], // an upsert without its key column
      [del1('1'), { kind: 'delete', table: one, key: ['id'], keyValues: ['1', '2'] }, del1('1')], // key values of the wrong length
      [up1({ id: '1', x: 'a' }), up1({ id: new Date(0) as unknown as Value })], // a value it cannot encode
    ];
    for (const table of cases) assert.deepEqual(netChanges([...table, ...others]), [...table, others[1]!]);
  });

  it('does not modify its input', () => {
    const batch = deepFreeze([up1({ id: '1', x: 'a' }), up1({ id: '1', y: 'b' }), del1('2'), up1({ id: '2' }), up1({ id: '2', x: 'c' })]);
    assert.deepEqual(netChanges(batch), [del1('2'), up1({ id: '1', x: 'a', y: 'b' }), up1({ id: '2', x: 'c' })]);
    assert.deepEqual(batch[0], up1({ id: '1', x: 'a' }));
  });

  it('empty in, empty out', () => {
    assert.deepEqual(netChanges([]), []);
  });
});

// ---- random batches against the model ----

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  readonly table: TableRef;
  readonly key: string[];
  /** Every possible key, as values in key order. */
  readonly keys: Value[][];
}

const valueColumns = ['x', 'y', 'z'];

function randomRun(seed: number, shapes: readonly Shape[]): { batch: TargetChange[]; initials: Model[] } {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const value = (): Value => pick<Value>(['v1', 'v2', 'v3', null, '', Buffer.from([rnd() < 0.5 ? 0 : 9])]);
  const someColumns = (): string[] => valueColumns.filter(() => rnd() < 0.5);
  const upsertOf = (s: Shape, k: Value[], full: boolean): TargetChange => {
    const cols = full ? valueColumns : someColumns();
    return { kind: 'upsert', table: s.table, key: s.key, columns: [...s.key, ...cols], row: [...k, ...cols.map(value)] };
  };

  const batch: TargetChange[] = [];
  const length = Math.floor(rnd() * 24);
  for (let i = 0; i < length; i++) {
    const s = pick(shapes);
    const k = pick(s.keys);
    const r = rnd();
    if (r < 0.3) batch.push(upsertOf(s, k, true));
    else if (r < 0.55) batch.push(upsertOf(s, k, false));
    else if (r < 0.75) batch.push({ kind: 'delete', table: s.table, key: s.key, keyValues: k });
    else if (r < 0.94) {
      // An update whose key changed: delete of the old key, then the new row (all of it, or without its unchanged TOAST columns).
      const to = pick(s.keys.filter((o) => o !== k));
      batch.push({ kind: 'delete', table: s.table, key: s.key, keyValues: k }, upsertOf(s, to, rnd() < 0.5));
    } else batch.push({ kind: 'truncate', table: s.table });
  }

  const initials: Model[] = [];
  for (let n = 0; n < 3; n++) {
    const model: Model = new Map();
    for (const s of shapes) {
      const rows = new Map<string, ModelRow>();
      for (const k of s.keys) {
        if (rnd() < 0.5) continue;
        const row: ModelRow = Object.fromEntries(s.key.map((name, i) => [name, k[i] ?? null]));
        // 'extra': a target column no change carries.
        for (const c of [...valueColumns, 'extra']) if (rnd() < 0.8) row[c] = value();
        rows.set(keyId(k), row);
      }
      if (rows.size > 0) model.set(tableId(s.table), rows);
    }
    initials.push(model);
  }
  return { batch, initials };
}

/** Per table: contiguous, then truncate? delete* upsert*, at most one delete and one upsert per key. */
function assertShape(net: readonly TargetChange[]): void {
  const seen = new Set<string>();
  let current = '';
  let phase = 0;
  const perKey = new Set<string>();
  for (const c of net) {
    const t = tableId(c.table);
    if (t !== current) {
      assert.ok(!seen.has(t), `${t} is not contiguous`);
      seen.add(t);
      current = t;
      phase = 0;
    }
    const p = c.kind === 'truncate' ? 1 : c.kind === 'delete' ? 2 : 3;
    assert.ok(p > phase || (p === phase && p !== 1), `${t}: ${c.kind} out of order`);
    phase = p;
    if (c.kind !== 'truncate') {
      const k = `${t} ${c.kind} ${keyId(c.kind === 'delete' ? c.keyValues : c.key.map((name) => c.row[c.columns.indexOf(name)] ?? null))}`;
      assert.ok(!perKey.has(k), `twice: ${k}`);
      perKey.add(k);
    }
  }
}

describe('net changes leave the target as the batch in order does (random batches)', () => {
  const shapes: Shape[] = [
    { table: one, key: ['id'], keys: [['1'], ['2'], ['3'], [Buffer.from([1, 2])], [null], ['null']] },
    { table: two, key: ['a', 'b'], keys: [['1', true], ['1', false], ['2', true], ['2', null]] },
  ];

  it('4000 batches over two tables, each from three initial states', () => {
    let netted = 0;
    let given = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const { batch, initials } = randomRun(seed, shapes);
      const net = netChanges(deepFreeze(batch));
      given += batch.length;
      netted += net.length;
      assert.ok(net.length <= batch.length, `seed ${seed}: ${net.length} changes from ${batch.length}`);
      assertShape(net);
      for (const initial of initials) assert.deepEqual(applyAll(initial, net), applyAll(initial, batch), `seed ${seed}`);
    }
    // The point of it: hot keys collapse.
    assert.ok(netted < given * 0.7, `${netted} of ${given}`);
  });

  it('2000 batches whose keys may collide on the target ("a", "A", "a ") stay correct', () => {
    const colliding: Shape[] = [{ table: one, key: ['id'], keys: [['a'], ['A'], ['a '], ['b']] }, shapes[1]!];
    for (let seed = 1; seed <= 2000; seed++) {
      const { batch, initials } = randomRun(seed, colliding);
      const net = netChanges(batch);
      assert.ok(net.length <= batch.length);
      for (const initial of initials) assert.deepEqual(applyAll(initial, net), applyAll(initial, batch), `seed ${seed}`);
    }
  });
});
