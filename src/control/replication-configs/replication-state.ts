/**
 * A replication config may be modified or deleted only while its replication is not under
 * way (DMS User Guide, Serverless limitations: modify in CREATED, STOPPED or FAILED; delete
 * when not running or starting). The replication is another resource (control/replications,
 * which implements this port); a config whose replication never started may always change.
 */
import type { Scope } from '../../api/dispatch.js';
import { invalidState } from '../shared/faults.js';
import type { ReplicationConfigRecord } from './record.js';

export interface ReplicationStates {
  /** The status of the config's replication, or undefined when none was ever started. */
  statusOf(scope: Scope, configArn: string): string | undefined;
  /** The config is being deleted (its replication is idle): what belongs to its replication goes too. Inside the caller's transaction. */
  released?(scope: Scope, configArn: string): void;
}

/** No config has a replication (for tests of the config service alone). */
export const noReplications: ReplicationStates = { statusOf: () => undefined };

/** Replication statuses in which nothing runs, so the config may change or go. */
export const idleReplicationStatuses: readonly string[] = ['created', 'ready', 'stopped', 'failed', 'deprovisioned'];

/** InvalidResourceStateFault when the config's replication is under way. Called inside the caller's transaction. */
export function assertReplicationIdle(states: ReplicationStates, scope: Scope, config: ReplicationConfigRecord, action: 'modify' | 'delete'): void {
  const status = states.statusOf(scope, config.arn);
  if (status === undefined || idleReplicationStatuses.includes(status)) return;
  throw invalidState(
    `Cannot ${action} replication config ${config.identifier}: its replication is ${status}. ${action === 'modify' ? 'Modify' : 'Delete'} is possible when no replication runs (status ${idleReplicationStatuses.join(', ')}); stop it with StopReplication and try again.`,
  );
}
