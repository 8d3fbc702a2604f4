/**
 * StartReplication's PremigrationAssessmentSettings: a premigration assessment run of the task
 * behind the replication, before its engine run. The settings are a JSON string with the keys
 * the model lists (ResultLocationFolder, ResultEncryptionMode, ResultKmsKeyArn, IncludeOnly,
 * Exclude, FailOnAssessmentFailure); they are checked with the same code as
 * StartReplicationTaskAssessmentRun's members (assessment-runs/run-input.ts), and the run is
 * made by the assessment-run service, in the serverless scope of the task behind the
 * replication (so DescribeReplicationTaskAssessmentRuns does not list it; the replication's
 * PremigrationAssessmentStatuses shows it). The results go to the bucket DMS Serverless keeps
 * for the account and region (`dms-<account>-<region>`, as for the data-type assessment).
 */
import type { Scope } from '../../api/dispatch.js';
import type { PremigrationAssessmentStatus } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import { dataTypeBucket } from '../assessment-runs/data-type-assessment.js';
import { activeRunStatuses, finishedIndividual, type AssessmentRunRecord, type RunStatus } from '../assessment-runs/record.js';
import { resultStatistic } from '../assessment-runs/run-mapper.js';
import { checkLocation, checkRunName, chooseAssessments } from '../assessment-runs/run-input.js';
import type { PremigrationAssessment } from './record.js';

export type { PremigrationAssessment };

const knownKeys = ['ResultLocationFolder', 'ResultEncryptionMode', 'ResultKmsKeyArn', 'IncludeOnly', 'Exclude', 'FailOnAssessmentFailure'] as const;

/** Run statuses that stop a replication whose settings say FailOnAssessmentFailure true. */
export const failingRunStatuses: readonly RunStatus[] = ['failed', 'error-provisioning', 'error-executing', 'cancelled'];

export const isActiveRun = (run: AssessmentRunRecord): boolean => activeRunStatuses.includes(run.status);

const names = (key: string, v: unknown): string[] | undefined => {
  if (v === undefined) return undefined;
  // The model documents a space-separated list; a JSON array of names is taken too.
  if (typeof v === 'string') return v.split(/[\s,]+/).filter((s) => s.length > 0);
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw invalidParameter(`PremigrationAssessmentSettings: ${key} must be a space-separated list of individual assessment names (e.g. "postgres-check-pk postgres-check-wal-level").`);
};

/**
 * Parses and checks the settings (everything that does not need the databases): the JSON, its
 * keys, FailOnAssessmentFailure, the result location and encryption (run-input.ts's rules), and
 * IncludeOnly/Exclude against the assessments that apply (run-input.ts's chooseAssessments).
 */
export function parsePremigrationSettings(
  text: string,
  ctx: { scope: Scope; configId: string; seq: number; now: Date; applicable: readonly string[] },
): PremigrationAssessment {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidParameter(`PremigrationAssessmentSettings is not valid JSON (${(err as Error).message}): give a JSON object such as {"FailOnAssessmentFailure": true, "Exclude": "..."}.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParameter('PremigrationAssessmentSettings must be a JSON object with the keys ResultLocationFolder, ResultEncryptionMode, ResultKmsKeyArn, IncludeOnly, Exclude and FailOnAssessmentFailure (all optional).');
  }
  const o = parsed as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(knownKeys as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw invalidParameter(`PremigrationAssessmentSettings has keys DMS does not know: ${unknown.join(', ')}. Valid keys: ${knownKeys.join(', ')}.`);
  }
  const fail = o['FailOnAssessmentFailure'];
  let failOnFailure = true;
  if (fail !== undefined) {
    if (typeof fail === 'boolean') failOnFailure = fail;
    else if (fail === 'true' || fail === 'false') failOnFailure = fail === 'true';
    else throw invalidParameter(`PremigrationAssessmentSettings: FailOnAssessmentFailure must be true or false (given: ${JSON.stringify(fail)}).`);
  }
  for (const k of ['ResultLocationFolder', 'ResultEncryptionMode', 'ResultKmsKeyArn'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') throw invalidParameter(`PremigrationAssessmentSettings: ${k} must be a string.`);
  }
  const stamp = ctx.now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = checkRunName(`premigration-${stamp}-${ctx.seq}`);
  const location = checkLocation(
    {
      ResultLocationBucket: dataTypeBucket(ctx.scope),
      ...(o['ResultLocationFolder'] !== undefined ? { ResultLocationFolder: o['ResultLocationFolder'] as string } : {}),
      ...(o['ResultEncryptionMode'] !== undefined ? { ResultEncryptionMode: o['ResultEncryptionMode'] as string } : {}),
      ...(o['ResultKmsKeyArn'] !== undefined ? { ResultKmsKeyArn: o['ResultKmsKeyArn'] as string } : {}),
    },
    name,
  );
  const includeOnly = names('IncludeOnly', o['IncludeOnly']);
  const exclude = names('Exclude', o['Exclude']);
  const selection = { ...(includeOnly ? { IncludeOnly: includeOnly } : {}), ...(exclude ? { Exclude: exclude } : {}) };
  // The same choice StartReplicationTaskAssessmentRun makes, checked now so a wrong name is refused at start.
  chooseAssessments(ctx.applicable, selection, `behind the replication of config ${ctx.configId}`);
  return { seq: ctx.seq, name, failOnFailure, ...(includeOnly ? { includeOnly } : {}), ...(exclude ? { exclude } : {}), location };
}

/** The reason a replication does not start: the run, its status and what failed. */
export function assessmentFailureMessage(a: PremigrationAssessment, run: AssessmentRunRecord): string {
  const failed = run.individuals.filter((i) => i.status === 'failed' || i.status === 'error').map((i) => i.name);
  return (
    `The premigration assessment run ${a.name} (${run.arn}) ended ${run.status}` +
    (failed.length > 0 ? `; failed individual assessments: ${failed.join(', ')}` : '') +
    (run.lastFailureMessage ? `. ${run.lastFailureMessage}` : '.') +
    ' The replication did not start because FailOnAssessmentFailure is true: fix what the assessment found and start it again, or start it with FailOnAssessmentFailure false.'
  );
}

/** One PremigrationAssessmentStatus of DescribeReplications. */
export function toPremigrationStatus(a: PremigrationAssessment, run: AssessmentRunRecord): PremigrationAssessmentStatus {
  return {
    PremigrationAssessmentRunArn: run.arn,
    FailOnAssessmentFailure: a.failOnFailure,
    Status: run.status,
    PremigrationAssessmentRunCreationDate: new Date(run.createdAt),
    AssessmentProgress: {
      IndividualAssessmentCount: run.individuals.length,
      IndividualAssessmentCompletedCount: run.individuals.filter((i) => finishedIndividual(i.status)).length,
    },
    ...(run.lastFailureMessage !== undefined ? { LastFailureMessage: run.lastFailureMessage } : {}),
    ResultLocationBucket: run.bucket,
    ...(run.folder !== undefined ? { ResultLocationFolder: run.folder } : {}),
    ...(run.encryptionMode !== undefined ? { ResultEncryptionMode: run.encryptionMode } : {}),
    ...(run.kmsKeyArn !== undefined ? { ResultKmsKeyArn: run.kmsKeyArn } : {}),
    ResultStatistic: resultStatistic(run.individuals),
  };
}
