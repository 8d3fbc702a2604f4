/**
 * The endpoint and replication instance that TestConnection and RefreshSchemas name: both
 * must exist in the caller's scope, and the instance must be available to reach anything.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Repositories } from '../repositories.js';
import type { EndpointRecord } from '../endpoints/record.js';
import type { InstanceRecord } from '../replication-instances/record.js';
import { invalidState, requireByArn } from '../shared/faults.js';

export interface ConnectionPair {
  readonly endpoint: EndpointRecord;
  readonly instance: InstanceRecord;
}

export function endpointInScope(repos: Repositories, scope: Scope, endpointArn: string): EndpointRecord {
  return requireByArn(repos.endpoints, scope, endpointArn, 'Endpoint');
}

export function instanceInScope(repos: Repositories, scope: Scope, instanceArn: string): InstanceRecord {
  return requireByArn(repos.instances, scope, instanceArn, 'Replication instance');
}

/** Both resources, with the instance `available`; `action` names the operation in messages. */
export function usablePair(repos: Repositories, scope: Scope, endpointArn: string, instanceArn: string, action: string): ConnectionPair {
  const instance = instanceInScope(repos, scope, instanceArn);
  const endpoint = endpointInScope(repos, scope, endpointArn);
  if (instance.status !== 'available') {
    throw invalidState(
      `Replication instance ${instance.identifier} is ${instance.status}; ${action} needs it to be available. Wait until it is (for example with the ReplicationInstanceAvailable waiter) and try again.`,
    );
  }
  if (endpoint.status === 'deleting') throw invalidState(`Endpoint ${endpoint.identifier} is being deleted; ${action} cannot use it.`);
  return { endpoint, instance };
}
