/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toReplicationSubnetGroup } from './subnet-group-mapper.js';
import type { SubnetGroupService } from './subnet-group-service.js';

export function subnetGroupHandlers(service: SubnetGroupService): HandlerTable {
  return {
    CreateReplicationSubnetGroup: (input, { scope }) => ({
      ReplicationSubnetGroup: toReplicationSubnetGroup(
        service.create(scope, {
          identifier: input.ReplicationSubnetGroupIdentifier,
          description: input.ReplicationSubnetGroupDescription,
          subnetIds: input.SubnetIds,
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    ModifyReplicationSubnetGroup: (input, { scope }) => ({
      ReplicationSubnetGroup: toReplicationSubnetGroup(
        service.modify(scope, input.ReplicationSubnetGroupIdentifier, {
          ...(input.ReplicationSubnetGroupDescription !== undefined ? { description: input.ReplicationSubnetGroupDescription } : {}),
          subnetIds: input.SubnetIds,
        }),
      ),
    }),
    DeleteReplicationSubnetGroup: (input, { scope }) => {
      service.delete(scope, input.ReplicationSubnetGroupIdentifier);
      return {};
    },
    DescribeReplicationSubnetGroups: (input, { scope }) => {
      const matched = applyFilters(service.list(scope), input.Filters, { 'replication-subnet-group-id': (g) => g.identifier }, 'DescribeReplicationSubnetGroups');
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('replication subnet groups');
      const page = paginate(matched, input, 'DescribeReplicationSubnetGroups');
      return { ReplicationSubnetGroups: page.items.map(toReplicationSubnetGroup), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}
