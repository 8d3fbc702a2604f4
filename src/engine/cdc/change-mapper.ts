/**
 * One source table's captured row changes turned into target changes through the same plan
 * and row transform as the full load (renames, removed and added columns, expressions, type
 * changes), so that a row reaches the target in the same form whichever way it travelled.
 *
 * The result is idempotent by construction (the applier upserts and deletes by key), which is
 * what makes replaying changes the full load's snapshot already holds harmless:
 * - insert: upsert of the row when it passes the source filters;
 * - update: when the key changed, a delete of the old key first; then an upsert of the new
 *   row when it passes the filters, else a delete (the row left the filtered set);
 * - delete: a delete by key (a row the target does not have is no error).
 * The key is the plan's primary key; a table without one is matched on every column.
 */
import type { ColumnInfo, Row, RowChange, TableRef, TargetChange, Value } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import type { RowTransform } from '../full-load/row-transform.js';
import { passesFilters } from './filter-match.js';

export interface TableChangeMapper {
  readonly plan: TablePlan;
  /** The target changes of one source row change ([] when the filters leave it out). */
  map(change: RowChange): TargetChange[];
  /**
   * How the change's columns differ from the table the run planned (a DDL change on the
   * source since): columns it carries that the plan does not know, and (for inserts, which
   * carry every column) planned columns it lacks.
   */
  drift(change: RowChange): { added: string[]; missing: string[] };
}

export function buildChangeMapper(plan: TablePlan, sourceColumns: readonly ColumnInfo[], transform: RowTransform): TableChangeMapper {
  const targetNames = transform.targetColumns.map((c) => c.name);
  // Which source column each target column copies (undefined: an added or computed column).
  const sourceOf = new Map(plan.columns.flatMap((c) => (c.kind === 'source' ? [[c.targetName, c.sourceName] as const] : [])));
  const key = plan.primaryKey.length > 0 ? plan.primaryKey : targetNames.filter((n) => sourceOf.has(n));
  const keyIndexes = key.map((k) => {
    const i = targetNames.indexOf(k);
    if (i < 0) throw new Error(`the key column ${k} of ${plan.target.schema}.${plan.target.name} is not written`);
    return i;
  });
  const typeOf = new Map(sourceColumns.map((c) => [c.name, c.type]));

  /** The source row in readColumns order, and which read columns the change did not carry. */
  const readRow = (columns: readonly string[], values: Row): { row: Row; missing: Set<string> } => {
    const at = new Map(columns.map((c, i) => [c, i]));
    const missing = new Set<string>();
    const row: Value[] = transform.readColumns.map((name) => {
      const i = at.get(name);
      if (i === undefined) {
        missing.add(name);
        return null;
      }
      return values[i] ?? null;
    });
    return { row, missing };
  };

  const filtered = plan.filters.length > 0;
  const passes = (columns: readonly string[], values: Row): boolean => {
    if (!filtered) return true;
    const at = new Map(columns.map((c, i) => [c, values[i] ?? null]));
    return passesFilters(plan.filters, (name) => at.get(name), (name) => typeOf.get(name));
  };

  const keyOf = (target: Row): Row => keyIndexes.map((i) => target[i] ?? null);

  const upsert = (columns: readonly string[], values: Row): TargetChange => {
    const { row, missing } = readRow(columns, values);
    const target = transform.apply(row);
    if (missing.size === 0) return { kind: 'upsert', table: plan.target, columns: targetNames, key, row: target };
    // Columns the change did not carry (PostgreSQL's unchanged TOAST values) keep their target value.
    const keep = targetNames.map((n, i) => ({ n, i })).filter(({ n }) => {
      const src = sourceOf.get(n);
      return src === undefined || !missing.has(src);
    });
    return { kind: 'upsert', table: plan.target, columns: keep.map((k) => k.n), key, row: keep.map((k) => target[k.i] ?? null) };
  };

  const deleteOf = (columns: readonly string[], values: Row): TargetChange => {
    const { row } = readRow(columns, values);
    return { kind: 'delete', table: plan.target, key, keyValues: keyOf(transform.apply(row)) };
  };

  const known = new Set(sourceColumns.map((c) => c.name));
  return {
    plan,
    drift(change: RowChange): { added: string[]; missing: string[] } {
      const cols = change.kind === 'delete' ? change.beforeColumns : change.columns;
      const added = cols.filter((c) => !known.has(c));
      if (change.kind !== 'insert') return { added, missing: [] };
      const carried = new Set(cols);
      const missing = transform.readColumns.filter((c) => !carried.has(c));
      return { added, missing };
    },
    map(change: RowChange): TargetChange[] {
      switch (change.kind) {
        case 'insert':
          return passes(change.columns, change.after) ? [upsert(change.columns, change.after)] : [];
        case 'update': {
          const out: TargetChange[] = [];
          const next = upsert(change.columns, change.after);
          if (change.before && change.beforeColumns) {
            const old = deleteOf(change.beforeColumns, change.before);
            const newKey = next.kind === 'upsert' ? keyOfUpsert(next) : undefined;
            if (old.kind === 'delete' && newKey && !sameValues(old.keyValues, newKey)) out.push(old);
          }
          if (passes(change.columns, change.after)) out.push(next);
          else out.push(deleteOf(change.columns, change.after));
          return out;
        }
        case 'delete':
          return [deleteOf(change.beforeColumns, change.before)];
      }
    },
  };
}

/** The key values of an upsert, in the order of its `key`. */
function keyOfUpsert(c: Extract<TargetChange, { kind: 'upsert' }>): Row {
  return c.key.map((k) => c.row[c.columns.indexOf(k)] ?? null);
}

function sameValues(a: Row, b: Row): boolean {
  return a.length === b.length && a.every((v, i) => equalValue(v, b[i] ?? null));
}

function equalValue(a: Value, b: Value): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

export const tableKey = (t: TableRef): string => `${t.schema}\u0000${t.name}`;
