/**
 * Task progress from table statistics (ReplicationTaskStats): pure, so the math is tested
 * on its own. Rows loaded against the catalog's estimates; a table that ended (completed or
 * in error) counts as whole, so the percentage never goes backwards when a filter loads
 * fewer rows than the estimate; capped at 99 until the load is finished, then 100.
 */
import type { TableState } from '../ports.js';

export interface ProgressInput {
  readonly state: TableState;
  readonly fullLoadRows: number;
  readonly estimatedRows: number;
}

export interface ProgressCounts {
  readonly fullLoadProgressPercent: number;
  readonly tablesLoaded: number;
  readonly tablesLoading: number;
  readonly tablesQueued: number;
  readonly tablesErrored: number;
}

const ended = (s: TableState): boolean => s === 'Table completed' || s === 'Table error';

export function computeProgress(tables: readonly ProgressInput[], opts: { readonly finished: boolean }): ProgressCounts {
  let loaded = 0;
  let loading = 0;
  let queued = 0;
  let errored = 0;
  for (const t of tables) {
    if (t.state === 'Table completed') loaded++;
    else if (t.state === 'Full load' || t.state === 'Table is being reloaded') loading++;
    else if (t.state === 'Table error') errored++;
    // Cancelled tables wait for the next run, like queued ones.
    else queued++;
  }
  // Each table weighs its estimate; a table without one (never analysed) weighs the average
  // of the others, and counts as 0 % until it ends, since its size is unknown.
  const known = tables.filter((t) => t.estimatedRows > 0);
  const average = known.length > 0 ? known.reduce((n, t) => n + t.estimatedRows, 0) / known.length : 1;
  let done = 0;
  let total = 0;
  for (const t of tables) {
    const weight = t.estimatedRows > 0 ? t.estimatedRows : average;
    const fraction = ended(t.state) ? 1 : t.estimatedRows > 0 ? Math.min(1, Math.max(0, t.fullLoadRows) / t.estimatedRows) : 0;
    total += weight;
    done += weight * fraction;
  }
  let percent = opts.finished ? 100 : total > 0 ? (done / total) * 100 : 0;
  if (!opts.finished) percent = Math.min(99, percent);
  return {
    fullLoadProgressPercent: Math.floor(percent),
    tablesLoaded: loaded,
    tablesLoading: loading,
    tablesQueued: queued,
    tablesErrored: errored,
  };
}
