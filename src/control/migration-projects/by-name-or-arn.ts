/**
 * Schema conversion resources (instance profiles, data providers, migration projects) are
 * named by "name or ARN" in every request and filter: one lookup for all three.
 */
import type { ResourceRecord, ResourceRepository, ScopeKey } from '../../store/resource-repository.js';
import { notFound } from '../shared/faults.js';

export function findByNameOrArn<T extends ResourceRecord>(repo: ResourceRepository<T>, scope: ScopeKey, id: string): T | undefined {
  return id.startsWith('arn:') ? repo.getInScope(scope, id) : repo.byIdentifier(scope, id);
}

/** The record, or ResourceNotFoundFault naming `what` and the id as given. */
export function requireByNameOrArn<T extends ResourceRecord>(repo: ResourceRepository<T>, scope: ScopeKey, id: string, what: string): T {
  const found = findByNameOrArn(repo, scope, id);
  if (!found) throw notFound(what, id);
  return found;
}

/** The name of a new resource created without one: the id at the end of its ARN (DMS generates one too). */
export function nameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}
