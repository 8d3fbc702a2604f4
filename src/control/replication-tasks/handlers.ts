/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { FilterInput } from '../shared/filters.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import type { TaskRecord } from './record.js';
import { tableStatisticsOf } from './table-statistics.js';
import { toReplicationTask, toTableStatistics } from './task-mapper.js';
import type { TaskRuns } from './task-runs.js';
import type { TaskService } from './task-service.js';
import type { ControlDeps } from '../deps.js';

/** DMS's bounds for DescribeTableStatistics: 100 by default, 20 to 500. */
const tableStatisticsPage = { min: 20, max: 500, default: 100 };

export function replicationTaskHandlers(deps: ControlDeps, service: TaskService, runs: TaskRuns): HandlerTable {
  const view = (t: TaskRecord, withoutSettings = false) =>
    toReplicationTask({ record: t, instanceIdentifier: service.instanceIdentifierOf(t) }, deps.clock.now(), withoutSettings);
  return {
    CreateReplicationTask: (input, { scope }) => ({ ReplicationTask: view(service.create(scope, input)) }),
    ModifyReplicationTask: (input, { scope }) => ({ ReplicationTask: view(service.modify(scope, input)) }),
    MoveReplicationTask: (input, { scope }) => ({ ReplicationTask: view(service.move(scope, input)) }),
    DeleteReplicationTask: (input, { scope }) => ({ ReplicationTask: view(runs.deleted(scope, service.delete(scope, input.ReplicationTaskArn))) }),
    StartReplicationTask: (input, { scope }) => ({ ReplicationTask: view(runs.start(scope, input)) }),
    StopReplicationTask: (input, { scope }) => ({ ReplicationTask: view(runs.stop(scope, input.ReplicationTaskArn)) }),
    ReloadTables: (input, { scope }) => ({ ReplicationTaskArn: runs.reload(scope, input) }),
    DescribeReplicationTasks: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        lowerIds(input.Filters),
        {
          'replication-task-arn': (t) => t.arn,
          'replication-task-id': (t) => t.identifier,
          'migration-type': (t) => t.migrationType,
          'endpoint-arn': (t) => [t.sourceEndpointArn, t.targetEndpointArn],
          'replication-instance-arn': (t) => t.instanceArn,
        },
        'DescribeReplicationTasks',
      );
      // DMS's wording; the ReplicationTaskDeleted waiter relies on this fault.
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Tasks');
      const page = paginate(matched, input, 'DescribeReplicationTasks');
      return { ReplicationTasks: page.items.map((t) => view(t, input.WithoutSettings === true)), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeTableStatistics: (input, { scope }) => {
      const t = service.get(scope, input.ReplicationTaskArn);
      const matched = applyFilters(
        tableStatisticsOf(deps.repos, scope, t.arn),
        input.Filters,
        { 'schema-name': (s) => s.schemaName, 'table-name': (s) => s.tableName, 'table-state': (s) => s.state },
        'DescribeTableStatistics',
      );
      const page = paginate(matched, input, `DescribeTableStatistics:${t.arn}`, tableStatisticsPage);
      return { ReplicationTaskArn: t.arn, TableStatistics: page.items.map(toTableStatistics), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

/** Task identifiers are stored lowercase; a filter by id matches whatever case it is given in. */
function lowerIds(filters: readonly FilterInput[] | undefined): FilterInput[] | undefined {
  return filters?.map((f) => (f.Name === 'replication-task-id' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f));
}
