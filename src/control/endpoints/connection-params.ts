/**
 * The connection values of an endpoint in one place, for connectors (TestConnection, tasks).
 * DMS merges the top-level ServerName/Port/DatabaseName/Username/Password with the engine's
 * settings block; the record keeps both as given, and this is where they are reconciled:
 * top-level values win, values given only inside the settings block count as well.
 */
import type { EndpointRecord } from './record.js';

export interface EndpointConnectionParams {
  engineName: string;
  serverName?: string;
  port?: number;
  databaseName?: string;
  username?: string;
  password?: string;
  sslMode: string;
  certificateArn?: string;
  extraConnectionAttributes?: string;
  settings: Record<string, Record<string, unknown>>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

export function connectionParamsOf(e: EndpointRecord): EndpointConnectionParams {
  // Every engine's block uses the same member names for connection values when it has them.
  const blocks = Object.values(e.settings);
  const fromBlocks = (member: string): unknown => blocks.map((b) => b[member]).find((v) => v !== undefined);
  const out: EndpointConnectionParams = {
    engineName: e.engineName,
    sslMode: e.sslMode,
    settings: Object.fromEntries(Object.entries(e.settings).map(([k, v]) => [k, { ...v }])),
  };
  const serverName = e.serverName ?? str(fromBlocks('ServerName'));
  const port = e.port ?? int(fromBlocks('Port'));
  const databaseName = e.databaseName ?? str(fromBlocks('DatabaseName'));
  const username = e.username ?? str(fromBlocks('Username'));
  const password = e.password ?? str(fromBlocks('Password'));
  if (serverName !== undefined) out.serverName = serverName;
  if (port !== undefined) out.port = port;
  if (databaseName !== undefined) out.databaseName = databaseName;
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (e.certificateArn !== undefined) out.certificateArn = e.certificateArn;
  if (e.extraConnectionAttributes !== undefined) out.extraConnectionAttributes = e.extraConnectionAttributes;
  return out;
}
