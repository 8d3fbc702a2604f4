/**
 * Opens one MySQL/MariaDB connection for one operation (mysql2 speaks both protocols). The
 * caller closes it in `finally`; aborting the signal destroys it at once, mid-connect or
 * mid-query.
 */
import mysql from 'mysql2';
import type { Connection, SslOptions } from 'mysql2';
import { defaultConnectTimeoutMs, type ConnectionParams } from '../spi/connection-params.js';
import { tlsPolicyOf } from '../spi/tls-policy.js';

export interface MysqlSession {
  readonly connection: Connection;
  /** Runs a query and resolves with its rows. */
  query<R>(sql: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openMysqlSession(params: ConnectionParams, signal: AbortSignal): Promise<MysqlSession> {
  signal.throwIfAborted();
  const ssl = sslOptionsOf(params);
  const connection = mysql.createConnection({
    host: params.host,
    port: params.port,
    ...(params.database ? { database: params.database } : {}),
    ...(params.username !== undefined ? { user: params.username } : {}),
    password: params.password ?? '',
    ...(ssl ? { ssl } : {}),
    connectTimeout: params.connectTimeoutMs ?? defaultConnectTimeoutMs,
    // Catalog names come back as strings whatever the server's collation.
    charset: 'utf8mb4',
  });
  // A late error of a connection already given up on must not crash the process.
  connection.on('error', () => undefined);
  const onAbort = (): void => connection.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    signal.removeEventListener('abort', onAbort);
    await new Promise<void>((resolve) => {
      // end() says goodbye to the server; destroy() if that fails (socket already gone).
      connection.end((err) => {
        if (err) connection.destroy();
        resolve();
      });
    });
  };
  try {
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    closed = true;
    connection.destroy();
    throw err;
  }
  return {
    connection,
    query: <R>(sql: string, values: unknown[] = []) =>
      new Promise<R[]>((resolve, reject) => connection.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as R[])))),
    close,
  };
}

function sslOptionsOf(params: ConnectionParams): SslOptions | undefined {
  const policy = tlsPolicyOf(params.ssl);
  if (!policy) return undefined;
  return {
    rejectUnauthorized: policy.verifyChain,
    ...(policy.ca ? { ca: policy.ca } : {}),
    verifyIdentity: policy.verifyHost,
  };
}
