/** pg's errors -> the SPI's classified errors (SQLSTATE codes and pg's own messages). */
import { classifySocketError, hints, type ClassifiedError } from '../spi/connection-error.js';

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
  if (/terminated|closed|ended/i.test(text)) {
    return { kind: 'network', message: `Connection to ${at} was closed unexpectedly: ${text}`, hint: hints.network };
  }
  return { kind: 'other', message: `${at}: ${code ? `${code} ` : ''}${text}`, hint: hints.other };
}
