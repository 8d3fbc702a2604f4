/**
 * The status moves of a connection. A test may be started again at any time (the newest
 * attempt wins); a connection can be deleted only when no test is running.
 */
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { ConnectionStatus } from './record.js';

export const connectionLifecycle = new Lifecycle<ConnectionStatus>('connection', {
  testing: ['testing', 'successful', 'failed'],
  successful: ['testing', 'deleting'],
  failed: ['testing', 'deleting'],
  deleting: [],
});
