/**
 * DMS's BatchApplyEnabled "net changes": a batch of target changes (several source
 * transactions, applied in one target transaction) reduced to the net effect per table and
 * key, so that a hot key updated a thousand times in a batch costs one statement, not a
 * thousand.
 *
 * The trade-off: the target never holds the intermediate states of a batch, only the state
 * at each batch commit — the same state applying every change in order would leave. That is
 * what DMS's batch apply does too. Like DMS, the result is ordered per table (truncate,
 * deletes, upserts), tables in order of their first appearance: a target with foreign keys
 * between the tables (or within one), or with unique constraints other than the key, may
 * refuse an order the source never had; DMS asks for those to be disabled on the target.
 *
 * Per table and key, the net effect of any sequence of changes is one of (given the
 * applier's semantics, changes.ts ChangeApplier: upsert inserts or updates the given
 * columns, delete by key, truncate empties the table):
 * - nothing;
 * - upsert(C): the upserts merged, the union of their columns with each column's latest
 *   value (a later upsert of fewer columns — unchanged TOAST values — leaves the others);
 * - delete: the last change was a delete;
 * - delete, upsert(C): a delete followed by upserts. The delete stays: an upsert alone would
 *   keep the values of the columns it does not carry (and of target columns no change ever
 *   carries) where the source had cleared the row. It is dropped only after a truncate of the
 *   table in the batch (then the row cannot exist), as is a lone delete.
 * Different keys are different rows, so reordering them is harmless — provided the target
 * sees them as different: a target that compares keys loosely (MySQL's case- and
 * accent-insensitive collations, trailing spaces, 1.0 = 1.00) could see two keys of the batch
 * as one row. So keys that might collide that way make their table fall back to its changes
 * as they came, as does anything unexpected (a change kind not known here, differing key
 * columns, a key column an upsert lacks, a value that cannot be encoded): nothing is ever
 * lost, at worst nothing is saved.
 *
 * O(n): one pass, keys found through a Map by an unambiguous encoding of their values. The
 * result never has more changes than the input (each net change stands for at least one
 * input change of its kind). The input is not modified; unmerged changes are returned as is.
 */
import type { TableRef, TargetChange, Value } from '../../connectors/spi/index.js';

type Upsert = Extract<TargetChange, { kind: 'upsert' }>;
type Delete = Extract<TargetChange, { kind: 'delete' }>;

/** The net effect so far of one key's changes (since the table's last truncate). */
interface KeyNet {
  /** The net effect begins with this delete (the last one seen). */
  del?: Delete;
  /** Upserts since the last delete, merged. */
  upsert?: MergedUpsert;
}

interface MergedUpsert {
  /** The first upsert: returned as is when nothing was merged into it. */
  readonly first: Upsert;
  merged: boolean;
  readonly columns: string[];
  readonly at: Map<string, number>;
  readonly row: Value[];
}

interface TableNet {
  /** Every change of the table, in order, for the fallback. */
  readonly input: TargetChange[];
  fallback: boolean;
  /** The last truncate of the table; every change before it is discarded. */
  truncate?: TargetChange;
  /** The key columns every change of the table must name. */
  key?: readonly string[];
  /** By exact key encoding, in order of first appearance. */
  readonly keys: Map<string, KeyNet>;
  /** Loose key encoding -> the exact one that has it. */
  readonly loose: Map<string, string>;
}

/** The net effect of `changes` (in commit order) per table and key, for BatchApplyEnabled. */
export function netChanges(changes: readonly TargetChange[]): TargetChange[] {
  const tables = new Map<string, TableNet>();
  for (const change of changes) {
    const table = (change as { table?: unknown } | null)?.table as TableRef | undefined;
    // Not even a table to group by: nothing can be assumed about the batch.
    if (typeof table?.schema !== 'string' || typeof table.name !== 'string') return [...changes];
    const id = JSON.stringify([table.schema, table.name]);
    let t = tables.get(id);
    if (!t) {
      t = { input: [], fallback: false, keys: new Map(), loose: new Map() };
      tables.set(id, t);
    }
    t.input.push(change);
    if (!t.fallback && !add(t, change)) t.fallback = true;
  }

  const out: TargetChange[] = [];
  for (const t of tables.values()) {
    if (t.fallback) {
      out.push(...t.input);
      continue;
    }
    if (t.truncate) out.push(t.truncate);
    // After a truncate in the batch the table is empty: its deletes have nothing to delete.
    if (!t.truncate) for (const k of t.keys.values()) if (k.del) out.push(k.del);
    for (const k of t.keys.values()) if (k.upsert) out.push(upsertOf(k.upsert));
  }
  return out;
}

