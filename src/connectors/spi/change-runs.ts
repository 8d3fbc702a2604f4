/**
 * What every ChangeApplier does first: cut the changes of one apply() call into runs of
 * consecutive changes of one kind, table, column set and key, each of which becomes one
 * set-based statement. Runs are never reordered across kinds, so an upsert then a delete of
 * a key ends deleted and a delete then an upsert ends present.
 */
import type { Row, TableRef } from './data-types.js';
import type { TargetChange } from './changes.js';

/** One change with its index in the apply() call (a refusal names it). */
export interface ChangeItem {
  readonly index: number;
  readonly change: TargetChange;
}

export interface ChangeRun {
  readonly kind: TargetChange['kind'];
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly items: ChangeItem[];
}

/**
 * The runs of `changes`. `joinTruncates`: consecutive truncates form one run whatever their
 * tables (PostgreSQL truncates tables linked by foreign keys in one statement).
 */
export function changeRuns(changes: readonly TargetChange[], opts: { readonly joinTruncates: boolean }): ChangeRun[] {
  const runs: ChangeRun[] = [];
  let last: ChangeRun | undefined;
  let lastShape = '';
  changes.forEach((change, index) => {
    const columns = change.kind === 'upsert' ? change.columns : [];
    const key = change.kind === 'truncate' ? [] : change.key;
    const shape =
      change.kind === 'truncate' && opts.joinTruncates ? 'truncate' : JSON.stringify([change.kind, change.table.schema, change.table.name, columns, key, change.kind === 'truncate' ? index : 0]);
    if (last && shape === lastShape) {
      last.items.push({ index, change });
      return;
    }
    last = { kind: change.kind, table: change.table, columns, key, items: [{ index, change }] };
    lastShape = shape;
    runs.push(last);
  });
  return runs;
}

/** An upsert's row, checked against its columns. */
export function upsertRow(change: TargetChange): Row {
  if (change.kind !== 'upsert') throw new Error('not an upsert');
  if (change.row.length !== change.columns.length) throw new Error(`an upsert into ${change.table.schema}.${change.table.name} has ${change.row.length} values for ${change.columns.length} columns`);
  return change.row;
}

/** A delete's key values, checked against its key. */
export function deleteKeyValues(change: TargetChange): Row {
  if (change.kind !== 'delete') throw new Error('not a delete');
  if (change.keyValues.length !== change.key.length) throw new Error(`a delete from ${change.table.schema}.${change.table.name} has ${change.keyValues.length} values for ${change.key.length} key columns`);
  return change.keyValues;
}

/**
 * `items` cut into consecutive chunks of at most `maxItems` items and about `maxBytes` bytes
 * (`sizeOf` each; an item larger than `maxBytes` is a chunk of its own): the statements of one
 * run, each within the server's limits.
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, limits: { readonly maxItems: number; readonly maxBytes: number }): T[][] {
  const out: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (chunk.length > 0 && (chunk.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      out.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}
