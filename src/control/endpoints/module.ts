/** Endpoints: CreateEndpoint, ModifyEndpoint, DeleteEndpoint, DescribeEndpoints, DescribeEndpointTypes, DescribeEndpointSettings. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { EndpointService } from './endpoint-service.js';
import { endpointHandlers } from './handlers.js';

export function endpointModule(deps: ControlDeps): HandlerTable {
  return endpointHandlers(new EndpointService(deps));
}
