/**
 * Checks of a migration project's members that are not references: the transformation rules'
 * JSON shape, the S3 location of SchemaConversionApplicationAttributes, IAM role ARNs.
 */
import { invalidParameter } from '../../common/errors.js';
import { parseS3Path } from '../../storage/object-store.js';

/**
 * TransformationRules must be a JSON object with a `rules` array (the format of DMS Schema
 * Conversion). The rules themselves are checked by the converter's parser, which the module
 * receives as `validateTransformationRules`.
 */
export function checkTransformationRulesShape(text: string): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw invalidParameter(`TransformationRules is not valid JSON (${(err as Error).message}); give a document such as {"rules": [...]}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Array.isArray((v as { rules?: unknown }).rules)) {
    throw invalidParameter('TransformationRules must be a JSON object with a "rules" array, such as {"rules": [{"rule-type": "transformation", ...}]}.');
  }
}

export function checkS3BucketPath(path: string): string {
  parseS3Path(path, 'SchemaConversionApplicationAttributes.S3BucketPath');
  return path;
}

const roleArnRe = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function checkRoleArn(member: string, arn: string): string {
  if (!roleArnRe.test(arn)) throw invalidParameter(`${member} '${arn}' is not an IAM role ARN; role ARNs look like arn:aws:iam::123456789012:role/my-role.`);
  return arn;
}
