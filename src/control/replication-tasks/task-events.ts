/**
 * The events a replication task records, with DMS's own wording (the User Guide's table of
 * replication-task events). Recorded in the same transaction as the change they describe.
 */
import type { Scope } from '../../api/dispatch.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { TaskRecord } from './record.js';

export type TaskEventCategory = 'configuration change' | 'state change' | 'deletion' | 'creation' | 'failure';

export function recordTaskEvent(events: EventRecorder, scope: Scope, t: TaskRecord, categories: readonly TaskEventCategory[], message: string): void {
  events.record(scope, { sourceType: 'replication-task', sourceIdentifier: t.identifier, sourceArn: t.arn, categories, message });
}

export const taskMessages = {
  created: 'The replication task is created.',
  modified: 'The replication task is modified.',
  started: 'The replication task has started.',
  stopped: 'The replication task has stopped.',
  failed: 'The replication task has failed.',
  deleted: 'The replication task is deleted.',
  reload: 'A reload of table details has been requested.',
  moved: 'The replication task is moved to another replication instance.',
  moveFailed: 'The replication task could not be moved to another replication instance.',
} as const;
