/**
 * Driver errors, classified. Each connector turns its driver's errors into one of these
 * kinds in its own classifier (the only place that knows the driver's codes), so callers
 * decide on `kind` and show `message` and `hint` without knowing any driver.
 */
import { OpenDmsError } from '../../common/errors.js';

/**
 * `not-configured`: the server lacks a setting change data capture needs (the message names it);
 * `history-lost`: the change history a task needs is gone (slot dropped, binlog purged): reload.
 */
export type ConnectionErrorKind = 'auth' | 'network' | 'tls' | 'database-missing' | 'timeout' | 'not-configured' | 'history-lost' | 'other';

export interface ClassifiedError {
  readonly kind: ConnectionErrorKind;
  /** What went wrong, from the driver, with the target it concerns. */
  readonly message: string;
  /** What to change: endpoint fields to check, server settings to look at. */
  readonly hint: string;
}

/** Turns whatever a driver threw into a classified error. Pure: no I/O. */
export type ErrorClassifier = (err: unknown) => ClassifiedError;

/** The error every connector operation rejects with (other than the caller's abort reason). */
export class ConnectorError extends OpenDmsError {
  readonly kind: ConnectionErrorKind;
  readonly hint: string;

  constructor(classified: ClassifiedError, options?: { cause?: unknown }) {
    super(`connector-${classified.kind}`, classified.message, options);
    this.kind = classified.kind;
    this.hint = classified.hint;
  }

  /** Message and hint in one sentence pair, e.g. for LastFailureMessage. */
  get explanation(): string {
    return `${this.message}. ${this.hint}`;
  }
}

/** The hints shared by every engine; engine classifiers add their own details. */
export const hints = {
  auth: "Check the endpoint's Username and Password, and that this user may connect from OpenDMS's host.",
  network: "Check the endpoint's ServerName and Port, and that the database server is running and reachable from OpenDMS.",
  tls: "Check the endpoint's SslMode and CertificateArn: the certificate must be the CA that signed the server's certificate.",
  databaseMissing: "Check the endpoint's DatabaseName: the database must exist on the server.",
  timeout: "Check the endpoint's ServerName and Port, firewalls between OpenDMS and the server, and that the server is not overloaded.",
  other: "See the database server's log for details.",
} as const;

/** Node's TLS verification codes (OpenSSL's), shared by both drivers since both use node:tls. */
const tlsVerifyCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

/**
 * The errors both drivers raise the same way, because they come from node:net and node:tls.
 * Returns undefined for driver-specific errors, which the engine's classifier handles.
 * `target` names engine and address, e.g. `PostgreSQL at db.example.com:5432/sales`.
 */
export function classifySocketError(err: unknown, target: string): ClassifiedError | undefined {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'network', message: `Connection to ${target} was refused (nothing listens on that port)`, hint: hints.network };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'network', message: `Cannot resolve the server name of ${target} (${code})`, hint: hints.network };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'network', message: `Connection to ${target} failed: ${text}`, hint: hints.network };
    case 'ETIMEDOUT':
      return { kind: 'timeout', message: `Connection to ${target} timed out`, hint: hints.timeout };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      kind: 'tls',
      message: `The server certificate of ${target} does not name this host: ${text}`,
      hint: "Set the endpoint's ServerName to a name the certificate lists, or use SslMode verify-ca, which checks the CA but not the host name.",
    };
  }
  if (tlsVerifyCodes.has(code)) {
    return {
      kind: 'tls',
      message: `The server certificate of ${target} could not be verified (${code}: ${text})`,
      hint: "Import the CA that signed the server's certificate and set it as the endpoint's CertificateArn, or use SslMode require to encrypt without verification.",
    };
  }
  return undefined;
}
