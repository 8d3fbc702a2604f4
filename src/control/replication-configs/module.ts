/** DMS Serverless replication configs (create, modify, delete, describe), wired by app.ts. */
import type { HandlerTable, Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { SubnetGroupService } from '../subnet-groups/subnet-group-service.js';
import type { SubnetGroups } from './compute-config.js';
import { ReplicationConfigService } from './config-service.js';
import { replicationConfigHandlers } from './handlers.js';
import { noReplications, type ReplicationStates } from './replication-state.js';

export function replicationConfigModule(
  deps: ControlDeps,
  shared: { subnetGroups: SubnetGroupService; replications?: ReplicationStates },
): HandlerTable {
  const subnetGroups: SubnetGroups = {
    find: (scope: Scope, identifier: string) => deps.repos.subnetGroups.byIdentifier(scope, identifier.toLowerCase()),
    ensureDefault: (scope: Scope) => shared.subnetGroups.ensureDefault(scope),
  };
  // The replications module (app.ts) passes its statuses here.
  return replicationConfigHandlers(new ReplicationConfigService(deps, subnetGroups, shared.replications ?? noReplications));
}
