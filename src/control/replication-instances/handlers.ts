/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable, Scope } from '../../api/dispatch.js';
import type { ResourcePendingMaintenanceActions } from '../../api/generated/shapes.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { engineVersions, orderableEngineVersions } from './engine-versions.js';
import { instanceClasses, regionZones } from './instance-classes.js';
import { toEngineVersion, toOrderable, toReplicationInstance } from './instance-mapper.js';
import type { InstanceService } from './instance-service.js';
import type { MaintenanceService } from './maintenance-service.js';
import type { InstanceRecord } from './record.js';

/** The sizes of task log files (the engine's task log store). */
export interface TaskLogSizes {
  size(taskArn: string): number | undefined;
}

export function replicationInstanceHandlers(service: InstanceService, maintenance: MaintenanceService, taskLogs: TaskLogSizes): HandlerTable {
  const view = (scope: Scope, r: InstanceRecord) => ({ ReplicationInstance: toReplicationInstance(r, service.groupOf(scope, r)) });
  return {
    CreateReplicationInstance: (input, { scope }) => view(scope, service.create(scope, input)),
    ModifyReplicationInstance: (input, { scope }) => view(scope, service.modify(scope, input)),
    RebootReplicationInstance: (input, { scope }) => view(scope, service.reboot(scope, input)),
    DeleteReplicationInstance: (input, { scope }) => view(scope, service.delete(scope, input.ReplicationInstanceArn)),
    DescribeReplicationInstances: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        {
          'replication-instance-arn': (r) => r.arn,
          'replication-instance-id': (r) => r.identifier,
          'replication-instance-class': (r) => r.instanceClass,
          'engine-version': (r) => r.engineVersion,
        },
        'DescribeReplicationInstances',
      );
      // The ReplicationInstanceDeleted waiter relies on this fault.
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('replication instances');
      const page = paginate(matched, input, 'DescribeReplicationInstances');
      return { ReplicationInstances: page.items.map((r) => toReplicationInstance(r, service.groupOf(scope, r))), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeOrderableReplicationInstances: (input, { scope }) => {
      const zones = regionZones(scope.region);
      const all = orderableEngineVersions().flatMap((v) => instanceClasses.map((c) => toOrderable(c, v, zones)));
      const page = paginate(all, input, 'DescribeOrderableReplicationInstances');
      return { OrderableReplicationInstances: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeEngineVersions: (input) => {
      const page = paginate(engineVersions, input, 'DescribeEngineVersions');
      return { EngineVersions: page.items.map(toEngineVersion), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribePendingMaintenanceActions: (input, { scope }) => {
      const candidates = input.ReplicationInstanceArn !== undefined ? [service.get(scope, input.ReplicationInstanceArn)] : service.list(scope);
      const matched = applyFilters(
        candidates,
        input.Filters,
        { 'replication-instance-arn': (r) => r.arn, 'replication-instance-id': (r) => r.identifier },
        'DescribePendingMaintenanceActions',
      );
      const views = matched.map((r) => maintenance.view(r)).filter((v): v is ResourcePendingMaintenanceActions => v !== undefined);
      const page = paginate(views, input, 'DescribePendingMaintenanceActions');
      return { PendingMaintenanceActions: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
    ApplyPendingMaintenanceAction: (input, { scope }) => ({
      ResourcePendingMaintenanceActions: maintenance.apply(scope, input.ReplicationInstanceArn, input.ApplyAction, input.OptInType),
    }),
    DescribeReplicationInstanceTaskLogs: (input, { scope }) => {
      const r = service.get(scope, input.ReplicationInstanceArn);
      // The instance's tasks that have written a log (a task writes one once it starts).
      const logs = service.tasksOf(scope, r).flatMap((t) => {
        const size = taskLogs.size(t.arn);
        return size === undefined ? [] : [{ ReplicationTaskName: t.identifier, ReplicationTaskArn: t.arn, ReplicationInstanceTaskLogSize: size }];
      });
      const page = paginate(logs, input, `DescribeReplicationInstanceTaskLogs:${r.arn}`);
      return { ReplicationInstanceArn: r.arn, ReplicationInstanceTaskLogs: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}
