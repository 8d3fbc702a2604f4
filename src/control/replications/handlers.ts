/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { FilterInput } from '../shared/filters.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toTableStatistics } from '../replication-tasks/task-mapper.js';
import { toReplication } from './replication-mapper.js';
import type { ReplicationService, ReplicationView } from './replication-service.js';

/** DMS's bounds for table statistics pages (as DescribeTableStatistics): 100 by default, 20 to 500. */
const tableStatisticsPage = { min: 20, max: 500, default: 100 };

export function replicationHandlers(deps: ControlDeps, service: ReplicationService): HandlerTable {
  const view = (v: ReplicationView) => toReplication(v, service, deps.clock.now());
  return {
    StartReplication: (input, { scope }) => ({ Replication: view(service.start(scope, input)) }),
    StopReplication: (input, { scope }) => ({ Replication: view(service.stop(scope, input.ReplicationConfigArn)) }),
    ReloadReplicationTables: (input, { scope }) => ({ ReplicationConfigArn: service.reload(scope, input) }),
    DescribeReplications: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        lowerIds(input.Filters),
        { 'replication-config-arn': (v) => v.config.arn, 'replication-config-id': (v) => v.config.identifier },
        'DescribeReplications',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('replications');
      const page = paginate(matched, input, 'DescribeReplications');
      return { Replications: page.items.map(view), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeReplicationTableStatistics: (input, { scope }) => {
      const { config, stats } = service.tableStatistics(scope, input.ReplicationConfigArn);
      const matched = applyFilters(
        stats,
        input.Filters,
        { 'schema-name': (s) => s.schemaName, 'table-name': (s) => s.tableName, 'table-state': (s) => s.state },
        'DescribeReplicationTableStatistics',
      );
      const page = paginate(matched, input, `DescribeReplicationTableStatistics:${config.arn}`, tableStatisticsPage);
      return { ReplicationConfigArn: config.arn, ReplicationTableStatistics: page.items.map(toTableStatistics), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

/** Config identifiers are stored lowercase; a filter by id matches whatever case it is given in. */
function lowerIds(filters: readonly FilterInput[] | undefined): FilterInput[] | undefined {
  return filters?.map((f) => (f.Name === 'replication-config-id' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f));
}
