/** DMS ARNs: arn:aws:dms:<region>:<account>:<type>:<id>, and the ResourceIdentifier rules. */
import { invalidParameter } from '../../common/errors.js';
import { resourceId } from '../../common/ids.js';
import type { Scope } from '../../api/dispatch.js';

export type ArnType =
  | 'rep' | 'endpoint' | 'task' | 'subgrp' | 'assessment-run' | 'individual-assessment' | 'es' | 'cert'
  | 'replication-config' | 'data-provider' | 'instance-profile' | 'migration-project' | 'data-migration';

export interface ParsedArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly type: string;
  readonly id: string;
}

const arnRe = /^arn:(aws[a-z-]*):dms:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/;

export function parseArn(arn: string): ParsedArn | undefined {
  const m = arnRe.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, account: m[3]!, type: m[4]!, id: m[5]! };
}

export function formatArn(scope: Scope, type: ArnType, id: string): string {
  return `arn:aws:dms:${scope.region}:${scope.account}:${type}:${id}`;
}

/**
 * The ARN for a new resource: the caller's ResourceIdentifier when given (checked against
 * DMS's rules), otherwise a generated upper-case base32 id.
 */
export function newArn(scope: Scope, type: ArnType, resourceIdentifier?: string): string {
  if (resourceIdentifier === undefined) return formatArn(scope, type, resourceId());
  if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(resourceIdentifier) || resourceIdentifier.endsWith('-') || resourceIdentifier.includes('--')) {
    throw invalidParameter(
      `ResourceIdentifier '${resourceIdentifier}' is not valid: it must be 1 to 31 ASCII letters, digits and hyphens, start with a letter, and neither end with a hyphen nor contain two consecutive hyphens.`,
    );
  }
  return formatArn(scope, type, resourceIdentifier);
}

/** True when the ARN names a resource of this scope (other accounts' resources are invisible). */
export function inScope(arn: string, scope: Scope): boolean {
  const p = parseArn(arn);
  return p !== undefined && p.account === scope.account && p.region === scope.region;
}
