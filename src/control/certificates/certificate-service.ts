/**
 * Rules of imported certificates: a PEM (CA certificate or chain) or an Oracle wallet, never
 * both; identifiers as DMS checks them; a certificate in use by an endpoint cannot be deleted.
 */
import type { Scope } from '../../api/dispatch.js';
import { InvalidCertificateFault } from '../../api/generated/errors.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidCombination } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { defaultKmsKeyId } from '../endpoints/default-kms-key.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, invalidState, quotaExceeded, requireByArn } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { readPem } from './pem.js';
import type { CertificateRecord } from './record.js';

export interface ImportCertificateInput {
  readonly identifier: string;
  readonly pem?: string;
  readonly wallet?: Uint8Array;
  readonly kmsKeyId?: string;
  readonly tags?: readonly Tag[];
}

export class CertificateService {
  constructor(private readonly deps: ControlDeps) {}

  import(scope: Scope, input: ImportCertificateInput): CertificateRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const identifier = checkIdentifier('CertificateIdentifier', input.identifier).toLowerCase();
    if ((input.pem === undefined) === (input.wallet === undefined)) {
      throw invalidCombination('Give exactly one of CertificatePem (a PEM certificate or chain) and CertificateWallet (an Oracle wallet, .sso).');
    }
    let details: Partial<CertificateRecord> = {};
    if (input.pem !== undefined) {
      const pem = readPem(input.pem);
      details = { pem: input.pem, validFrom: pem.validFrom, validTo: pem.validTo, signingAlgorithm: pem.signingAlgorithm, ...(pem.keyLength !== undefined ? { keyLength: pem.keyLength } : {}) };
    } else {
      if (input.wallet!.length === 0) throw new InvalidCertificateFault('CertificateWallet is empty: give the contents of the Oracle wallet file (cwallet.sso).');
      details = { wallet: Buffer.from(input.wallet!).toString('base64') };
    }
    return store.tx(() => {
      const existing = repos.certificates.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Certificate', identifier, existing.arn);
      const max = settings.quotas.Certificates ?? Infinity;
      if (repos.certificates.count(scope) >= max) throw quotaExceeded('Certificates', max);
      const record: CertificateRecord = {
        arn: newArn(scope, 'cert'),
        identifier,
        owner: scope.account,
        kmsKeyId: input.kmsKeyId ?? defaultKmsKeyId(scope),
        createdAt: clock.now().toISOString(),
        ...details,
      };
      repos.certificates.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  delete(scope: Scope, arn: string): CertificateRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, arn);
      const users = repos.endpoints.list(scope).filter(
        (e) => e.certificateArn === arn || Object.values(e.settings).some((block) => Object.entries(block).some(([k, v]) => k.endsWith('CertificateArn') && v === arn)),
      );
      if (users.length > 0) {
        throw invalidState(
          `Certificate ${current.identifier} is in use by endpoint(s) ${users.map((u) => u.identifier).join(', ')}; modify those endpoints to use another certificate (or none), then delete it.`,
        );
      }
      repos.certificates.delete(arn);
      tags.removeAll(arn);
      return current;
    });
  }

  get(scope: Scope, arn: string): CertificateRecord {
    return requireByArn(this.deps.repos.certificates, scope, arn, 'Certificate');
  }

  list(scope: Scope): CertificateRecord[] {
    return this.deps.repos.certificates.list(scope);
  }
}
