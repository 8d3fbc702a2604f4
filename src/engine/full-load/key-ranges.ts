/**
 * Segments of a table for parallel load: DMS `parallel-load` `ranges` boundaries, or the
 * split points of the automatic split, turned into consecutive key ranges
 * (-, b1], (b1, b2], ..., (bn, -) that together cover every row exactly once.
 */
import type { KeyRange } from '../../connectors/spi/index.js';

/**
 * A table with a primary key and more estimated rows than this is split automatically into
 * up to MaxFullLoadSubTasks ranges. Below it, one reader keeps up with one writer and the
 * extra connections and split queries cost more than they gain.
 */
export const autoSplitMinRows = 500_000;

/** The consecutive ranges bounded by `boundaries` (sorted ascending, as tuples of `columns`). */
export function rangesFromBoundaries(columns: readonly string[], boundaries: readonly (readonly string[])[]): KeyRange[] {
  if (boundaries.length === 0) return [];
  const ranges: KeyRange[] = [];
  let after: readonly string[] | undefined;
  for (const b of boundaries) {
    ranges.push(after ? { columns, after, upTo: b } : { columns, upTo: b });
    after = b;
  }
  ranges.push({ columns, after: after! });
  return ranges;
}

/**
 * Whether a table is split automatically, and into how many parts (0 = no split): a keyed
 * table above the threshold, or any keyed table whose table-settings ask for
 * `partitions-auto`; never one whose table-settings say `none`.
 */
export function autoSplitParts(opts: {
  readonly sourceKey: readonly string[];
  readonly estimatedRows: number;
  readonly maxSubTasks: number;
  readonly parallelLoad?: 'partitions-auto' | 'none';
}): number {
  if (opts.parallelLoad === 'none' || opts.sourceKey.length === 0 || opts.maxSubTasks < 2) return 0;
  if (opts.parallelLoad === 'partitions-auto') return opts.maxSubTasks;
  if (opts.estimatedRows <= autoSplitMinRows) return 0;
  // Never pieces much smaller than the threshold, which would be all overhead.
  return Math.min(opts.maxSubTasks, Math.max(2, Math.floor(opts.estimatedRows / (autoSplitMinRows / 2))));
}

/** `(a, b]` in a log line. */
export function describeRange(r: KeyRange | undefined): string {
  if (!r) return 'all rows';
  const tuple = (t: readonly string[]): string => (t.length === 1 ? t[0]! : `(${t.join(', ')})`);
  const key = r.columns.length === 1 ? r.columns[0]! : `(${r.columns.join(', ')})`;
  if (r.after && r.upTo) return `${tuple(r.after)} < ${key} <= ${tuple(r.upTo)}`;
  if (r.after) return `${key} > ${tuple(r.after)}`;
  if (r.upTo) return `${key} <= ${tuple(r.upTo)}`;
  return 'all rows';
}
