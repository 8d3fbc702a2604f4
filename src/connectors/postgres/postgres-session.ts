/**
 * Opens one PostgreSQL connection for one operation. The caller closes it in `finally`;
 * aborting the signal ends it at once (also mid-connect or mid-query), so nothing hangs.
 */
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { defaultConnectTimeoutMs, type ConnectionParams } from '../spi/connection-params.js';
import { tlsPolicyOf } from '../spi/tls-policy.js';

export interface PostgresSession {
  readonly client: pg.Client;
  close(): Promise<void>;
}

export async function openPostgresSession(params: ConnectionParams, signal: AbortSignal): Promise<PostgresSession> {
  const client = new pg.Client({
    host: params.host,
    port: params.port,
    // PostgreSQL needs a database; DMS requires DatabaseName for it, `postgres` always exists.
    database: params.database ?? 'postgres',
    user: params.username,
    // A string even when absent, so that pg never falls back to ~/.pgpass or PGPASSWORD of
    // the OpenDMS host: the endpoint alone says who connects.
    password: params.password ?? '',
    ssl: sslOptionsOf(params),
    connectionTimeoutMillis: params.connectTimeoutMs ?? defaultConnectTimeoutMs,
    application_name: 'opendms',
  });
  // Errors of an idle client (server gone after abort) would otherwise crash the process;
  // the operation in progress sees them through its own promise.
  client.on('error', () => undefined);
  const onAbort = (): void => void client.end().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const close = async (): Promise<void> => {
    signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  };
  try {
    signal.throwIfAborted();
    await client.connect();
    return { client, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function sslOptionsOf(params: ConnectionParams): false | ConnectionOptions {
  const policy = tlsPolicyOf(params.ssl);
  if (!policy) return false;
  return {
    rejectUnauthorized: policy.verifyChain,
    ...(policy.ca ? { ca: policy.ca } : {}),
    // verify-ca checks the chain only; node checks the host name unless told not to.
    ...(policy.verifyChain && !policy.verifyHost ? { checkServerIdentity: () => undefined } : {}),
  };
}
