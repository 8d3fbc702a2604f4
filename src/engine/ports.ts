/**
 * The boundary between the control plane and the data plane. Control starts and stops runs
 * through TaskEngine; the engine reports what happens through TaskReporter, which control
 * implements (so the engine never imports control). One run = one attempt of one task.
 */
import type { ConnectionParams, NeutralType, SchemaDdlDump, TableRef } from '../connectors/spi/index.js';

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';
export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** DMS's log severities, from least to most verbose. */
export type LogSeverity =
  | 'LOGGER_SEVERITY_ERROR'
  | 'LOGGER_SEVERITY_WARNING'
  | 'LOGGER_SEVERITY_INFO'
  | 'LOGGER_SEVERITY_DEFAULT'
  | 'LOGGER_SEVERITY_DEBUG'
  | 'LOGGER_SEVERITY_DETAILED_DEBUG';

/** The task settings the engine acts on, taken from the merged ReplicationTaskSettings. */
export interface EngineSettings {
  readonly targetSchema: string;
  readonly supportLobs: boolean;
  readonly fullLobMode: boolean;
  readonly lobChunkSizeKb: number;
  readonly limitedSizeLobMode: boolean;
  readonly lobMaxSizeKb: number;
  readonly targetTablePrepMode: 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD';
  readonly createPkAfterFullLoad: boolean;
  /**
   * OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad: once every table is loaded, create the
   * source's secondary indexes, unique constraints, foreign keys and identities on the target
   * (needs DROP_AND_CREATE). Absent = false, DMS's behaviour.
   */
  readonly createSecondaryObjectsAfterFullLoad?: boolean;
  readonly maxFullLoadSubTasks: number;
  readonly commitRate: number;
  /** full-load-and-cdc: stop once the full load is done, before applying the changes cached meanwhile (STOPPED_AFTER_FULL_LOAD). */
  readonly stopTaskCachedChangesNotApplied?: boolean;
  /** full-load-and-cdc: stop once the changes made during the full load are applied (STOPPED_AFTER_CACHED_EVENTS). */
  readonly stopTaskCachedChangesApplied?: boolean;
  /**
   * TargetMetadata.BatchApplyEnabled: each batch of captured transactions is reduced to its net
   * change per key (an insert then updates then a delete of one row apply as nothing) before it
   * is applied, in one target transaction as always. Absent = false (commit order, one change
   * per source change).
   */
  readonly batchApply?: boolean;
  /**
   * ChangeProcessingDdlHandlingPolicy: whether a source table dropped, truncated or altered
   * during change data capture is dropped, truncated or altered on the target. Absent = all
   * true (DMS's defaults).
   */
  readonly ddlHandling?: {
    readonly tableDropped: boolean;
    readonly tableTruncated: boolean;
    readonly tableAltered: boolean;
  };
  readonly logging: {
    readonly enabled: boolean;
    /** Severity per DMS component id (SOURCE_UNLOAD, TARGET_LOAD, TASK_MANAGER ...). */
    readonly components: Readonly<Record<string, LogSeverity>>;
  };
  readonly errorBehavior: {
    /** What a row the target refuses does: LOG_ERROR (skip it), SUSPEND_TABLE, STOP_TASK (IGNORE_RECORD skips silently). */
    readonly dataErrorPolicy: 'IGNORE_RECORD' | 'LOG_ERROR' | 'SUSPEND_TABLE' | 'STOP_TASK';
    readonly dataTruncationErrorPolicy: 'IGNORE_RECORD' | 'LOG_ERROR' | 'SUSPEND_TABLE' | 'STOP_TASK';
    /** After this many data errors in a table (0 = never), escalate. */
    readonly dataErrorEscalationCount: number;
    readonly dataErrorEscalationPolicy: 'SUSPEND_TABLE' | 'STOP_TASK' | 'LOG_ERROR';
    /** A table that cannot be loaded at all (DDL refused, read fails): SUSPEND_TABLE or STOP_TASK. */
    readonly tableErrorPolicy: 'SUSPEND_TABLE' | 'STOP_TASK';
    readonly failOnNoTablesCaptured: boolean;
    /**
     * Change data capture reconnecting after a lost connection: how often (-1: without end),
     * the first wait in seconds, whether waits double (up to throttlingMaxSeconds), and
     * whether to give up once a wait reached that maximum. Absent: DMS's defaults.
     */
    readonly recoverable?: {
      readonly count: number;
      readonly intervalSeconds: number;
      readonly throttling: boolean;
      readonly throttlingMaxSeconds: number;
      readonly stopAfterThrottlingMax: boolean;
    };
  };
}

