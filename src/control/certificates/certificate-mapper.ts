/** Certificate record -> AWS shape (the wallet goes back out as bytes; the serializer base64-encodes it). */
import type { Certificate } from '../../api/generated/shapes.js';
import type { CertificateRecord } from './record.js';

export function toCertificate(r: CertificateRecord): Certificate {
  return {
    CertificateIdentifier: r.identifier,
    CertificateCreationDate: new Date(r.createdAt),
    ...(r.pem !== undefined ? { CertificatePem: r.pem } : {}),
    ...(r.wallet !== undefined ? { CertificateWallet: Buffer.from(r.wallet, 'base64') } : {}),
    CertificateArn: r.arn,
    CertificateOwner: r.owner,
    ...(r.validFrom ? { ValidFromDate: new Date(r.validFrom) } : {}),
    ...(r.validTo ? { ValidToDate: new Date(r.validTo) } : {}),
    ...(r.signingAlgorithm ? { SigningAlgorithm: r.signingAlgorithm } : {}),
    ...(r.keyLength !== undefined ? { KeyLength: r.keyLength } : {}),
    ...(r.kmsKeyId ? { KmsKeyId: r.kmsKeyId } : {}),
  };
}
