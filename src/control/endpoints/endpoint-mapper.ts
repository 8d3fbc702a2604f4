/**
 * Endpoint record -> AWS shape. EndpointType is upper case, as real DMS returns it from
 * Create/Modify/Delete/DescribeEndpoints. The connection values show at top level and inside
 * the engine's settings block (DMS merges them). Passwords are not copied here, and the
 * serializer drops every SecretString member of the blocks on the way out as well.
 */
import type { Endpoint, ReplicationEndpointTypeValue } from '../../api/generated/shapes.js';
import { findEngine } from './engines.js';
import type { EndpointRecord } from './record.js';
import { blockHas } from './settings-blocks.js';

export function toEndpoint(r: EndpointRecord): Endpoint {
  const engine = findEngine(r.engineName);
  const out: Record<string, unknown> = {
    EndpointIdentifier: r.identifier,
    EndpointType: r.endpointType.toUpperCase() as ReplicationEndpointTypeValue,
    EngineName: r.engineName,
    EngineDisplayName: r.engineDisplayName,
    Username: r.username,
    ServerName: r.serverName,
    Port: r.port,
    DatabaseName: r.databaseName,
    ExtraConnectionAttributes: r.extraConnectionAttributes,
    Status: r.status,
    KmsKeyId: r.kmsKeyId,
    EndpointArn: r.arn,
    CertificateArn: r.certificateArn,
    SslMode: r.sslMode,
    ExternalTableDefinition: r.externalTableDefinition,
    ExternalId: r.externalId,
    IsReadOnly: r.isReadOnly,
  };
  for (const [member, stored] of Object.entries(r.settings)) out[member] = { ...stored };
  if (engine) {
    const m = engine.settingsMember;
    const merged: Record<string, unknown> = { ...(r.settings[m] ?? {}) };
    const values: Record<string, unknown> = { ServerName: r.serverName, Port: r.port, DatabaseName: r.databaseName, Username: r.username };
    for (const [name, v] of Object.entries(values)) if (v !== undefined && blockHas(m, name)) merged[name] = v;
    if (Object.keys(merged).length > 0) out[m] = merged;
    // S3, DynamoDB, Kinesis ... carry the role inside their block; DMS shows it at top level too.
    const role = r.serviceAccessRoleArn ?? (merged.ServiceAccessRoleArn as string | undefined);
    if (role !== undefined) out.ServiceAccessRoleArn = role;
  } else if (r.serviceAccessRoleArn !== undefined) {
    out.ServiceAccessRoleArn = r.serviceAccessRoleArn;
  }
  return out as Endpoint;
}