export interface EndpointSpec {
  /** The DMS engine name (postgres, aurora-postgresql, mysql, mariadb, aurora ...). */
  readonly engineName: string;
  readonly params: ConnectionParams;
}

export interface TaskRunSpec {
  readonly taskArn: string;
  readonly taskIdentifier: string;
  /** Increases with every start; reports of an older run are ignored. */
  readonly runId: number;
  readonly migrationType: MigrationType;
  readonly startType: StartType;
  readonly source: EndpointSpec;
  readonly target: EndpointSpec;
  /** The task's TableMappings, already validated by parseTableMappings. */
  readonly tableMappings: string;
  readonly settings: EngineSettings;
  /** resume-processing of a full load: tables a previous run completed (not loaded again). */
  readonly completedTables: readonly TableRef[];
  /** Where change data capture starts (migration types cdc and full-load-and-cdc). */
  readonly cdc?: CdcStart;
}

/**
 * Where a run's change data capture starts, most binding first: the task's checkpoint (the
 * last position a previous run applied and persisted; resume-processing), a native position
 * or a checkpoint string the user gave (CdcStartPosition), a time (CdcStartTime); none of
 * them: the source's current position, taken before the full load's snapshot.
 */
export interface CdcStart {
  readonly checkpoint?: string;
  readonly startPosition?: string;
  readonly startTime?: string;
  /** CdcStopPosition: `server_time:` / `commit_time:` and an ISO date (UTC). */
  readonly stopPosition?: string;
}

/** DMS's TableState strings. */
export type TableState =
  | 'Table does not exist'
  | 'Before load'
  | 'Full load'
  | 'Table completed'
  | 'Table cancelled'
  | 'Table error'
  | 'Table is being reloaded';

export interface TableStats {
  readonly schemaName: string;
  readonly tableName: string;
  readonly state: TableState;
  readonly fullLoadRows: number;
  /** Rows the source filters skipped is not counted by DMS; rows refused by the target are. */
  readonly fullLoadErrorRows: number;
  /** Values cut by limited LOB mode (OpenDMS's addition: DMS truncates silently). */
  readonly truncatedLobValues: number;
  readonly estimatedRows: number;
  readonly fullLoadStartTime?: Date;
  readonly fullLoadEndTime?: Date;
  readonly reloaded: boolean;
  readonly lastUpdateTime: Date;
  /** Why the table is in error or what was truncated, for DescribeTableStatistics users. */
  readonly detail?: string;
  /** Change data capture: row changes applied to the target (DMS Inserts/Updates/Deletes/Ddls; Applied* the same). */
  readonly inserts?: number;
  readonly updates?: number;
  readonly deletes?: number;
  readonly ddls?: number;
}

export interface TaskProgress {
  readonly fullLoadProgressPercent: number;
  readonly tablesLoaded: number;
  readonly tablesLoading: number;
  readonly tablesQueued: number;
  readonly tablesErrored: number;
  readonly fullLoadStartDate?: Date;
  readonly fullLoadFinishDate?: Date;
}

export type RunOutcome =
  | { readonly kind: 'stopped'; readonly stopReason: string }
  | { readonly kind: 'failed'; readonly stopReason: string; readonly message: string };

export interface TaskReporter {
  /** The run has its connections and plan: the task moves starting -> running. */
  running(taskArn: string, runId: number): void;
  /** Per-table statistics; called when a table changes state and periodically while it loads. */
  tables(taskArn: string, runId: number, stats: readonly TableStats[]): void;
  progress(taskArn: string, runId: number, progress: TaskProgress): void;
  /** The run ended: stopped (with DMS's Stop Reason string) or failed. */
  finished(taskArn: string, runId: number, outcome: RunOutcome): void;
  /**
   * Change data capture applied and committed everything up to `position` on the target:
   * persist it (synchronously) as the task's recovery checkpoint before the source is told.
   * `latencyMs`: source commit to target commit of the last transaction applied (for /metrics).
   */
  checkpoint(taskArn: string, runId: number, position: string, latencyMs?: number): void;
}

/**
 * What ReloadTables did to one table of a running full load:
 * - `reload`: it had been loaded (or ended in error): prepared again and loaded again;
 * - `restart`: it was loading: that load is cancelled and the table loaded again from scratch;
 * - `queued`: it had not started loading yet: it simply loads, as planned (not a reload).
 */
