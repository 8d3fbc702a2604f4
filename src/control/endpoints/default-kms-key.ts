/**
 * The KMS key DMS uses when a request names none: the account's default `aws/dms` key, one per
 * account and region. OpenDMS derives a stable key ARN from the scope so that every endpoint
 * and certificate of a scope reports the same one, as on AWS.
 */
import { createHash } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';

export function defaultKmsKeyId(scope: Scope): string {
  const h = createHash('sha256').update(`aws/dms/${scope.account}/${scope.region}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `arn:aws:kms:${scope.region}:${scope.account}:key/${uuid}`;
}
