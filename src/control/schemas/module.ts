/** Schema refreshes (RefreshSchemas, DescribeRefreshSchemasStatus, DescribeSchemas), wired by app.ts. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { Connectors } from '../../connectors/registry.js';
import { schemaHandlers } from './handlers.js';
import { schemaRefreshes } from './schema-refreshes.js';
import { SchemaService } from './schema-service.js';

export function schemaModule(deps: ControlDeps, shared: { connectors: Connectors }): HandlerTable {
  return schemaHandlers(new SchemaService(deps, schemaRefreshes(deps, shared.connectors)));
}
