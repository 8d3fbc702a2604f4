/** An endpoint named by a member of a request (SourceEndpointArn, TargetEndpointArn) that must exist in the caller's scope and have that role. */
import type { Scope } from '../../api/dispatch.js';
import { invalidParameter } from '../../common/errors.js';
import type { Repositories } from '../repositories.js';
import { requireByArn } from '../shared/faults.js';
import type { EndpointRecord } from './record.js';

/** `what` names the missing resource in ResourceNotFoundFault's message. */
export function endpointWithRole(repos: Repositories, scope: Scope, arn: string, role: 'source' | 'target', member: string, what = 'Endpoint'): EndpointRecord {
  const e = requireByArn(repos.endpoints, scope, arn, what);
  if (e.endpointType !== role) {
    throw invalidParameter(`${member} names endpoint ${e.identifier}, which is a ${e.endpointType} endpoint; give a ${role} endpoint.`);
  }
  return e;
}
