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
  /** Why a start failed before its run (the run's own failures are the task's LastFailureMessage). */
  readonly failureMessage?: string;
  readonly stopReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastStopTime?: string;
}

export const replicationArnOf = (configArn: string): string => `${configArn}/replication`;
