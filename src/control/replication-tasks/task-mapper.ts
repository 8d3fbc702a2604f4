/** Replication task and table statistics records -> AWS shapes. */
import type { ReplicationTask, ReplicationTaskStats, TableStatistics } from '../../api/generated/shapes.js';
import type { TableStatsRecord, TaskRecord, TaskStats } from './record.js';
import { describedSettings } from './task-settings.js';

export interface TaskView {
  readonly record: TaskRecord;
  /** The current identifier of the task's instance, for the server-filled log group name. */
  readonly instanceIdentifier: string;
}

const date = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));
const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> => (v === undefined ? {} : ({ [key]: v } as Record<K, V>));

/** ReplicationTaskStats (also DMS Serverless's ReplicationStats, which has the same members). */
export function toStats(s: TaskStats, now: Date): ReplicationTaskStats {
  // Elapsed time of the current run, or of the last one once it ended.
  const elapsed = s.startDate ? Math.max(0, (s.stopDate ? new Date(s.stopDate).getTime() : now.getTime()) - new Date(s.startDate).getTime()) : 0;
  return {
    FullLoadProgressPercent: s.fullLoadProgressPercent,
    ElapsedTimeMillis: elapsed,
    TablesLoaded: s.tablesLoaded,
    TablesLoading: s.tablesLoading,
    TablesQueued: s.tablesQueued,
    TablesErrored: s.tablesErrored,
    ...opt('FreshStartDate', date(s.freshStartDate)),
    ...opt('StartDate', date(s.startDate)),
    ...opt('StopDate', date(s.stopDate)),
    ...opt('FullLoadStartDate', date(s.fullLoadStartDate)),
    ...opt('FullLoadFinishDate', date(s.fullLoadFinishDate)),
  };
}

/** `withoutSettings` (DescribeReplicationTasks WithoutSettings) leaves out ReplicationTaskSettings and TableMappings. */
export function toReplicationTask(v: TaskView, now: Date, withoutSettings = false): ReplicationTask {
  const t = v.record;
  return {
    ReplicationTaskIdentifier: t.identifier,
    SourceEndpointArn: t.sourceEndpointArn,
    TargetEndpointArn: t.targetEndpointArn,
    ReplicationInstanceArn: t.instanceArn,
    MigrationType: t.migrationType,
    ...(withoutSettings
      ? {}
      : { TableMappings: t.tableMappings, ReplicationTaskSettings: describedSettings(t.settings, { instanceIdentifier: v.instanceIdentifier, taskArn: t.arn }) }),
    Status: t.status,
    ...opt('LastFailureMessage', t.lastFailureMessage),
    ...opt('StopReason', t.stopReason),
    ReplicationTaskCreationDate: new Date(t.createdAt),
    ...opt('ReplicationTaskStartDate', date(t.startedAt)),
    ...opt('CdcStartPosition', t.cdcStartPosition ?? t.cdcStartTime),
    ...opt('CdcStopPosition', t.cdcStopPosition),
    ...opt('RecoveryCheckpoint', t.recoveryCheckpoint),
    ReplicationTaskArn: t.arn,
    ...(t.stats ? { ReplicationTaskStats: toStats(t.stats, now) } : {}),
    ...opt('TaskData', t.taskData),
    ...opt('TargetReplicationInstanceArn', t.targetInstanceArn),
  };
}

/**
 * Full-load statistics and the changes change data capture applied (OpenDMS counts a change
 * once it is applied, so Inserts and AppliedInserts are the same), and ValidationState is "Not enabled" because OpenDMS does not validate yet. OpenDMS's detail on
 * a table (LOB values limited LOB mode truncated, why a table failed) is written to the task
 * log (task-reporter.ts) and also returned in ValidationStateDetails, the one free-text member
 * of TableStatistics: DMS truncates LOBs silently, and a user reading the statistics must see it.
 */
export function toTableStatistics(s: TableStatsRecord): TableStatistics {
  return {
    SchemaName: s.schemaName,
    TableName: s.tableName,
    Inserts: s.inserts ?? 0,
    Deletes: s.deletes ?? 0,
    Updates: s.updates ?? 0,
    Ddls: s.ddls ?? 0,
    AppliedInserts: s.inserts ?? 0,
    AppliedDeletes: s.deletes ?? 0,
    AppliedUpdates: s.updates ?? 0,
    AppliedDdls: s.ddls ?? 0,
    FullLoadRows: s.fullLoadRows,
    FullLoadCondtnlChkFailedRows: 0,
    FullLoadErrorRows: s.fullLoadErrorRows,
    ...opt('FullLoadStartTime', date(s.fullLoadStartTime)),
    ...opt('FullLoadEndTime', date(s.fullLoadEndTime)),
    FullLoadReloaded: s.reloaded,
    LastUpdateTime: new Date(s.lastUpdateTime),
    TableState: s.state,
    ValidationPendingRecords: 0,
    ValidationFailedRecords: 0,
    ValidationSuspendedRecords: 0,
    ValidationState: 'Not enabled',
    ...opt('ValidationStateDetails', s.detail),
  };
}
