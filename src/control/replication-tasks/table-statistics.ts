/**
 * The per-table statistics of tasks: one small record per task and table, upserted as the
 * engine reports (only the tables a report names are written, so a periodic report of a few
 * loading tables stays cheap), read back by DescribeTableStatistics, kept across restarts.
 */
import type { TableStats } from '../../engine/ports.js';
import type { ScopeKey } from '../../store/resource-repository.js';
import type { Repositories } from '../repositories.js';
import { tableStatsKey, type TableStatsRecord } from './record.js';

export function upsertTableStatistics(repos: Repositories, scope: ScopeKey, taskArn: string, runId: number, stats: readonly TableStats[]): TableStatsRecord[] {
  const previous: TableStatsRecord[] = [];
  for (const s of stats) {
    const key = tableStatsKey(taskArn, s.schemaName, s.tableName);
    const record: TableStatsRecord = {
      arn: key,
      identifier: key,
      taskArn,
      runId,
      schemaName: s.schemaName,
      tableName: s.tableName,
      state: s.state,
      fullLoadRows: s.fullLoadRows,
      fullLoadErrorRows: s.fullLoadErrorRows,
      truncatedLobValues: s.truncatedLobValues,
      estimatedRows: s.estimatedRows,
      ...(s.fullLoadStartTime ? { fullLoadStartTime: s.fullLoadStartTime.toISOString() } : {}),
      ...(s.fullLoadEndTime ? { fullLoadEndTime: s.fullLoadEndTime.toISOString() } : {}),
      reloaded: s.reloaded,
      lastUpdateTime: s.lastUpdateTime.toISOString(),
      ...(s.detail !== undefined ? { detail: s.detail } : {}),
      ...(s.inserts !== undefined ? { inserts: s.inserts, updates: s.updates ?? 0, deletes: s.deletes ?? 0, ddls: s.ddls ?? 0 } : {}),
    };
    const current = repos.tableStatistics.get(key);
    if (current) {
      previous.push(current);
      repos.tableStatistics.update(record);
    } else {
      repos.tableStatistics.insert(scope, record);
    }
  }
  return previous;
}

/** The task's tables, ordered by schema and table name. */
export function tableStatisticsOf(repos: Repositories, scope: ScopeKey, taskArn: string): TableStatsRecord[] {
  return repos.tableStatistics
    .list(scope)
    .filter((s) => s.taskArn === taskArn)
    .sort((a, b) => a.schemaName.localeCompare(b.schemaName) || a.tableName.localeCompare(b.tableName));
}

export function removeTableStatistics(repos: Repositories, scope: ScopeKey, taskArn: string): void {
  for (const s of tableStatisticsOf(repos, scope, taskArn)) repos.tableStatistics.delete(s.arn);
}
