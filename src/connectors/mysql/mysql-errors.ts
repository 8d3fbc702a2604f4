/** mysql2's errors -> the SPI's classified errors (server errno and mysql2's own codes). */
import { classifySocketError, hints, type ClassifiedError } from '../spi/connection-error.js';

/** Builds the classifier for one target (`host:port/database`, named in every message). */
export function mysqlErrorClassifier(flavour: string, target: string): (err: unknown) => ClassifiedError {
  return (err) => classifyMysqlError(err, flavour, target);
}

export function classifyMysqlError(err: unknown, flavour: string, target: string): ClassifiedError {
  const at = `${flavour} at ${target}`;
  const socket = classifySocketError(err, at);
  if (socket) return socket;
  const e = err as { code?: unknown; errno?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
      return { kind: 'auth', message: `${at} refused the login: ${text}`, hint: hints.auth };
    case 'ER_HOST_NOT_PRIVILEGED':
      return { kind: 'auth', message: `${at} refused the login: ${text}`, hint: `${hints.auth} The user's host part ('user'@'host') must match OpenDMS's address.` };
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
      return { kind: 'auth', message: `${at} refused access: ${text}`, hint: "Grant the endpoint's user privileges on the database (for example GRANT SELECT ON db.* TO the user)." };
    case 'ER_BAD_DB_ERROR':
      return { kind: 'database-missing', message: `${at}: ${text}`, hint: hints.databaseMissing };
    case 'ER_CON_COUNT_ERROR':
      return { kind: 'other', message: `${at} has no free connections: ${text}`, hint: 'Close idle sessions or raise max_connections on the server, then test again.' };
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return {
        kind: 'tls',
        message: `${at} does not support SSL connections (SSL is disabled on the server)`,
        hint: "Set the endpoint's SslMode to none, or enable SSL on the server (ssl_cert and ssl_key in its configuration).",
      };
    case 'PROTOCOL_CONNECTION_LOST':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return { kind: 'network', message: `Connection to ${at} was lost: ${text}`, hint: hints.network };
    case 'HANDSHAKE_SSL_ERROR':
      return { kind: 'tls', message: `${at}: ${text}`, hint: hints.tls };
  }
  if (/SSL|TLS|certificate/i.test(text)) return { kind: 'tls', message: `${at}: ${text}`, hint: hints.tls };
  return { kind: 'other', message: `${at}: ${code ? `${code} ` : ''}${text}`, hint: hints.other };
}
