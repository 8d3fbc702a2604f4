/**
 * The status moves of a replication instance. `creating`, `modifying`, `rebooting`,
 * `upgrading` and `deleting` end through a scheduled step (see instance-steps.ts); everything
 * a user asks for starts from `available`, except deletion, which DMS also allows for an
 * instance still being created or one that failed.
 */
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { InstanceStatus } from './record.js';

export const instanceLifecycle = new Lifecycle<InstanceStatus>('replication instance', {
  creating: ['available', 'deleting'],
  available: ['modifying', 'rebooting', 'upgrading', 'deleting'],
  modifying: ['available'],
  rebooting: ['available'],
  upgrading: ['available'],
  failed: ['deleting'],
  deleting: [],
});
