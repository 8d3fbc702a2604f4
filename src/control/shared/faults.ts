/** The modelled faults every resource family raises, with messages that say what to do. */
import {
  InvalidResourceStateFault,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
} from '../../api/generated/errors.js';
import type { ResourceRecord, ResourceRepository, ScopeKey } from '../../store/resource-repository.js';

/** The record with this ARN in the caller's scope, or ResourceNotFoundFault naming what was looked for. */
export function requireByArn<T extends ResourceRecord>(repo: ResourceRepository<T>, scope: ScopeKey, arn: string, what: string): T {
  const found = repo.getInScope(scope, arn);
  if (!found) throw notFound(what, arn);
  return found;
}

export const notFound = (what: string, id: string): ResourceNotFoundFault =>
  new ResourceNotFoundFault(`${what} ${id} not found. Check the ARN or identifier, and the region and account of your credentials.`);

/** DMS answers a Describe whose filters match nothing with this fault; the *Deleted waiters rely on it. */
export const noneMatch = (plural: string): ResourceNotFoundFault =>
  new ResourceNotFoundFault(`No ${plural} found matching provided filters`);

export const alreadyExists = (what: string, id: string, arn?: string): ResourceAlreadyExistsFault =>
  new ResourceAlreadyExistsFault(`${what} ${id} already exists. Choose another identifier, or delete the existing one first.`, arn ? { resourceArn: arn } : undefined);

export const invalidState = (message: string): InvalidResourceStateFault => new InvalidResourceStateFault(message);

export const quotaExceeded = (quota: string, max: number): ResourceQuotaExceededFault =>
  new ResourceQuotaExceededFault(`The quota ${quota} (${max}) is reached. Delete unused resources, or raise the quota in the OpenDMS configuration.`);