/** Folds one change into its table's net state; false when the table must fall back. */
function add(t: TableNet, change: TargetChange): boolean {
  switch (change.kind) {
    case 'truncate':
      t.truncate = change;
      t.keys.clear();
      t.loose.clear();
      return true;
    case 'delete': {
      if (!sameKey(t, change.key) || !Array.isArray(change.keyValues) || change.keyValues.length !== change.key.length) return false;
      const k = keyNet(t, change.keyValues);
      if (!k) return false;
      k.del = change;
      k.upsert = undefined;
      return true;
    }
    case 'upsert': {
      if (!sameKey(t, change.key) || !Array.isArray(change.columns) || !Array.isArray(change.row)) return false;
      if (change.columns.length !== change.row.length) return false;
      const at = new Map<string, number>();
      for (let i = 0; i < change.columns.length; i++) {
        const c = change.columns[i]!;
        if (at.has(c)) return false;
        at.set(c, i);
      }
      const keyValues: Value[] = [];
      for (const c of change.key) {
        const i = at.get(c);
        if (i === undefined) return false;
        keyValues.push(change.row[i] ?? null);
      }
      const k = keyNet(t, keyValues);
      if (!k) return false;
      if (!k.upsert) {
        k.upsert = { first: change, merged: false, columns: [...change.columns], at, row: [...change.row] };
        return true;
      }
      const m = k.upsert;
      m.merged = true;
      for (let i = 0; i < change.columns.length; i++) {
        const c = change.columns[i]!;
        const j = m.at.get(c);
        if (j === undefined) {
          m.at.set(c, m.columns.length);
          m.columns.push(c);
          m.row.push(change.row[i] ?? null);
        } else {
          m.row[j] = change.row[i] ?? null;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

function sameKey(t: TableNet, key: unknown): boolean {
  if (!Array.isArray(key) || key.length === 0 || !key.every((k) => typeof k === 'string')) return false;
  if (!t.key) {
    t.key = key as string[];
    return true;
  }
  return t.key.length === key.length && t.key.every((k, i) => k === key[i]);
}

/** The key's net state, created on first sight; undefined when its values cannot be encoded or may collide on the target with another key of the batch. */
function keyNet(t: TableNet, values: readonly Value[]): KeyNet | undefined {
  const exact = encodeKey(values);
  if (exact === undefined) return undefined;
  let k = t.keys.get(exact);
  if (k) return k;
  const loose = JSON.stringify(values.map(looseValue));
  const other = t.loose.get(loose);
  if (other !== undefined && other !== exact) return undefined;
  t.loose.set(loose, exact);
  k = {};
  t.keys.set(exact, k);
  return k;
}

function upsertOf(m: MergedUpsert): TargetChange {
  if (!m.merged) return m.first;
  return { kind: 'upsert', table: m.first.table, columns: m.columns, key: m.first.key, row: m.row };
}

/** Key values, each tagged by type: 1, '1', '01', true, null, 'null' and a Buffer of '1' all differ. */
function encodeKey(values: readonly Value[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) {
    const e = encodeValue(v);
    if (e === undefined) return undefined;
    parts.push(e);
  }
  return JSON.stringify(parts);
}

function encodeValue(v: unknown): string | undefined {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'number':
      return Number.isFinite(v) ? `d${String(v)}` : undefined;
    case 'bigint':
      return `i${v.toString()}`;
    default:
      return Buffer.isBuffer(v) ? `x${v.toString('hex')}` : undefined;
  }
}

/**
 * A coarse form of a key value, equal for values a target may compare as equal although they
 * differ exactly: letters case- and accent-folded, trailing spaces (and a binary's trailing
 * zero bytes) dropped, numbers and booleans as canonical decimals. Coarser than any target
 * collation it knows of; a collision only costs the optimisation.
 */
function looseValue(v: Value | number | bigint): string {
  if (v === null) return 'n';
  if (typeof v === 'boolean') return v ? 'v1' : 'v0';
  if (typeof v === 'number' || typeof v === 'bigint') return `v${canonicalNumber(String(v)) ?? String(v)}`;
  const text = Buffer.isBuffer(v) ? v.toString('utf8').replace(/\0+$/, '') : v;
  const trimmed = text.replace(/\s+$/u, '');
  const n = canonicalNumber(trimmed.trim());
  if (n !== undefined) return `v${n}`;
  return `v${trimmed.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().toLowerCase()}`;
}

/** '007.50' -> '7.5', '-0' -> '0', '1e3' -> '1000'; undefined when not a number. */
function canonicalNumber(s: string): string | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) return undefined;
    s = String(n);
    if (s.includes('e')) return s;
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || !/\d/.test(s)) return undefined;
  const int = (m[2] ?? '').replace(/^0+/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (int === '' && frac === '') return '0';
  return `${m[1] === '-' ? '-' : ''}${int === '' ? '0' : int}${frac === '' ? '' : `.${frac}`}`;
}
