/**
 * HOOK for replication tasks: DMS refuses to delete an endpoint that a replication task uses
 * (InvalidResourceStateFault). OpenDMS has no replication tasks yet, so nothing can use an
 * endpoint and this check passes. When tasks are built, look them up here (inside the caller's
 * transaction) and throw invalidState naming the tasks, e.g.
 *   `Endpoint x is used by replication task(s) a, b; delete the tasks first.`
 */
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { EndpointRecord } from './record.js';

export function tasksUsingEndpoint(_deps: ControlDeps, _scope: Scope, _endpoint: EndpointRecord): void {
  // No replication tasks exist yet; see the comment above.
}
