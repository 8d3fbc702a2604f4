/**
 * A premigration assessment run and its individual assessments as OpenDMS stores them: one
 * record per run (kind `assessment-run`), the individual assessments inside it, so that a run
 * and its parts change in one write and disappear together (DeleteReplicationTaskAssessmentRun).
 */
import type { IndividualStatus } from '../../assessment/types.js';

/**
 * The statuses of a run, as DMS spells them. `cancelled` is the end of `cancelling`; DMS's
 * `invalid state` is never used: every status OpenDMS shows is one of its lifecycle.
 */
export type RunStatus =
  | 'starting' | 'provisioning' | 'running' | 'cancelling' | 'cancelled'
  | 'passed' | 'warning' | 'failed' | 'error-provisioning' | 'error-executing' | 'deleting';

export interface IndividualRecord {
  readonly arn: string;
  /** The DMS API key of the assessment (`unsupported-data-types-in-source`, `mysql-check-binlog-format` ...). */
  readonly name: string;
  readonly status: IndividualStatus;
  /** When it began running (ReplicationTaskIndividualAssessmentStartDate). */
  readonly startedAt?: string;
  /** The result's one-sentence summary, once it ended. */
  readonly summary?: string;
}

export type EncryptionMode = 'SSE_S3' | 'SSE_KMS';

export interface AssessmentRunRecord {
  readonly arn: string;
  /**
   * `<task arn>|<run name>`: the store's unique identifier per scope makes AssessmentRunName
   * unique per task. Runs of the older data-type assessment use `legacy:<task arn>|<name>`.
   */
  readonly identifier: string;
  readonly name: string;
  readonly taskArn: string;
  /** The task's instance when the run started (the `replication-instance-arn` filter). */
  readonly instanceArn: string;
  readonly status: RunStatus;
  readonly createdAt: string;
  /** When the individual assessments began running, and when the run ended. */
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly serviceAccessRoleArn: string;
  readonly bucket: string;
  /** ResultLocationFolder as given (echoed); `prefix` is where the files go. */
  readonly folder?: string;
  /** `<folder>/<run name>` without leading or trailing slashes: the key prefix of the result files. */
  readonly prefix: string;
  readonly encryptionMode?: EncryptionMode;
  readonly kmsKeyArn?: string;
  readonly lastFailureMessage?: string;
  readonly individuals: readonly IndividualRecord[];
  /** Where the written files are (file:// or https://), once written: summary.json and report.md. */
  readonly summaryUrl?: string;
  /** A run of the older StartReplicationTaskAssessment (data types only): invisible to the run API. */
  readonly legacy?: true;
  /** Legacy runs: the key and URL of the result file DescribeReplicationTaskAssessmentResults reports. */
  readonly legacyResult?: { readonly key: string; readonly url: string };
}

export const runIdentifier = (taskArn: string, name: string, legacy = false): string => `${legacy ? 'legacy:' : ''}${taskArn}|${name}`;

/** Statuses in which the run's work is under way (it cannot be deleted, the task shows `testing`). */
export const activeRunStatuses: readonly RunStatus[] = ['starting', 'provisioning', 'running', 'cancelling'];

/** Individual statuses that are an end. */
export const finishedIndividual = (s: IndividualStatus): boolean => s !== 'pending' && s !== 'running';
