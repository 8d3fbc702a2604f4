/**
 * The full ReplicationTaskSettings document a task gets when it names no settings, as
 * DescribeReplicationTasks returns it: every group, the documented defaults (the DMS User
 * Guide's task-settings pages), and null for the groups DMS leaves unset (TTS3Settings,
 * BeforeImageSettings, LoopbackPreventionSettings, CharacterSetSettings, PostProcessingRules).
 *
 * Where the guide and what DMS really returns differ, this follows what DMS returns (captured
 * documents in terraform-provider-aws #37780, #39756, #45376): TargetTablePrepMode
 * DROP_AND_CREATE for API-created tasks, FailOnNoTablesCaptured true, RecoverableErrorCount
 * -1, the lower-case `historyTimeslotInMinutes` duplicate, RecoveryTimeout and
 * DataMaskingErrorPolicy. Logging.CloudWatchLogGroup/Stream are filled by the server on
 * Describe (task-settings.ts).
 */

/** The DMS log components, in the order DMS lists them. */
export const logComponentIds = [
  'TRANSFORMATION', 'SOURCE_UNLOAD', 'IO', 'TARGET_LOAD', 'PERFORMANCE', 'SOURCE_CAPTURE', 'SORTER', 'REST_SERVER',
  'VALIDATOR_EXT', 'TARGET_APPLY', 'TASK_MANAGER', 'TABLES_MANAGER', 'METADATA_MANAGER', 'FILE_FACTORY', 'COMMON',
  'ADDONS', 'DATA_STRUCTURE', 'COMMUNICATION', 'FILE_TRANSFER',
] as const;

export const logSeverities = [
  'LOGGER_SEVERITY_DEFAULT', 'LOGGER_SEVERITY_ERROR', 'LOGGER_SEVERITY_WARNING', 'LOGGER_SEVERITY_INFO',
  'LOGGER_SEVERITY_DEBUG', 'LOGGER_SEVERITY_DETAILED_DEBUG',
] as const;

/** A fresh copy each time: callers merge into it. */
export function defaultTaskSettings(): Record<string, unknown> {
  return {
    TargetMetadata: {
      TargetSchema: '',
      SupportLobs: true,
      FullLobMode: false,
      LobChunkSize: 64,
      LimitedSizeLobMode: true,
      LobMaxSize: 32,
      InlineLobMaxSize: 0,
      LoadMaxFileSize: 0,
      ParallelLoadThreads: 0,
      ParallelLoadBufferSize: 0,
      ParallelLoadQueuesPerThread: 1,
      ParallelApplyThreads: 0,
      ParallelApplyBufferSize: 100,
      ParallelApplyQueuesPerThread: 1,
      BatchApplyEnabled: false,
      TaskRecoveryTableEnabled: false,
    },
    FullLoadSettings: {
      TargetTablePrepMode: 'DROP_AND_CREATE',
      CreatePkAfterFullLoad: false,
      StopTaskCachedChangesApplied: false,
      StopTaskCachedChangesNotApplied: false,
      MaxFullLoadSubTasks: 8,
      TransactionConsistencyTimeout: 600,
      CommitRate: 10000,
    },
    TTSettings: {
      EnableTT: false,
      TTS3Settings: null,
      TTRecordSettings: null,
    },
    Logging: {
      EnableLogging: false,
      EnableLogContext: false,
      LogComponents: logComponentIds.map((Id) => ({ Id, Severity: 'LOGGER_SEVERITY_DEFAULT' })),
      CloudWatchLogGroup: null,
      CloudWatchLogStream: null,
    },
    ControlTablesSettings: {
      ControlSchema: '',
      HistoryTimeslotInMinutes: 5,
      historyTimeslotInMinutes: 5,
      HistoryTableEnabled: false,
      SuspendedTablesTableEnabled: false,
      StatusTableEnabled: false,
      FullLoadExceptionTableEnabled: false,
      CommitPositionTableEnabled: false,
    },
    StreamBufferSettings: {
      StreamBufferCount: 3,
      StreamBufferSizeInMB: 8,
      CtrlStreamBufferSizeInMB: 5,
    },
    ChangeProcessingTuning: {
      BatchApplyPreserveTransaction: true,
      BatchApplyTimeoutMin: 1,
      BatchApplyTimeoutMax: 30,
      BatchApplyMemoryLimit: 500,
      BatchSplitSize: 0,
      MinTransactionSize: 1000,
      CommitTimeout: 1,
      MemoryLimitTotal: 1024,
      MemoryKeepTime: 60,
      StatementCacheSize: 50,
      RecoveryTimeout: -1,
    },
    ChangeProcessingDdlHandlingPolicy: {
      HandleSourceTableDropped: true,
      HandleSourceTableTruncated: true,
      HandleSourceTableAltered: true,
    },
    ErrorBehavior: {
      DataErrorPolicy: 'LOG_ERROR',
      DataTruncationErrorPolicy: 'LOG_ERROR',
      DataMaskingErrorPolicy: 'STOP_TASK',
      DataErrorEscalationPolicy: 'SUSPEND_TABLE',
      DataErrorEscalationCount: 0,
      TableErrorPolicy: 'SUSPEND_TABLE',
      TableErrorEscalationPolicy: 'STOP_TASK',
      TableErrorEscalationCount: 0,
      RecoverableErrorCount: -1,
      RecoverableErrorInterval: 5,
      RecoverableErrorThrottling: true,
      RecoverableErrorThrottlingMax: 1800,
      RecoverableErrorStopRetryAfterThrottlingMax: true,
      ApplyErrorDeletePolicy: 'IGNORE_RECORD',
      ApplyErrorInsertPolicy: 'LOG_ERROR',
      ApplyErrorUpdatePolicy: 'LOG_ERROR',
      ApplyErrorEscalationPolicy: 'LOG_ERROR',
      ApplyErrorEscalationCount: 0,
      ApplyErrorFailOnTruncationDdl: false,
      FullLoadIgnoreConflicts: true,
      FailOnTransactionConsistencyBreached: false,
      FailOnNoTablesCaptured: true,
      EventErrorPolicy: 'IGNORE',
    },
    ValidationSettings: {
      EnableValidation: false,
      ValidationMode: 'ROW_LEVEL',
      ThreadCount: 5,
      PartitionSize: 10000,
      FailureMaxCount: 10000,
      TableFailureMaxCount: 1000,
      RecordFailureDelayInMinutes: 5,
      RecordSuspendDelayInMinutes: 30,
      RecordFailureDelayLimitInMinutes: 0,
      MaxKeyColumnSize: 8096,
      ValidationOnly: false,
      HandleCollationDiff: false,
      SkipLobColumns: false,
      ValidationPartialLobSize: 0,
      ValidationQueryCdcDelaySeconds: 0,
    },
    BeforeImageSettings: null,
    LoopbackPreventionSettings: null,
    CharacterSetSettings: null,
    PostProcessingRules: null,
    FailTaskWhenCleanTaskResourceFailed: false,
    // OpenDMS's addition: after the full load, create the source's secondary indexes, unique
    // constraints, foreign keys and identities on the target (DMS leaves them to its users).
    OpenDmsSettings: {
      CreateSecondaryObjectsAfterFullLoad: false,
    },
  };
}
