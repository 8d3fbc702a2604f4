/** Connections (TestConnection, DescribeConnections, DeleteConnection), wired by app.ts. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import type { Connectors } from '../../connectors/registry.js';
import { ConnectionService } from './connection-service.js';
import { connectionTests } from './connection-tests.js';
import { connectionHandlers } from './handlers.js';

export function connectionModule(deps: ControlDeps, shared: { connectors: Connectors }): HandlerTable {
  return connectionHandlers(new ConnectionService(deps, connectionTests(deps, shared.connectors)));
}
