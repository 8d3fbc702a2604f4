/**
 * Reads an imported PEM: a CA certificate or a chain (bundle) of them. Every CERTIFICATE block
 * must parse as X.509; the dates, signing algorithm and key length reported are those of the
 * first certificate, the one DMS shows for the import.
 */
import { X509Certificate } from 'node:crypto';
import { InvalidCertificateFault } from '../../api/generated/errors.js';

export interface PemDetails {
  readonly validFrom: string;
  readonly validTo: string;
  readonly signingAlgorithm: string;
  readonly keyLength?: number;
  readonly count: number;
}

const blockRe = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function readPem(pem: string): PemDetails {
  const blocks = [...pem.matchAll(blockRe)];
  if (blocks.length === 0) {
    throw new InvalidCertificateFault(
      'CertificatePem holds no PEM block: give the CA certificate (or chain) in PEM form, starting with -----BEGIN CERTIFICATE-----.',
    );
  }
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    if (b[1] !== 'CERTIFICATE') {
      throw new InvalidCertificateFault(
        `CertificatePem block ${i + 1} is a ${b[1]}, not a CERTIFICATE: import only certificates (never private keys); DMS needs the CA certificate chain.`,
      );
    }
    try {
      certs.push(new X509Certificate(b[0]));
    } catch (err) {
      throw new InvalidCertificateFault(`CertificatePem block ${i + 1} is not a valid X.509 certificate (${(err as Error).message}); check that the PEM was copied whole.`);
    }
  }
  const first = certs[0]!;
  const keyLength = keyLengthOf(first);
  return {
    validFrom: new Date(first.validFrom).toISOString(),
    validTo: new Date(first.validTo).toISOString(),
    signingAlgorithm: signingAlgorithmOf(first.raw),
    ...(keyLength !== undefined ? { keyLength } : {}),
    count: certs.length,
  };
}

function keyLengthOf(cert: X509Certificate): number | undefined {
  const key = cert.publicKey;
  const d = key.asymmetricKeyDetails;
  if (d?.modulusLength) return d.modulusLength;
  if (d?.namedCurve) return curveBits[d.namedCurve];
  if (key.asymmetricKeyType === 'ed25519') return 256;
  if (key.asymmetricKeyType === 'ed448') return 456;
  return undefined;
}

const curveBits: Readonly<Record<string, number>> = { prime256v1: 256, 'P-256': 256, secp256k1: 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521 };

/** Signature algorithm OIDs, named as DMS (Java) names them. */
const algorithms: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'MD5withRSA',
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'SHA256withRSA',
  '1.2.840.113549.1.1.12': 'SHA384withRSA',
  '1.2.840.113549.1.1.13': 'SHA512withRSA',
  '1.2.840.113549.1.1.14': 'SHA224withRSA',
  '1.2.840.10045.4.1': 'SHA1withECDSA',
  '1.2.840.10045.4.3.2': 'SHA256withECDSA',
  '1.2.840.10045.4.3.3': 'SHA384withECDSA',
  '1.2.840.10045.4.3.4': 'SHA512withECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/**
 * Node's X509Certificate does not expose the signature algorithm, so it is read from the DER:
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE { OID, ... }, ... }.
 */
export function signingAlgorithmOf(der: Buffer): string {
  const outer = readTlv(der, 0);
  const tbs = readTlv(der, outer.contentStart);
  const alg = readTlv(der, tbs.end);
  const oid = readTlv(der, alg.contentStart);
  if (oid.tag !== 0x06) return 'unknown';
  const text = decodeOid(der.subarray(oid.contentStart, oid.end));
  return algorithms[text] ?? text;
}

function readTlv(buf: Buffer, at: number): { tag: number; contentStart: number; end: number } {
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let contentStart = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    contentStart += n;
  }
  return { tag, contentStart, end: contentStart + len };
}

function decodeOid(bytes: Buffer): string {
  const parts: number[] = [];
  const first = bytes[0]!;
  parts.push(Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40);
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}
