/** Data providers: CreateDataProvider, ModifyDataProvider, DeleteDataProvider, DescribeDataProviders. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { DataProviderService } from './data-provider-service.js';
import { dataProviderHandlers } from './handlers.js';

export function dataProviderModule(deps: ControlDeps): HandlerTable {
  return dataProviderHandlers(new DataProviderService(deps));
}
