/**
 * DMS refuses to delete an endpoint that a replication task or a DMS Serverless replication
 * config uses (InvalidResourceStateFault). Called inside the caller's transaction, so a task or
 * config created concurrently is seen.
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
  const configs = deps.repos.replicationConfigs.list(scope).filter((c) => c.sourceEndpointArn === endpoint.arn || c.targetEndpointArn === endpoint.arn);
  if (configs.length > 0) {
    throw invalidState(`Endpoint ${endpoint.identifier} is used by replication config(s) ${configs.map((c) => c.identifier).join(', ')}; delete the configs first (DeleteReplicationConfig).`);
  }
}
