/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { CreateEndpointMessage, ModifyEndpointMessage } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import { applyFilters, type FilterInput } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toEndpoint } from './endpoint-mapper.js';
import type { EndpointFields, EndpointService } from './endpoint-service.js';
import { endpointSettingsOf } from './endpoint-settings-catalog.js';
import { supportedEndpointTypes } from './endpoint-types.js';
import { engineNames, findEngine } from './engines.js';
import { blocksIn } from './settings-blocks.js';

export function endpointHandlers(service: EndpointService): HandlerTable {
  return {
    CreateEndpoint: (input, { scope }) => ({
      Endpoint: toEndpoint(
        service.create(scope, {
          ...fieldsOf(input),
          identifier: input.EndpointIdentifier,
          endpointType: input.EndpointType,
          engineName: input.EngineName,
          ...(input.KmsKeyId !== undefined ? { kmsKeyId: input.KmsKeyId } : {}),
          ...(input.ResourceIdentifier !== undefined ? { resourceIdentifier: input.ResourceIdentifier } : {}),
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    ModifyEndpoint: (input, { scope }) => ({
      Endpoint: toEndpoint(
        service.modify(scope, input.EndpointArn, {
          ...fieldsOf(input),
          ...(input.EndpointIdentifier !== undefined ? { identifier: input.EndpointIdentifier } : {}),
          ...(input.ExactSettings !== undefined ? { exactSettings: input.ExactSettings } : {}),
        }),
      ),
    }),
    DeleteEndpoint: (input, { scope }) => ({ Endpoint: toEndpoint(service.delete(scope, input.EndpointArn)) }),
    DescribeEndpoints: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        normalized(input.Filters),
        {
          'endpoint-arn': (e) => e.arn,
          'endpoint-type': (e) => e.endpointType,
          'endpoint-id': (e) => e.identifier,
          'engine-name': (e) => e.engineName,
        },
        'DescribeEndpoints',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Endpoints');
      const page = paginate(matched, input, 'DescribeEndpoints');
      return { Endpoints: page.items.map(toEndpoint), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeEndpointTypes: (input) => {
      const matched = applyFilters(
        supportedEndpointTypes(),
        normalized(input.Filters),
        { 'engine-name': (t) => t.EngineName, 'endpoint-type': (t) => t.EndpointType },
        'DescribeEndpointTypes',
      );
      const page = paginate(matched, input, 'DescribeEndpointTypes');
      return { SupportedEndpointTypes: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeEndpointSettings: (input) => {
      const engine = findEngine(input.EngineName);
      if (!engine) throw invalidParameter(`EngineName '${input.EngineName}' is not valid; valid engine names: ${engineNames().join(', ')}.`);
      const page = paginate(endpointSettingsOf(engine), input, `DescribeEndpointSettings:${engine.name}`);
      return { EndpointSettings: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}

/** endpoint-type values are matched case-insensitively (DMS shows SOURCE, takes source); ids are stored lowercase. */
function normalized(filters: readonly FilterInput[] | undefined): FilterInput[] | undefined {
  return filters?.map((f) =>
    f.Name === 'endpoint-type' || f.Name === 'endpoint-id' || f.Name === 'engine-name' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f,
  );
}

function fieldsOf(input: CreateEndpointMessage | ModifyEndpointMessage): EndpointFields {
  const f: Record<string, unknown> = {
    endpointType: input.EndpointType,
    engineName: input.EngineName,
    username: input.Username,
    password: input.Password,
    serverName: input.ServerName,
    port: input.Port,
    databaseName: input.DatabaseName,
    extraConnectionAttributes: input.ExtraConnectionAttributes,
    certificateArn: input.CertificateArn,
    sslMode: input.SslMode,
    serviceAccessRoleArn: input.ServiceAccessRoleArn,
    externalTableDefinition: input.ExternalTableDefinition,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return { ...(f as Omit<EndpointFields, 'settings'>), settings: blocksIn(input as unknown as Record<string, unknown>) };
}
