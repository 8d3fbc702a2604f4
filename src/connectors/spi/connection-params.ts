/**
 * What a connector needs to reach one database: plain values, already resolved by the
 * control plane (the endpoint's fields, the PEM of its certificate). Connectors never read
 * the store, so these are all they know.
 */

/** The endpoint's SslMode, as DMS names it. */
export type SslMode = 'none' | 'require' | 'verify-ca' | 'verify-full';

export const sslModes: readonly SslMode[] = ['none', 'require', 'verify-ca', 'verify-full'];

export interface SslSettings {
  readonly mode: SslMode;
  /**
   * PEM of the CA (or chain) the server certificate must be signed by: the imported
   * certificate of the endpoint's CertificateArn. Needed by verify-ca and verify-full.
   */
  readonly caPem?: string;
}

export interface ConnectionParams {
  /** The DMS engine name (postgres, mysql, mariadb, aurora ...); picks the dialect. */
  readonly engineName: string;
  readonly host: string;
  readonly port: number;
  /** The database to connect to. PostgreSQL needs one; MySQL and MariaDB may go without. */
  readonly database?: string;
  readonly username?: string;
  /** Never logged and never put in an error message. */
  readonly password?: string;
  readonly ssl: SslSettings;
  /** How long opening the connection (TCP, TLS, authentication) may take. Default 10 s. */
  readonly connectTimeoutMs?: number;
}

export const defaultConnectTimeoutMs = 10_000;

/** `host:port/database` for messages: what was tried, never who with which password. */
export function describeTarget(p: ConnectionParams): string {
  return `${p.host}:${p.port}${p.database ? `/${p.database}` : ''}`;
}
