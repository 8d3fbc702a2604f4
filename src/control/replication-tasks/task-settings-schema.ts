/**
 * What each ReplicationTaskSettings member may hold: its type, its enum values or range. The
 * members are those of the DMS User Guide's task-settings pages plus the members DMS returns
 * (task-settings-defaults.ts). A member not listed here is refused, naming the closest one.
 */
import { logComponentIds, logSeverities } from './task-settings-defaults.js';

export type SettingSpec =
  | { readonly t: 'bool' }
  | { readonly t: 'int'; readonly min?: number; readonly max?: number }
  | { readonly t: 'str' }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  /** `fill`: the members a group DMS leaves null gets once something in it is set. */
  | { readonly t: 'group'; readonly members: Readonly<Record<string, SettingSpec>>; readonly fill?: Readonly<Record<string, unknown>> }
  /** `key`: lists merged item by item on that member (LogComponents by Id); others are replaced whole. */
  | { readonly t: 'list'; readonly of: SettingSpec; readonly key?: string }
  /** Kept as given (PostProcessingRules: its rules are S3 tagging rules OpenDMS does not act on). */
  | { readonly t: 'any' };

const bool = { t: 'bool' } as const;
const str = { t: 'str' } as const;
const int = (min = 0, max?: number): SettingSpec => ({ t: 'int', min, ...(max !== undefined ? { max } : {}) });
const oneOf = (...values: string[]): SettingSpec => ({ t: 'enum', values });
const group = (members: Record<string, SettingSpec>, fill?: Record<string, unknown>): SettingSpec => ({ t: 'group', members, ...(fill ? { fill } : {}) });

const recordPolicies = ['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK'];

