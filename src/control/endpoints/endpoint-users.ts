/**
 * DMS refuses to delete an endpoint that a replication task uses (InvalidResourceStateFault).
 * Called inside the caller's transaction, so a task created concurrently is seen.
 */
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { invalidState } from '../shared/faults.js';
import type { EndpointRecord } from './record.js';

export function tasksUsingEndpoint(deps: ControlDeps, scope: Scope, endpoint: EndpointRecord): void {
  const users = deps.repos.tasks.list(scope).filter((t) => t.sourceEndpointArn === endpoint.arn || t.targetEndpointArn === endpoint.arn);
  if (users.length > 0) {
    throw invalidState(`Endpoint ${endpoint.identifier} is used by replication task(s) ${users.map((t) => t.identifier).join(', ')}; delete the tasks first.`);
  }
}