export interface ReloadedTable {
  readonly table: TableRef;
  readonly action: 'reload' | 'restart' | 'queued';
}

/**
 * The engine's answer to reloadTables: all tables accepted, or none (the request is refused
 * as a whole, so a caller never has to find out which half of it happened).
 */
export type ReloadTablesResult =
  | { readonly kind: 'accepted'; readonly tables: readonly ReloadedTable[] }
  /** No run of the task is loading tables now (not started, still connecting, or finishing). */
  | { readonly kind: 'not-running'; readonly message: string }
  /** Tables the run's plan (the task's selection rules on the source catalog) does not include. */
  | { readonly kind: 'not-in-task'; readonly tables: readonly TableRef[]; readonly message: string };

export interface TaskEngine {
  /** Starts a run in the background; its life is reported through the TaskReporter. */
  start(spec: TaskRunSpec): void;
  /** Asks a run to stop; resolves when it has stopped (reported with Stop Reason NORMAL). */
  stop(taskArn: string): Promise<void>;
  /**
   * ReloadTables: the named tables (source names, as the table statistics show them) are
   * loaded again within the running run, which reports its end only once they are done.
   * Synchronous: the tables' state is 'Table is being reloaded' when it returns.
   */
  reloadTables(taskArn: string, tables: readonly TableRef[]): ReloadTablesResult;
  /** True while a run of the task is in progress. */
  isRunning(taskArn: string): boolean;
  /**
   * The task is deleted: drops what change data capture created on its source (PostgreSQL:
   * the task's replication slot, which would otherwise hold WAL forever, and publications).
   */
  releaseCapture(task: { readonly taskIdentifier: string; readonly source: EndpointSpec }): Promise<void>;
  /** Stops every run (server shutdown) and waits for them. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Secondary objects after the full load (OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad)

/** One loaded table, as the run's plan has it. */
export interface SecondaryObjectsTable {
  readonly source: TableRef;
  readonly target: TableRef;
  /** The target columns loaded from source columns (added columns are not listed; removed ones are absent). */
  readonly columns: readonly { readonly source: string; readonly target: string; readonly targetType: NeutralType }[];
}

export interface SecondaryObjectsRequest {
  /** DMS engine names (postgres, aurora-postgresql, mysql, mariadb, aurora). */
  readonly sourceEngine: string;
  readonly targetEngine: string;
  /** The target server's version string, when known. */
  readonly targetVersion?: string;
  /** The source DDL of the loaded tables' schemas. */
  readonly sourceDdl: SchemaDdlDump;
  /** Every table of the full load (all completed). */
  readonly tables: readonly SecondaryObjectsTable[];
}

/**
 * One object to create on the target: its statements are applied together (one
 * applyDdl call: one transaction on PostgreSQL, one connection on MySQL), so an identity's
 * ALTER and its sequence move succeed or fail as one.
 */
export interface SecondaryObject {
  readonly kind: 'index' | 'unique' | 'foreign-key' | 'identity';
  /** For the task log: `index "film_title_idx" on "public"."film"`. */
  readonly object: string;
  readonly statements: readonly string[];
}

export interface SecondaryObjectsPlan {
  /** In the order to apply: unique constraints, indexes, identities, foreign keys. */
  readonly objects: readonly SecondaryObject[];
  /** Objects not created and why (a foreign key to a table outside the task, a removed column ...). */
  readonly notes: readonly string[];
}

/**
 * Turns the source DDL into the target's secondary objects. Control implements it with
 * schema conversion (the engine may not import it); pure, so it may throw on rules it
 * cannot apply (the run logs the message).
 */
export interface SecondaryObjectsPlanner {
  plan(req: SecondaryObjectsRequest): SecondaryObjectsPlan;
  /**
   * Before a run drops and creates its tables again: the foreign keys between the task's
   * target tables (as an earlier run created them), dropped first so that they do not stop
   * the drops. Foreign keys of tables outside the task are never touched.
   */
  foreignKeysToDrop(req: ForeignKeysToDropRequest): readonly { readonly object: string; readonly sql: string }[];
}

export interface ForeignKeysToDropRequest {
  /** The target DDL of the task's target schemas. */
  readonly targetDdl: SchemaDdlDump;
  /** The task's target tables. */
  readonly tables: readonly TableRef[];
}
