/** pg's errors -> the SPI's classified errors (SQLSTATE codes and pg's own messages). */
import { OpenDmsError } from '../../common/errors.js';
import { ConnectorError, classifySocketError, hints, type ClassifiedError } from '../spi/connection-error.js';
import { DataLoadError } from '../spi/data-load-error.js';
import type { TableRef } from '../spi/data-types.js';

/** Builds the classifier for one target (`host:port/database`, named in every message). */
export function postgresErrorClassifier(target: string): (err: unknown) => ClassifiedError {
  return (err) => classifyPostgresError(err, target);
}

export function classifyPostgresError(err: unknown, target: string): ClassifiedError {
  const at = `PostgreSQL at ${target}`;
  const socket = classifySocketError(err, at);
  if (socket) return socket;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  switch (code) {
    case '28P01':
      return { kind: 'auth', message: `${at} refused the login: ${text}`, hint: hints.auth };
    case '28000':
      return {
        kind: 'auth',
        message: `${at} refused the login: ${text}`,
        hint: `${hints.auth} The user must exist, and the server's pg_hba.conf must allow it from this host.`,
      };
    case '42501':
      return { kind: 'auth', message: `${at} refused access: ${text}`, hint: 'Grant the user CONNECT on the database (and USAGE on its schemas).' };
    case '3D000':
      return { kind: 'database-missing', message: `${at}: ${text}`, hint: hints.databaseMissing };
    case '53300':
      return { kind: 'other', message: `${at} has no free connections: ${text}`, hint: 'Close idle sessions or raise max_connections on the server, then test again.' };
    case '57P03':
      return { kind: 'network', message: `${at} is not accepting connections yet: ${text}`, hint: 'The server is starting up, shutting down or in recovery; test again once it is up.' };
  }
  if (/does not support SSL/i.test(text)) {
    return {
      kind: 'tls',
      message: `${at} does not support SSL connections (ssl is off on the server)`,
      hint: "Set the endpoint's SslMode to none, or turn ssl on in the server's configuration.",
    };
  }
  if (/establishing an SSL connection|SSL|TLS/i.test(text)) {
    return { kind: 'tls', message: `${at}: ${text}`, hint: hints.tls };
  }
  if (/timeout/i.test(text)) {
    return { kind: 'timeout', message: `${at} did not complete the connection in time (${text})`, hint: hints.timeout };
  }
  if (/^SASL|password/i.test(text)) {
    return { kind: 'auth', message: `${at} asked for a password the endpoint does not give correctly: ${text}`, hint: hints.auth };
  }
  // "not queryable": pg's word for a client whose connection was reset while it was idle.
  if (/terminated|closed|ended|not queryable/i.test(text)) {
    return { kind: 'network', message: `Connection to ${at} was closed unexpectedly: ${text}`, hint: hints.network };
  }
  return { kind: 'other', message: `${at}: ${code ? `${code} ` : ''}${text}`, hint: hints.other };
}

/**
 * A row the PostgreSQL target refused (a data exception, SQLSTATE class 22, or an integrity
 * violation, class 23): the SPI's DataLoadError (so the engine recognizes it) with what
 * PostgreSQL said besides. The whole write() that carried the row was rolled back to its
 * savepoint and the writer is still usable: the engine retries that batch row by row
 * (write([row]) for each row) to find the bad rows and applies its data-error policy.
 */
export class PostgresDataLoadError extends DataLoadError {
  /** 1-based position of the refused row in the rows given to the failing write() (rowIndex + 1), when PostgreSQL said. */
  readonly rowNumber: number | undefined;
  /** The column PostgreSQL named, when it did. */
  readonly column: string | undefined;
  readonly sqlState: string;
  /** PostgreSQL's DETAIL, when any (e.g. the duplicate key). */
  readonly detail: string | undefined;

  constructor(init: { table: TableRef; message: string; sqlState: string; rowNumber?: number; column?: string; detail?: string }, options?: { cause?: unknown }) {
    super({
      table: init.table,
      ...(init.rowNumber !== undefined ? { rowIndex: init.rowNumber - 1 } : {}),
      // 22001 string_data_right_truncation: DMS's data truncation errors.
      truncation: init.sqlState === '22001',
      serverMessage: `${init.message}${init.detail ? ` (${init.detail})` : ''}${init.column ? ` [column ${init.column}]` : ''}`,
      cause: options?.cause,
    });
    this.sqlState = init.sqlState;
    this.rowNumber = init.rowNumber;
    this.column = init.column;
    this.detail = init.detail;
  }
}

/** True for the SQLSTATEs of a refused value or row (not of a broken connection or statement). */
export function isDataErrorState(code: string): boolean {
  return code.startsWith('22') || code.startsWith('23');
}

/**
 * Reads `COPY t, line 3, column b: "..."` (pg's `where` of a COPY FROM error) into line
 * and column; either is undefined when the context does not say.
 */
export function copyErrorPosition(where: string | undefined): { line?: number; column?: string } {
  if (!where) return {};
  const m = /COPY [^\n]*?, line (\d+)(?:, column ((?:[^:\n]|:(?! ))+?))?(?::|\n|$)/.exec(where);
  if (!m) return {};
  return { line: Number(m[1]), ...(m[2] !== undefined ? { column: m[2] } : {}) };
}

/**
 * What a data-plane operation rejects with: the caller's abort reason when aborted, typed
 * errors as they are, anything else classified into a ConnectorError.
 */
export function dataPlaneError(err: unknown, signal: AbortSignal, target: string): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof OpenDmsError) return err;
  return new ConnectorError(classifyPostgresError(err, target), { cause: err });
}
