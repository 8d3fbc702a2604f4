/** Certificates: ImportCertificate, DescribeCertificates, DeleteCertificate. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { CertificateService } from './certificate-service.js';
import { certificateHandlers } from './handlers.js';

export function certificateModule(deps: ControlDeps): HandlerTable {
  return certificateHandlers(new CertificateService(deps));
}
