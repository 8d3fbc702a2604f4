/** DescribeEndpointTypes: one entry per engine and role it supports (EndpointType lower case here, as DMS does). */
import type { SupportedEndpointType } from '../../api/generated/shapes.js';
import { engineNames, findEngine, rolesOf } from './engines.js';

export function supportedEndpointTypes(): SupportedEndpointType[] {
  return engineNames().flatMap((name) => {
    const e = findEngine(name)!;
    return rolesOf(e).map((role) => ({
      EngineName: e.name,
      SupportsCDC: e.roles[role]!.cdc,
      EndpointType: role,
      ...(e.minimumVersion ? { ReplicationInstanceEngineMinimumVersion: e.minimumVersion } : {}),
      EngineDisplayName: e.displayName,
    }));
  });
}
