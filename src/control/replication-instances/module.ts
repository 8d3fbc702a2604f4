/** Handlers of this resource family, wired by app.ts. (Being built: registers nothing yet.) */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { SubnetGroupService } from '../subnet-groups/subnet-group-service.js';

export function replicationInstanceModule(_deps: ControlDeps, _shared: { subnetGroups: SubnetGroupService }): HandlerTable {
  return {};
}
