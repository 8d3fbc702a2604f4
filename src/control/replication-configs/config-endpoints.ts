/**
 * The endpoints of a replication config: they exist in the caller's scope, have the role the
 * member names, and are of an engine OpenDMS replicates between (the task engine's list,
 * `taskEngines`: serverless replications run on the task runtime).
 */
import type { Scope } from '../../api/dispatch.js';
import { invalidParameter } from '../../common/errors.js';
import { endpointWithRole } from '../endpoints/endpoint-role.js';
import type { EndpointRecord } from '../endpoints/record.js';
import type { Repositories } from '../repositories.js';
import { taskEngines } from '../replication-tasks/run-spec.js';

export function requireReplicationEndpoint(
  repos: Repositories,
  scope: Scope,
  endpoint: { readonly arn: string; readonly role: 'source' | 'target'; readonly member: 'SourceEndpointArn' | 'TargetEndpointArn' },
): EndpointRecord {
  const e = endpointWithRole(repos, scope, endpoint.arn, endpoint.role, endpoint.member, `${endpoint.member}: endpoint`);
  if (!taskEngines.includes(e.engineName)) {
    throw invalidParameter(
      `${endpoint.member} names endpoint ${e.identifier} of engine ${e.engineName}, which OpenDMS cannot replicate ${endpoint.role === 'source' ? 'from' : 'to'} yet; give a ${endpoint.role} endpoint of one of ${taskEngines.join(', ')}.`,
    );
  }
  return e;
}
