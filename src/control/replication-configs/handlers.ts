/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { FilterInput } from '../shared/filters.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toReplicationConfig } from './config-mapper.js';
import type { ReplicationConfigService } from './config-service.js';

export function replicationConfigHandlers(service: ReplicationConfigService): HandlerTable {
  return {
    CreateReplicationConfig: (input, { scope }) => ({ ReplicationConfig: toReplicationConfig(service.create(scope, input)) }),
    ModifyReplicationConfig: (input, { scope }) => ({ ReplicationConfig: toReplicationConfig(service.modify(scope, input)) }),
    DeleteReplicationConfig: (input, { scope }) => ({ ReplicationConfig: toReplicationConfig(service.delete(scope, input.ReplicationConfigArn)) }),
    DescribeReplicationConfigs: (input, { scope }) => {
      // The filter names DMS documents for replication configs and their replications.
      const matched = applyFilters(
        service.list(scope),
        lowerIds(input.Filters),
        { 'replication-config-arn': (c) => c.arn, 'replication-config-id': (c) => c.identifier },
        'DescribeReplicationConfigs',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('replication configs');
      const page = paginate(matched, input, 'DescribeReplicationConfigs');
      return { ReplicationConfigs: page.items.map(toReplicationConfig), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

/** Config identifiers are stored lowercase; a filter by id matches whatever case it is given in. */
function lowerIds(filters: readonly FilterInput[] | undefined): FilterInput[] | undefined {
  return filters?.map((f) => (f.Name === 'replication-config-id' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f));
}
