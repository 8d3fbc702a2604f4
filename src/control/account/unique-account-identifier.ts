/**
 * DMS's UniqueAccountIdentifier: a short lowercase name, unique per account and region, that DMS
 * uses to name its artifacts (e.g. `cqahfbfy5xee`). Derived from the scope, so it is stable
 * across restarts without being stored.
 */
import { createHash } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

export function uniqueAccountIdentifier(scope: Scope): string {
  const digest = createHash('sha256').update(`opendms-account/${scope.account}/${scope.region}`).digest();
  let out = 'c';
  for (let i = 0; i < 11; i++) out += alphabet[digest[i]! & 31];
  return out;
}
