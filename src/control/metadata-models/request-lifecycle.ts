/**
 * The lifecycle of a metadata-model request: RECEIVED -> IN_PROGRESS -> SUCCESS | FAILED,
 * and CANCELING -> CANCELED for the requests that can be cancelled (conversion, creation).
 */
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { RequestKind, RequestStatus } from './record.js';

export const requestLifecycle = new Lifecycle<RequestStatus>('metadata model request', {
  RECEIVED: ['IN_PROGRESS', 'CANCELING', 'CANCELED', 'FAILED'],
  IN_PROGRESS: ['SUCCESS', 'FAILED', 'CANCELING'],
  // The work is stopped; a failure while stopping still ends the request.
  CANCELING: ['CANCELED', 'FAILED'],
  SUCCESS: [],
  FAILED: [],
  CANCELED: [],
});

/** How each kind is named in messages, and the progress step DMS shows for it. */
export const kindInfo: Readonly<Record<RequestKind, { readonly what: string; readonly step: string; readonly plural: string }>> = {
  import: { what: 'metadata model import', step: 'IMPORTING', plural: 'metadata model imports' },
  assessment: { what: 'metadata model assessment', step: 'ANALYZING', plural: 'metadata model assessments' },
  conversion: { what: 'metadata model conversion', step: 'CONVERTING', plural: 'metadata model conversions' },
  'export-script': { what: 'metadata model export as script', step: 'IN_PROGRESS', plural: 'metadata model exports as script' },
  'export-target': { what: 'metadata model export to target', step: 'APPLYING', plural: 'metadata model exports to target' },
  creation: { what: 'metadata model creation', step: 'IN_PROGRESS', plural: 'metadata model creations' },
  'extension-pack': { what: 'extension pack association', step: 'IN_PROGRESS', plural: 'extension pack associations' },
};

/** The message of a request a restart interrupted. */
export const interruptedMessage = 'The request was interrupted by a restart of OpenDMS; start it again.';
