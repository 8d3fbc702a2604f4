/**
 * The events a replication instance records, with DMS's own wording (the User Guide's table of
 * replication-instance events, and "Replication application shutdown/restarted" for reboots).
 * Recorded in the same transaction as the status change they describe.
 */
import type { Scope } from '../../api/dispatch.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { InstanceRecord, PendingInstanceChanges } from './record.js';

export type InstanceEventCategory = 'creation' | 'deletion' | 'configuration change' | 'maintenance' | 'failover';

export function recordInstanceEvent(events: EventRecorder, scope: Scope, r: InstanceRecord, categories: readonly InstanceEventCategory[], message: string): void {
  events.record(scope, { sourceType: 'replication-instance', sourceIdentifier: r.identifier, sourceArn: r.arn, categories, message });
}

export const instanceMessages = {
  creating: 'A replication instance is being created.',
  created: 'A replication instance is created.',
  deleting: 'The replication instance is being deleted.',
  deleted: 'The replication instance is deleted.',
  shutdown: 'Replication application shutdown',
  restarted: 'Replication application restarted',
  failoverStarted: 'Failover started for a Multi-AZ replication instance.',
  failoverComplete: 'Failover is complete for a Multi-AZ replication instance.',
  maintenanceStarted: 'Offline maintenance of the replication instance is taking place. The replication instance is currently unavailable.',
  maintenanceComplete: 'Offline maintenance of the replication instance is complete. The replication instance is now available.',
} as const;

/** The configuration-change events of a set of changes, as they begin (`starting`) or end. */
export function changeMessages(current: InstanceRecord, changes: PendingInstanceChanges, phase: 'starting' | 'done'): { categories: InstanceEventCategory[]; message: string }[] {
  const out: { categories: InstanceEventCategory[]; message: string }[] = [];
  const change = (message: string): void => void out.push({ categories: ['configuration change'], message });
  if (changes.instanceClass !== undefined && changes.instanceClass !== current.instanceClass) {
    change(phase === 'starting' ? 'The replication instance class for this replication instance is being changed.' : 'The replication instance class for this replication instance has changed.');
  }
  if (changes.allocatedStorage !== undefined && changes.allocatedStorage !== current.allocatedStorage) {
    change(phase === 'starting' ? 'The storage for the replication instance is being increased.' : 'The storage for the replication instance has been increased.');
  }
  if (changes.multiAz !== undefined && changes.multiAz !== current.multiAz) {
    if (changes.multiAz) change(phase === 'starting' ? 'The replication instance is transitioning to a Multi-AZ configuration.' : 'The replication instance finished transitioning to a Multi-AZ configuration.');
    else change(phase === 'starting' ? 'The replication instance is transitioning to a Single-AZ configuration.' : 'The replication instance has finished transitioning to a Single-AZ configuration.');
  }
  if (changes.networkType !== undefined && changes.networkType !== current.networkType) {
    change(phase === 'starting' ? `The network type of the replication instance is being changed to ${changes.networkType}.` : `The network type of the replication instance is now ${changes.networkType}.`);
  }
  if (changes.engineVersion !== undefined && changes.engineVersion !== current.engineVersion) {
    out.push({ categories: ['maintenance'], message: phase === 'starting' ? instanceMessages.maintenanceStarted : instanceMessages.maintenanceComplete });
  }
  return out;
}
