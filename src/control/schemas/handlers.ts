/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import { paginate } from '../shared/pagination.js';
import { toRefreshSchemasStatus } from './schema-mapper.js';
import type { SchemaService } from './schema-service.js';

export function schemaHandlers(service: SchemaService): HandlerTable {
  return {
    RefreshSchemas: (input, { scope }) => ({
      RefreshSchemasStatus: toRefreshSchemasStatus(service.refresh(scope, input.EndpointArn, input.ReplicationInstanceArn)),
    }),
    DescribeRefreshSchemasStatus: (input, { scope }) => ({
      RefreshSchemasStatus: toRefreshSchemasStatus(service.status(scope, input.EndpointArn)),
    }),
    DescribeSchemas: (input, { scope }) => {
      const page = paginate(service.schemas(scope, input.EndpointArn), input, 'DescribeSchemas');
      return { Schemas: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}
