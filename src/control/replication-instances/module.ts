/** Replication instances, their catalogue (classes, engine versions) and maintenance, wired by app.ts. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { SubnetGroupService } from '../subnet-groups/subnet-group-service.js';
import { replicationInstanceHandlers, type TaskLogSizes } from './handlers.js';
import { InstanceService } from './instance-service.js';
import { InstanceSteps } from './instance-steps.js';
import { MaintenanceService } from './maintenance-service.js';

export function replicationInstanceModule(deps: ControlDeps, shared: { subnetGroups: SubnetGroupService; taskLogs: TaskLogSizes }): HandlerTable {
  const steps = new InstanceSteps(deps);
  // Registered before app.ts starts the scheduler, so steps due during a restart find their handler.
  steps.register();
  const instances = new InstanceService(deps, shared.subnetGroups, steps);
  return replicationInstanceHandlers(instances, new MaintenanceService(deps, instances, steps), shared.taskLogs);
}
