/**
 * How one table's LOB columns travel, from the task's TargetMetadata LOB settings and the
 * table's `lob-settings` (which wins when it says limited or unlimited):
 * - excluded (SupportLobs false): LOB columns are not read; their target values stay NULL;
 * - limited: values cut to the limit by the source query, counted first so the cut is reported;
 * - unlimited (full LOB mode): values travel whole.
 */
import type { EngineSettings } from '../ports.js';
import type { TablePlan } from '../mapping/index.js';

export type LobHandling =
  | { readonly mode: 'no-lobs' }
  | { readonly mode: 'excluded'; readonly columns: readonly string[] }
  | { readonly mode: 'limited'; readonly limitKb: number; readonly limits: ReadonlyMap<string, number> }
  | { readonly mode: 'unlimited'; readonly columns: readonly string[] };

/** `columns` and `limits` use source column names. */
export function lobHandlingOf(table: TablePlan, settings: EngineSettings): LobHandling {
  const columns = table.columns.flatMap((c) => (c.kind === 'source' && c.isLob ? [c.sourceName] : []));
  if (columns.length === 0) return { mode: 'no-lobs' };
  const limited = (kb: number): LobHandling =>
    kb > 0 ? { mode: 'limited', limitKb: kb, limits: new Map(columns.map((c) => [c, kb * 1024])) } : { mode: 'unlimited', columns };
  const own = table.lob;
  if (own?.mode === 'limited') return limited(own.bulkMaxSizeKb && own.bulkMaxSizeKb > 0 ? own.bulkMaxSizeKb : settings.lobMaxSizeKb);
  if (own?.mode === 'unlimited') return { mode: 'unlimited', columns };
  if (!settings.supportLobs) return { mode: 'excluded', columns };
  if (settings.fullLobMode) return { mode: 'unlimited', columns };
  if (settings.limitedSizeLobMode) return limited(settings.lobMaxSizeKb);
  return { mode: 'unlimited', columns };
}

/** The per-column counts of oversized values as a sentence part: `body: 3, notes: 1`. */
export function describeOversized(counts: ReadonlyMap<string, number>): string {
  return [...counts].filter(([, n]) => n > 0).map(([c, n]) => `${c}: ${n}`).join(', ');
}

/**
 * The LOB handling the reads apply: when the oversized counts come from the snapshot the
 * reads see (`exact`), only the columns that hold an oversized value keep their limit; the
 * others are read as they are, which spares a cut per value and keeps the column's own type
 * (a cut jsonb reads as text, which rules out binary COPY). Counts from another snapshot
 * (or none) leave every limit in place.
 */
export function narrowedToOversized(lob: LobHandling, counts: ReadonlyMap<string, number> | undefined, exact: boolean): LobHandling {
  if (lob.mode !== 'limited' || !counts || !exact) return lob;
  return { ...lob, limits: new Map([...lob.limits].filter(([column]) => (counts.get(column) ?? 1) > 0)) };
}
