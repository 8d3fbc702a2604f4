/**
 * SslMode -> what TLS must do, independent of the driver (each engine maps the policy to
 * its driver's options). The meaning of each mode is defined here once:
 *   none         no TLS;
 *   require      TLS, no verification (encryption only);
 *   verify-ca    TLS, the chain must lead to the endpoint's certificate, any host name;
 *   verify-full  as verify-ca, and the certificate must name the server.
 */
import type { SslSettings } from './connection-params.js';
import { ConnectorError } from './connection-error.js';

export interface TlsPolicy {
  /** PEM of the trusted CA; absent for require. */
  readonly ca?: string;
  readonly verifyChain: boolean;
  readonly verifyHost: boolean;
}

/** Undefined for SslMode none; throws a tls ConnectorError for verify-* without a CA. */
export function tlsPolicyOf(ssl: SslSettings): TlsPolicy | undefined {
  switch (ssl.mode) {
    case 'none':
      return undefined;
    case 'require':
      return { verifyChain: false, verifyHost: false };
    case 'verify-ca':
    case 'verify-full':
      if (!ssl.caPem) {
        throw new ConnectorError({
          kind: 'tls',
          message: `SslMode ${ssl.mode} needs a CA certificate to verify the server against, and the endpoint has none`,
          hint: "Import the CA certificate (ImportCertificate) and set it as the endpoint's CertificateArn, or use SslMode require to encrypt without verification.",
        });
      }
      return { ca: ssl.caPem, verifyChain: true, verifyHost: ssl.mode === 'verify-full' };
  }
}
