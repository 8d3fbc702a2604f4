/**
 * When a table created by the run gets its primary key: before the load (DMS's default), or
 * after it, which on a PostgreSQL target is much cheaper (one sorted index build instead of
 * a B-tree insert per row: the largest single cost of a PostgreSQL full load).
 *
 * CreatePkAfterFullLoad asks for "after" explicitly. Without it, OpenDMS still builds the key
 * after the load when that cannot change the outcome: the target prefers it, and the target
 * key is exactly the source's own key (its primary key, or a unique key of NOT NULL columns)
 * carried over column for column with unchanged types. The source snapshot then guarantees the
 * rows are unique, so no row the key would have refused during the load can exist; the table
 * is reported 'Table completed' only once the key is in place, as before.
 * A key named by define-primary-key, or over a column whose type a rule changes, or on a
 * target that clusters rows by key (MySQL InnoDB) is created with the table.
 */
import type { TableInfo } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import { sourceKeyOf } from '../mapping/keys.js';

export type KeyTiming = 'with-table' | 'after-load-asked' | 'after-load-safe';

export function keyTiming(opts: {
  readonly plan: TablePlan;
  readonly source: TableInfo;
  readonly createPkAfterFullLoad: boolean;
  readonly targetPrefersAfter: boolean;
}): KeyTiming {
  const { plan, source } = opts;
  if (plan.primaryKey.length === 0) return 'with-table';
  if (opts.createPkAfterFullLoad) return 'after-load-asked';
  if (!opts.targetPrefersAfter) return 'with-table';
  const key = sourceKeyOf(source);
  if (key.columns.length === 0 || key.nullable || key.columns.length !== plan.primaryKey.length) return 'with-table';
  const carried = plan.primaryKey.every((target, i) => {
    const col = plan.columns.find((c) => c.targetName === target);
    return (
      col?.kind === 'source' &&
      col.sourceName === key.columns[i] &&
      JSON.stringify(col.sourceType) === JSON.stringify(col.targetType)
    );
  });
  return carried ? 'after-load-safe' : 'with-table';
}
