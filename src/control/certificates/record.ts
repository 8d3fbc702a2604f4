/** An imported certificate: a PEM (CA or server chain) or an Oracle wallet. */
export interface CertificateRecord {
  readonly arn: string;
  readonly identifier: string;
  readonly pem?: string;
  /** Oracle wallet, base64. */
  readonly wallet?: string;
  readonly owner: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly signingAlgorithm?: string;
  readonly keyLength?: number;
  readonly kmsKeyId?: string;
  readonly createdAt: string;
}
