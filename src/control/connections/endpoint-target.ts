/**
 * Endpoint -> the connector and connection values to reach its database. What cannot be
 * resolved (an engine without a connector, a missing certificate, no server name) is a
 * reason for the test or refresh to fail, with a message saying what to fix, not an API
 * error: DMS reports such problems through the connection's status too.
 */
import type { Connector, ConnectionParams, SslMode } from '../../connectors/spi/index.js';
import { sslModes } from '../../connectors/spi/index.js';
import type { Connectors } from '../../connectors/registry.js';
import type { Repositories } from '../repositories.js';
import { connectionParamsOf } from '../endpoints/connection-params.js';
import type { EndpointRecord } from '../endpoints/record.js';
import { lookUpSecret } from '../secrets/secret-lookup.js';
import { secretReader } from '../secrets/secret-store.js';

export type EndpointTarget =
  | { readonly ok: true; readonly connector: Connector; readonly params: ConnectionParams }
  | { readonly ok: false; readonly message: string };

/** The usual port of each engine family, for endpoints that give none. */
const defaultPorts: Readonly<Record<string, number>> = {
  postgres: 5432, 'aurora-postgresql': 5432, 'aurora-postgresql-serverless': 5432,
  mysql: 3306, mariadb: 3306, aurora: 3306, 'aurora-serverless': 3306, 'gcp-mysql': 3306,
};

/** `activity` names what needs the connection in messages: 'Connection tests', 'Schema refreshes'. */
export function endpointTarget(repos: Repositories, connectors: Connectors, endpoint: EndpointRecord, activity: string): EndpointTarget {
  const p = connectionParamsOf(endpoint);
  const connector = connectors.forEngine(p.engineName);
  if (!connector) {
    return { ok: false, message: `${activity} for ${p.engineName} are not supported yet: OpenDMS can connect to ${connectors.engines.join(', ')}.` };
  }
  // Credentials named by a SecretsManagerSecretId come from OpenDMS's local secret store
  // (`opendms secrets put`); values given on the endpoint itself win.
  const secretId = Object.values(p.settings).map((b) => b.SecretsManagerSecretId).find((v) => typeof v === 'string');
  if (secretId !== undefined && p.password === undefined) {
    const s = lookUpSecret(secretReader(repos.secrets), String(secretId), `endpoint ${endpoint.identifier}`);
    if (!s.ok) return s;
    p.username ??= s.value.username;
    p.password = s.value.password;
    if (s.value.host !== undefined) p.serverName ??= s.value.host;
    if (s.value.port !== undefined) p.port ??= s.value.port;
    if (s.value.dbname !== undefined) p.databaseName ??= s.value.dbname;
  }
  if (!p.serverName) return { ok: false, message: `Endpoint ${endpoint.identifier} has no ServerName: set it with ModifyEndpoint, then try again.` };
  const port = p.port ?? defaultPorts[p.engineName];
  if (port === undefined) return { ok: false, message: `Endpoint ${endpoint.identifier} has no Port: set it with ModifyEndpoint, then try again.` };
  if (!(sslModes as readonly string[]).includes(p.sslMode)) {
    return { ok: false, message: `SslMode ${p.sslMode} is not supported for ${p.engineName}; use one of ${sslModes.join(', ')}.` };
  }
  let caPem: string | undefined;
  if (p.certificateArn && p.sslMode !== 'none') {
    const cert = repos.certificates.get(p.certificateArn);
    if (!cert) return { ok: false, message: `The endpoint's certificate ${p.certificateArn} no longer exists: import the CA certificate again and set it with ModifyEndpoint.` };
    if (!cert.pem) return { ok: false, message: `The endpoint's certificate ${cert.identifier} is an Oracle wallet, not a PEM certificate: import the server's CA as a PEM and set it with ModifyEndpoint.` };
    caPem = cert.pem;
  }
  return {
    ok: true,
    connector,
    params: {
      engineName: p.engineName,
      host: p.serverName,
      port,
      ...(p.databaseName !== undefined ? { database: p.databaseName } : {}),
      ...(p.username !== undefined ? { username: p.username } : {}),
      ...(p.password !== undefined ? { password: p.password } : {}),
      ssl: { mode: p.sslMode as SslMode, ...(caPem ? { caPem } : {}) },
    },
  };
}
