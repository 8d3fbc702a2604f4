/**
 * The rules of StartReplicationTaskAssessmentRun's members that the model states only in prose,
 * checked before anything is looked up: the result location, the role, the encryption and the
 * choice of individual assessments.
 */
import type { StartReplicationTaskAssessmentRunMessage } from '../../api/generated/shapes.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import { checkRoleArn } from '../migration-projects/project-attributes.js';
import type { EncryptionMode } from './record.js';

export interface RunLocation {
  readonly bucket: string;
  readonly folder?: string;
  /** `<folder>/<run name>`: the key prefix of the run's files. */
  readonly prefix: string;
  readonly encryptionMode?: EncryptionMode;
  readonly kmsKeyArn?: string;
}

const bucketRe = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const kmsKeyArnRe = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
const maxRunName = 255;

/** The run name is a folder of the result location: it must be usable as one. */
export function checkRunName(name: string): string {
  if (name.length < 1 || name.length > maxRunName || name.trim() !== name || /[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') {
    throw invalidParameter(
      `AssessmentRunName '${name}' is not valid: it names the folder of the run's result files, so give 1 to ${maxRunName} characters without slashes, control characters or surrounding spaces.`,
    );
  }
  return name;
}

export function checkLocation(input: Pick<StartReplicationTaskAssessmentRunMessage, 'ResultLocationBucket' | 'ResultLocationFolder' | 'ResultEncryptionMode' | 'ResultKmsKeyArn'>, runName: string): RunLocation {
  const bucket = input.ResultLocationBucket;
  if (!bucketRe.test(bucket) || bucket.includes('..')) {
    throw invalidParameter(
      `ResultLocationBucket '${bucket}' is not an S3 bucket name: give the bucket's name alone (3 to 63 lower-case letters, digits, dots and hyphens, e.g. my-dms-results), and the folder in ResultLocationFolder.`,
    );
  }
  const folder = input.ResultLocationFolder;
  const trimmed = (folder ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed.split('/').some((seg) => seg === '..' || seg === '.') || /[\\\u0000-\u001f]/.test(trimmed)) {
    throw invalidParameter(`ResultLocationFolder '${folder}' is not valid: give a folder path inside the bucket, without '.' or '..' segments, backslashes or control characters.`);
  }
  const mode = input.ResultEncryptionMode;
  if (mode !== undefined && mode !== 'SSE_S3' && mode !== 'SSE_KMS') {
    throw invalidParameter(`ResultEncryptionMode '${mode}' is not valid: give SSE_S3 or SSE_KMS, or leave it out to store the results without encryption.`);
  }
  const key = input.ResultKmsKeyArn;
  if (mode === 'SSE_KMS' && key === undefined) {
    throw invalidCombination('ResultEncryptionMode SSE_KMS needs ResultKmsKeyArn: give the ARN of the KMS key that encrypts the results (arn:aws:kms:<region>:<account>:key/<key id>).');
  }
  if (key !== undefined && mode !== 'SSE_KMS') {
    throw invalidCombination(`ResultKmsKeyArn applies only with ResultEncryptionMode SSE_KMS (given: ${mode ?? 'none'}); set ResultEncryptionMode to SSE_KMS or leave the key out.`);
  }
  if (key !== undefined && !kmsKeyArnRe.test(key)) {
    throw invalidParameter(`ResultKmsKeyArn '${key}' is not a KMS key ARN; key ARNs look like arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.`);
  }
  return {
    bucket,
    ...(folder !== undefined ? { folder } : {}),
    prefix: trimmed ? `${trimmed}/${runName}` : runName,
    ...(mode !== undefined ? { encryptionMode: mode } : {}),
    ...(key !== undefined ? { kmsKeyArn: key } : {}),
  };
}

export const checkServiceRole = (arn: string): string => checkRoleArn('ServiceAccessRoleArn', arn);

/**
 * The individual assessments a run runs: all that apply to the task, only those of IncludeOnly,
 * or all but those of Exclude. A name that does not apply is refused with the valid names.
 */
export function chooseAssessments(applicable: readonly string[], input: { readonly IncludeOnly?: readonly string[]; readonly Exclude?: readonly string[] }, taskId: string): string[] {
  const { IncludeOnly: include, Exclude: exclude } = input;
  if (include !== undefined && exclude !== undefined) {
    throw invalidCombination('IncludeOnly and Exclude cannot both be given: name the assessments to run in IncludeOnly, or the ones to leave out in Exclude.');
  }
  const given = include ?? exclude ?? [];
  const wrong = [...new Set(given.filter((n) => !applicable.includes(n)))];
  if (wrong.length > 0) {
    throw invalidParameter(
      `${include ? 'IncludeOnly' : 'Exclude'} names individual assessments that do not apply to replication task ${taskId}: ${wrong.join(', ')}. Valid names for this task: ${applicable.join(', ')}.`,
    );
  }
  const chosen = include ? applicable.filter((n) => include.includes(n)) : applicable.filter((n) => !(exclude ?? []).includes(n));
  if (chosen.length === 0) {
    throw invalidParameter(
      include
        ? 'IncludeOnly names no individual assessment: name at least one of the assessments that apply to the task (DescribeApplicableIndividualAssessments lists them).'
        : `No individual assessment applies to replication task ${taskId}${exclude?.length ? ' once Exclude is applied' : ''}: there is nothing to run.`,
    );
  }
  return chosen;
}