export const taskSettingsSpec: SettingSpec = group({
  TargetMetadata: group({
    TargetSchema: str,
    SupportLobs: bool,
    FullLobMode: bool,
    LobChunkSize: int(1),
    LimitedSizeLobMode: bool,
    LobMaxSize: int(0),
    InlineLobMaxSize: int(0),
    LoadMaxFileSize: int(0),
    ParallelLoadThreads: int(0, 32),
    ParallelLoadBufferSize: int(0, 1000),
    ParallelLoadQueuesPerThread: int(0),
    ParallelApplyThreads: int(0, 32),
    ParallelApplyBufferSize: int(0),
    ParallelApplyQueuesPerThread: int(0),
    BatchApplyEnabled: bool,
    TaskRecoveryTableEnabled: bool,
  }),
  FullLoadSettings: group({
    TargetTablePrepMode: oneOf('DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD'),
    CreatePkAfterFullLoad: bool,
    StopTaskCachedChangesApplied: bool,
    StopTaskCachedChangesNotApplied: bool,
    MaxFullLoadSubTasks: int(1, 49),
    TransactionConsistencyTimeout: int(0),
    CommitRate: int(1, 50000),
  }),
  TTSettings: group({
    EnableTT: bool,
    TTS3Settings: group(
      {
        EncryptionMode: oneOf('SSE_S3', 'SSE_KMS'),
        ServerSideEncryptionKmsKeyId: str,
        ServiceAccessRoleArn: str,
        BucketName: str,
        BucketFolder: str,
        EnableDeletingFromS3OnTaskDelete: bool,
      },
      {},
    ),
    TTRecordSettings: group({ EnableRawData: bool, OperationsToLog: str, MaxRecordSize: int(0) }, {}),
  }),
  Logging: group({
    EnableLogging: bool,
    EnableLogContext: bool,
    DeleteTaskLogs: bool,
    LogComponents: {
      t: 'list',
      key: 'Id',
      // VALIDATOR is the name the guide also uses for VALIDATOR_EXT.
      of: group({ Id: oneOf(...logComponentIds, 'VALIDATOR'), Severity: oneOf(...logSeverities) }),
    },
    CloudWatchLogGroup: str,
    CloudWatchLogStream: str,
  }),
  ControlTablesSettings: group({
    ControlSchema: str,
    HistoryTimeslotInMinutes: int(1),
    historyTimeslotInMinutes: int(1),
    HistoryTableEnabled: bool,
    SuspendedTablesTableEnabled: bool,
    StatusTableEnabled: bool,
    FullLoadExceptionTableEnabled: bool,
    CommitPositionTableEnabled: bool,
  }),
  StreamBufferSettings: group({ StreamBufferCount: int(1), StreamBufferSizeInMB: int(1), CtrlStreamBufferSizeInMB: int(1) }),
  ChangeProcessingTuning: group({
    BatchApplyPreserveTransaction: bool,
    BatchApplyTimeoutMin: int(0),
    BatchApplyTimeoutMax: int(0),
    BatchApplyMemoryLimit: int(0),
    BatchSplitSize: int(0),
    MinTransactionSize: int(0),
    CommitTimeout: int(0),
    MemoryLimitTotal: int(0),
    MemoryKeepTime: int(0),
    StatementCacheSize: int(0),
    RecoveryTimeout: int(-1),
  }),
  ChangeProcessingDdlHandlingPolicy: group({ HandleSourceTableDropped: bool, HandleSourceTableTruncated: bool, HandleSourceTableAltered: bool }),
  ErrorBehavior: group({
    DataErrorPolicy: oneOf(...recordPolicies),
    DataTruncationErrorPolicy: oneOf(...recordPolicies),
    DataMaskingErrorPolicy: oneOf(...recordPolicies),
    DataErrorEscalationPolicy: oneOf('SUSPEND_TABLE', 'STOP_TASK', 'LOG_ERROR'),
    DataErrorEscalationCount: int(0),
    TableErrorPolicy: oneOf('SUSPEND_TABLE', 'STOP_TASK'),
    TableErrorEscalationPolicy: oneOf('STOP_TASK'),
    TableErrorEscalationCount: int(0),
    RecoverableErrorCount: int(-1),
    RecoverableErrorInterval: int(0),
    RecoverableErrorThrottling: bool,
    RecoverableErrorThrottlingMax: int(0),
    RecoverableErrorStopRetryAfterThrottlingMax: bool,
    ApplyErrorDeletePolicy: oneOf(...recordPolicies),
    ApplyErrorInsertPolicy: oneOf(...recordPolicies, 'INSERT_RECORD'),
    ApplyErrorUpdatePolicy: oneOf(...recordPolicies, 'UPDATE_RECORD'),
    ApplyErrorEscalationPolicy: oneOf('LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK'),
    ApplyErrorEscalationCount: int(0),
    ApplyErrorFailOnTruncationDdl: bool,
    FullLoadIgnoreConflicts: bool,
    FailOnTransactionConsistencyBreached: bool,
    FailOnNoTablesCaptured: bool,
    EventErrorPolicy: oneOf('IGNORE', 'STOP_TASK'),
  }),
  ValidationSettings: group({
    EnableValidation: bool,
    ValidationMode: oneOf('ROW_LEVEL'),
    ThreadCount: int(1),
    PartitionSize: int(1),
    FailureMaxCount: int(0),
    TableFailureMaxCount: int(0),
    RecordFailureDelayInMinutes: int(0),
    RecordSuspendDelayInMinutes: int(0),
    RecordFailureDelayLimitInMinutes: int(0),
    MaxKeyColumnSize: int(1),
    ValidationOnly: bool,
    HandleCollationDiff: bool,
    SkipLobColumns: bool,
    ValidationPartialLobSize: int(0),
    ValidationQueryCdcDelaySeconds: int(0),
  }),
  BeforeImageSettings: group({ EnableBeforeImage: bool, FieldName: str, ColumnFilter: oneOf('pk-only', 'all') }, { EnableBeforeImage: false, FieldName: '', ColumnFilter: 'pk-only' }),
  LoopbackPreventionSettings: group({ EnableLoopbackPrevention: bool, SourceSchema: str, TargetSchema: str }, {}),
  CharacterSetSettings: group(
    {
      CharacterReplacements: { t: 'list', of: group({ SourceCharacterCodePoint: int(0), TargetCharacterCodePoint: int(0) }) },
      CharacterSetSupport: group({ CharacterSet: str, ReplaceWithCharacterCodePoint: int(0) }, {}),
    },
    {},
  ),
  PostProcessingRules: { t: 'any' },
  FailTaskWhenCleanTaskResourceFailed: bool,
  // OpenDMS's own settings (not DMS's): defaults keep DMS's behaviour.
  OpenDmsSettings: group({ CreateSecondaryObjectsAfterFullLoad: bool }),
});
