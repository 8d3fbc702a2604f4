/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { DataProviderSettings } from '../../api/generated/shapes.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toDataProvider } from './data-provider-mapper.js';
import type { DataProviderService, GivenSettings } from './data-provider-service.js';

export function dataProviderHandlers(service: DataProviderService): HandlerTable {
  return {
    CreateDataProvider: (input, { scope }) => ({
      DataProvider: toDataProvider(
        service.create(scope, {
          engine: input.Engine,
          settings: settingsOf(input.Settings),
          ...(input.DataProviderName !== undefined ? { name: input.DataProviderName } : {}),
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.Virtual !== undefined ? { virtual: input.Virtual } : {}),
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    ModifyDataProvider: (input, { scope }) => ({
      DataProvider: toDataProvider(
        service.modify(scope, input.DataProviderIdentifier, {
          ...(input.Settings !== undefined ? { settings: settingsOf(input.Settings) } : {}),
          ...(input.DataProviderName !== undefined ? { name: input.DataProviderName } : {}),
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.Engine !== undefined ? { engine: input.Engine } : {}),
          ...(input.Virtual !== undefined ? { virtual: input.Virtual } : {}),
          ...(input.ExactSettings !== undefined ? { exactSettings: input.ExactSettings } : {}),
        }),
      ),
    }),
    DeleteDataProvider: (input, { scope }) => ({ DataProvider: toDataProvider(service.delete(scope, input.DataProviderIdentifier)) }),
    DescribeDataProviders: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        {
          'data-provider-identifier': (p) => [p.identifier, p.arn],
          'data-provider-arn': (p) => p.arn,
          'data-provider-name': (p) => p.identifier,
          engine: (p) => p.engine,
        },
        'DescribeDataProviders',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Data Providers');
      const page = paginate(matched, input, 'DescribeDataProviders');
      return { DataProviders: page.items.map(toDataProvider), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

/** The protocol layer has checked that the union has exactly one member. */
function settingsOf(settings: DataProviderSettings): GivenSettings {
  const [member, values] = Object.entries(settings).find(([, v]) => v !== undefined && v !== null)!;
  return { member, values: values as Record<string, unknown> };
}
