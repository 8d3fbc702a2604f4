/**
 * A replication config may be modified or deleted only while its replication is not under
 * way (DMS User Guide, Serverless limitations: modify in CREATED, STOPPED or FAILED; delete
 * when not running or starting). The replication is another resource (StartReplication,
 * issue 6 §2); this port is where its status plugs in. Until replications exist, no config
 * has one, so every config may be modified and deleted.
 */
import type { Scope } from '../../api/dispatch.js';
import { invalidState } from '../shared/faults.js';
import type { ReplicationConfigRecord } from './record.js';

export interface ReplicationStates {
  /** The status of the config's replication, or undefined when none was ever started. */
  statusOf(scope: Scope, configArn: string): string | undefined;
}

/** Before StartReplication exists: no config has a replication. */
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
