/**
 * Deleting an endpoint or an instance removes its connections (inside the caller's
 * transaction); deleting an endpoint also forgets its schema refresh, so that an endpoint
 * created later under the same ARN does not inherit a stale schema list.
 */
import type { Repositories } from '../repositories.js';
import type { ScopeKey } from '../../store/resource-repository.js';
import { schemaRefreshKey } from '../schemas/record.js';

export function removeConnectionsOf(repos: Repositories, scope: ScopeKey, of: { instanceArn?: string; endpointArn?: string }): number {
  let removed = 0;
  for (const c of repos.connections.list(scope)) {
    if ((of.instanceArn && c.instanceArn === of.instanceArn) || (of.endpointArn && c.endpointArn === of.endpointArn)) {
      repos.connections.delete(c.arn);
      removed++;
    }
  }
  if (of.endpointArn) repos.schemaRefreshes.delete(schemaRefreshKey(of.endpointArn));
  return removed;
}
