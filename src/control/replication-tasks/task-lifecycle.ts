/**
 * The status moves of a replication task. `creating`, `modifying`, `moving` and `deleting`
 * end through a scheduled step (task-steps.ts); `starting`, `running` and `stopping` end
 * through the engine's reports (task-reporter.ts). A task is modified, moved or deleted only
 * while no run is in progress; `testing` is reserved for premigration assessments.
 */
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { TaskStatus } from './record.js';

const idle = ['starting', 'modifying', 'moving', 'deleting', 'testing'] as const;

export const taskLifecycle = new Lifecycle<TaskStatus>('replication task', {
  creating: ['ready', 'deleting'],
  ready: [...idle],
  stopped: [...idle],
  failed: [...idle],
  'failed-move': ['starting', 'modifying', 'moving', 'deleting'],
  starting: ['running', 'stopping', 'stopped', 'failed'],
  running: ['stopping', 'stopped', 'failed'],
  stopping: ['stopped', 'failed'],
  modifying: ['ready', 'stopped', 'failed', 'failed-move'],
  moving: ['ready', 'stopped', 'failed', 'failed-move'],
  testing: ['ready', 'stopped', 'failed'],
  deleting: [],
});

/** Statuses in which a run is in progress (or its end is awaited). */
export const runStatuses: readonly TaskStatus[] = ['starting', 'running', 'stopping'];
