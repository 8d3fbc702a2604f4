/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toConnection } from './connection-mapper.js';
import type { ConnectionService } from './connection-service.js';

export function connectionHandlers(service: ConnectionService): HandlerTable {
  return {
    TestConnection: (input, { scope }) => ({
      Connection: toConnection(service.test(scope, input.EndpointArn, input.ReplicationInstanceArn)),
    }),
    DescribeConnections: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        { 'endpoint-arn': (c) => c.record.endpointArn, 'replication-instance-arn': (c) => c.record.instanceArn },
        'DescribeConnections',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('connections');
      const page = paginate(matched, input, 'DescribeConnections');
      return { Connections: page.items.map(toConnection), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DeleteConnection: (input, { scope }) => ({
      Connection: toConnection(service.delete(scope, input.EndpointArn, input.ReplicationInstanceArn)),
    }),
  };
}
