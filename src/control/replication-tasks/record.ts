/** A replication task and its per-table statistics as OpenDMS stores them. */
import type { MigrationType, StartType, TableStats } from '../../engine/ports.js';

export type TaskStatus =
  | 'creating' | 'ready' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed'
  | 'modifying' | 'moving' | 'failed-move' | 'deleting' | 'testing';

/** ReplicationTaskStats as of the last report (ISO 8601 dates). */
export interface TaskStats {
  readonly fullLoadProgressPercent: number;
  readonly tablesLoaded: number;
  readonly tablesLoading: number;
  readonly tablesQueued: number;
  readonly tablesErrored: number;
  /** When the last start-replication or reload-target run began (a start from scratch). */
  readonly freshStartDate?: string;
  /** When the current or last run began. */
  readonly startDate?: string;
  /** When the last run ended. */
  readonly stopDate?: string;
  readonly fullLoadStartDate?: string;
  readonly fullLoadFinishDate?: string;
}

export interface TaskRecord {
  readonly arn: string;
  /** Stored lowercase, as DMS does. */
  readonly identifier: string;
  readonly sourceEndpointArn: string;
  readonly targetEndpointArn: string;
  /** The replication instance; for the task behind a serverless replication, its replication config's ARN (no instance). */
  readonly instanceArn: string;
  /**
   * Set on the task that backs a DMS Serverless replication (serverless-tasks.ts): it lives in
   * a scope of its own, so DescribeReplicationTasks and the task operations never see it.
   */
  readonly replicationConfigArn?: string;
  readonly migrationType: MigrationType;
  /** As given (validated by parseTableMappings). */
  readonly tableMappings: string;
  /** The merged settings document (defaults + what was given), without the server-filled log names. */
  readonly settings: Record<string, unknown>;
  readonly cdcStartTime?: string;
  readonly cdcStartPosition?: string;
  readonly cdcStopPosition?: string;
  readonly taskData?: string;
  readonly status: TaskStatus;
  readonly stopReason?: string;
  readonly lastFailureMessage?: string;
  /** A CDC checkpoint; none until change data capture exists. */
  readonly recoveryCheckpoint?: string;
  /** 0 until the first start; every start adds one, and reports of older runs are ignored. */
  readonly runId: number;
  readonly lastStartType?: StartType;
  /** The status a modify or move returns to once it is done. */
  readonly returnStatus?: TaskStatus;
  /** Set while the task is `moving` (and after a failed move): the instance it is moving to. */
  readonly targetInstanceArn?: string;
  readonly stats?: TaskStats;
  readonly createdAt: string;
  /** When the last run was started (ReplicationTaskStartDate). */
  readonly startedAt?: string;
  readonly stoppedAt?: string;
}

/** What the engine last reported for one table of a task: its TableStats, dates as ISO strings. */
export interface TableStatsRecord extends Omit<TableStats, 'fullLoadStartTime' | 'fullLoadEndTime' | 'lastUpdateTime'> {
  /** Synthetic key (tableStatsKey): table statistics have no ARN in DMS. */
  readonly arn: string;
  readonly identifier: string;
  readonly taskArn: string;
  /** The run that reported these statistics. */
  readonly runId: number;
  readonly fullLoadStartTime?: string;
  readonly fullLoadEndTime?: string;
  readonly lastUpdateTime: string;
}

export const tableStatsKey = (taskArn: string, schema: string, table: string): string =>
  `table-statistics:${taskArn}|${JSON.stringify([schema, table])}`;
