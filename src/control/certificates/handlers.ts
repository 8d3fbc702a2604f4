/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate, type PageBounds } from '../shared/pagination.js';
import { toCertificate } from './certificate-mapper.js';
import type { CertificateService } from './certificate-service.js';

/**
 * DescribeCertificates documents "Default: 10" and no bounds; the other Describe* calls allow at
 * most 100, and the smallest page is the default here so that a default request is valid.
 */
export const certificatePage: PageBounds = { min: 10, max: 100, default: 10 };

export function certificateHandlers(service: CertificateService): HandlerTable {
  return {
    ImportCertificate: (input, { scope }) => ({
      Certificate: toCertificate(
        service.import(scope, {
          identifier: input.CertificateIdentifier,
          ...(input.CertificatePem !== undefined ? { pem: input.CertificatePem } : {}),
          ...(input.CertificateWallet !== undefined ? { wallet: input.CertificateWallet } : {}),
          ...(input.KmsKeyId !== undefined ? { kmsKeyId: input.KmsKeyId } : {}),
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    DeleteCertificate: (input, { scope }) => ({ Certificate: toCertificate(service.delete(scope, input.CertificateArn)) }),
    DescribeCertificates: (input, { scope }) => {
      const filters = input.Filters?.map((f) => (f.Name === 'certificate-id' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f));
      const matched = applyFilters(service.list(scope), filters, { 'certificate-arn': (c) => c.arn, 'certificate-id': (c) => c.identifier }, 'DescribeCertificates');
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Certificates');
      const page = paginate(matched, input, 'DescribeCertificates', certificatePage);
      return { Certificates: page.items.map(toCertificate), ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}
