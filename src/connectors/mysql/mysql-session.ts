/**
 * Opens one MySQL/MariaDB connection for one operation (mysql2 speaks both protocols). The
 * caller closes it in `finally`; aborting the signal destroys it at once, mid-connect or
 * mid-query, and every pending query of the session then rejects with the signal's reason.
 */
import mysql from 'mysql2';
import type { Connection, ConnectionOptions, SslOptions } from 'mysql2';
import { defaultConnectTimeoutMs, type ConnectionParams } from '../spi/connection-params.js';
import { tlsPolicyOf } from '../spi/tls-policy.js';

export interface MysqlSession {
  readonly connection: Connection;
  /** Runs a query and resolves with its rows (or its result header). */
  query<R>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Runs a query with per-query options (infileStreamFactory, rowsAsArray ...); resolves with the raw result. */
  queryWith<R>(options: mysql.QueryOptions): Promise<R>;
  /** Rejects with the abort reason (or a "destroyed" error) once the session is torn down. */
  readonly torn: Promise<never>;
  close(): Promise<void>;
  /** Tears the connection down without a goodbye (a query may still be running). */
  destroy(): void;
}

/**
 * Connection options of the data plane: every value arrives exact, as the server's text
 * (big integers and decimals as strings, dates as strings); the source's own typeCast then
 * turns them into canonical values.
 */
export const exactValueOptions: Partial<ConnectionOptions> = {
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  dateStrings: true,
};

/** The DMS engine names this module serves, with the product name messages use. */
export const mysqlFlavours: Readonly<Record<string, string>> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  aurora: 'Aurora MySQL',
  'aurora-serverless': 'Aurora MySQL Serverless',
  'gcp-mysql': 'Cloud SQL for MySQL',
};

export function mysqlFlavourOf(params: ConnectionParams): string {
  return mysqlFlavours[params.engineName] ?? 'MySQL';
}

export async function openMysqlSession(params: ConnectionParams, signal: AbortSignal, extra: Partial<ConnectionOptions> = {}): Promise<MysqlSession> {
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
    ...extra,
  });
  // A late error of a connection already given up on must not crash the process.
  connection.on('error', () => undefined);
  let tear: (reason: unknown) => void = () => undefined;
  const torn = new Promise<never>((_, reject) => {
    tear = reject;
  });
  torn.catch(() => undefined);
  let closed = false;
  const destroy = (reason: unknown = new Error('the MySQL connection was closed')): void => {
    closed = true;
    signal.removeEventListener('abort', onAbort);
    connection.destroy();
    tear(reason);
  };
  const onAbort = (): void => destroy(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
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
    tear(new Error('the MySQL connection was closed'));
  };
  try {
    await Promise.race([new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve()))), torn]);
  } catch (err) {
    if (!closed) destroy(err);
    throw signal.aborted ? signal.reason : err;
  }
  const queryWith = <R>(options: mysql.QueryOptions): Promise<R> =>
    Promise.race([new Promise<R>((resolve, reject) => connection.query(options, (err, result) => (err ? reject(err) : resolve(result as R)))), torn]);
  return {
    connection,
    query: <R>(sql: string, values: unknown[] = []) => queryWith<R[]>({ sql, values }),
    queryWith,
    torn,
    close,
    destroy: () => destroy(),
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
