/**
 * A DMS Serverless replication as OpenDMS stores it: one per replication config, created by its
 * first StartReplication. What runs is the task behind it (replication-tasks/serverless-tasks.ts);
 * this record holds what the task does not know: the serverless steps before the run, the
 * provisioned capacity and the dates DMS shows for replications.
 */
import type { StartType } from '../../engine/ports.js';

/** The steps a start walks through before the engine run (DMS Serverless's statuses, in order). */
export const preRunStages = [
  'initializing',
  'preparing_metadata_resources',
  'testing_connection',
  'fetching_metadata',
  'calculating_capacity',
  'provisioning_capacity',
  'replication_starting',
] as const;
export type PreRunStage = (typeof preRunStages)[number];

/**
 * Where the replication is: a pre-run step, `run` (the status follows the task's run), or
 * `stopped` / `failed` when a start ended before its run began.
 */
export type ReplicationStage = PreRunStage | 'run' | 'stopped' | 'failed';

export interface Provisioning {
  readonly units: number;
  /** ISO 8601. */
  readonly dateProvisioned: string;
  /** What the capacity was computed from, for ReasonForNewProvisioningData-style messages in the log. */
  readonly basis: string;
  /** The source's table data the capacity was computed from (bytes, catalog estimate). */
  readonly sourceBytes?: number;
}

/** The change rate observed while the replication runs (capacity re-evaluation). */
export interface ChangeRate {
  /** The run the count belongs to (the task's runId): a new run starts a new count. */
  readonly runId: number;
  /** Row changes applied so far in the run (the table statistics' inserts, updates, deletes, DDLs). */
  readonly changes: number;
  /** ISO 8601: when `changes` was read. */
  readonly at: string;
  /** Changes per second between the two last reads, once there were two. */
  readonly perSecond?: number;
  /** The highest `perSecond` of the run: what the capacity is computed for (a burst must fit). */
  readonly peakPerSecond?: number;
}

/** A capacity other than the provisioned one, computed while running (IsNewProvisioningAvailable). */
export interface NewProvisioning {
  readonly units: number;
  /** ISO 8601 (DateNewProvisioningDataAvailable). */
  readonly date: string;
  /** ReasonForNewProvisioningData. */
  readonly reason: string;
}

/** The premigration assessment of one start, as the replication record keeps it. */
export interface PremigrationAssessment {
  /** The start it belongs to (ReplicationRecord.startSeq). */
  readonly seq: number;
  /** The run's AssessmentRunName (unique per task): `premigration-<yyyymmddhhmmss>-<seq>`. */
  readonly name: string;
  readonly failOnFailure: boolean;
  readonly includeOnly?: readonly string[];
  readonly exclude?: readonly string[];
  /** Where its results go (assessment-runs/run-input.ts's RunLocation). */
  readonly location: {
    readonly bucket: string;
    readonly folder?: string;
    readonly prefix: string;
    readonly encryptionMode?: 'SSE_S3' | 'SSE_KMS';
    readonly kmsKeyArn?: string;
  };
  /** The run, once started. */
  readonly runArn?: string;
  /** Set once the run ended and the start went on (or ended because of it). */
  readonly settled?: true;
}

export interface ReplicationRecord {
  /** `<config ARN>/replication`: the resources table keys every record by ARN. */
  readonly arn: string;
  /** The config's ARN (stable across renames of the config). */
  readonly identifier: string;
  readonly configArn: string;
  /** The task behind the replication. */
  readonly taskArn: string;
  readonly stage: ReplicationStage;
  /** Counts starts: a step scheduled for an earlier start does nothing. */
  readonly startSeq: number;
  readonly startType: StartType;
  readonly cdcStartTime?: string;
  readonly cdcStartPosition?: string;
  readonly cdcStopPosition?: string;
  readonly provisioning?: Provisioning;
  /** The change rate last observed (kept across starts: the next start provisions for it). */
  readonly changeRate?: ChangeRate;
  /** Set while running when the workload needs another capacity; applies at the next start. */
  readonly newProvisioning?: NewProvisioning;
  /**
   * The premigration assessments of its starts (PremigrationAssessmentSettings), oldest first;
   * the one whose `seq` is `startSeq` belongs to the current start and runs in fetching_metadata.
   */
  readonly assessments?: readonly PremigrationAssessment[];
  /** Why a start failed before its run (the run's own failures are the task's LastFailureMessage). */
  readonly failureMessage?: string;
  readonly stopReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastStopTime?: string;
}

export const replicationArnOf = (configArn: string): string => `${configArn}/replication`;
