/**
 * Opens one PostgreSQL connection for one operation. The caller closes it in `finally`;
 * aborting the signal ends it at once (also mid-connect or mid-query), so nothing hangs.
 */
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { tlsPolicyOf } from '../spi/tls-policy.js';
import { dataPlaneError } from './postgres-errors.js';
import { raceAbort } from '../../common/abort.js';

// Where the connector's modules have always found it.
export { raceAbort };

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
    // A peer that vanished without a reset (a host down, a dropped route) is noticed by TCP
    // keepalives on long-lived sessions (the CDC applier) instead of never.
    keepAlive: true,
  });
  // Errors of an idle client (server gone after abort) would otherwise crash the process;
  // the operation in progress sees them through its own promise.
  client.on('error', () => undefined);
  // One ending, shared by abort and close, and bounded: pg's end() waits for an 'end' event
  // that an abort during connect (or a second end() after the first) may never deliver, which
  // hung a table load cancelled by ReloadTables. After the bound the socket is destroyed.
  let ending: Promise<void> | undefined;
  const end = (): Promise<void> =>
    (ending ??= Promise.race([
      client.end().catch(() => undefined),
      new Promise<void>((r) => setTimeout(r, endTimeoutMs).unref()),
    ]).then(() => {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }));
  const onAbort = (): void => void end();
  signal.addEventListener('abort', onAbort, { once: true });
  const close = async (): Promise<void> => {
    signal.removeEventListener('abort', onAbort);
    await end();
  };
  try {
    signal.throwIfAborted();
    await raceAbort(client.connect(), signal);
    return { client, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** SslMode -> pg's `ssl` option (also for replication connections). */
export function sslOptionsOf(params: ConnectionParams): false | ConnectionOptions {
  const policy = tlsPolicyOf(params.ssl);
  if (!policy) return false;
  return {
    rejectUnauthorized: policy.verifyChain,
    ...(policy.ca ? { ca: policy.ca } : {}),
    // verify-ca checks the chain only; node checks the host name unless told not to.
    ...(policy.verifyChain && !policy.verifyHost ? { checkServerIdentity: () => undefined } : {}),
  };
}

/**
 * The settings of every data-plane connection: the text forms of values are the canonical
 * ones of spi/data-types.ts (postgres-values.ts relies on them), and long snapshot
 * transactions and COPYs are not cut by server-side defaults meant for interactive use.
 */
export const dataSessionSettings =
  "SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET DateStyle = 'ISO, YMD'; " +
  "SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; " +
  'SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0';

/**
 * A data-plane connection: openPostgresSession plus dataSessionSettings. Aborting `signal`
 * ends it at any time (the caller's operation then rejects with the signal's reason).
 */
export async function openDataSession(params: ConnectionParams, signal: AbortSignal): Promise<PostgresSession> {
  const session = await openPostgresSession(params, signal);
  try {
    await session.client.query(dataSessionSettings);
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}

/**
 * Runs `work` on a fresh data-plane connection, closed before the promise settles. Aborting
 * `signal` ends the connection at once and rejects with the signal's reason; other failures
 * become ConnectorErrors (typed OpenDMS errors pass through).
 */
export async function withDataSession<T>(params: ConnectionParams, signal: AbortSignal, work: (client: pg.Client) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  let session: PostgresSession | undefined;
  try {
    session = await openDataSession(params, signal);
    return await raceAbort(work(session.client), signal);
  } catch (err) {
    throw dataPlaneError(err, signal, describeTarget(params));
  } finally {
    await session?.close();
  }
}

/** How long closing a connection may take before its socket is destroyed. */
const endTimeoutMs = 2_000;
