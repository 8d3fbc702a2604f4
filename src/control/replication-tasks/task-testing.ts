/**
 * The task's side of a premigration assessment: while a run assesses it, the task shows
 * `testing` (as DMS does), so it cannot be started, modified, moved or deleted meanwhile; when
 * the run ends it returns to the status it had (`ready`, `stopped` or `failed`). Both moves go
 * through the task lifecycle and are called inside the run's own transaction.
 */
import { invalidState } from '../shared/faults.js';
import type { Repositories } from '../repositories.js';
import type { TaskRecord } from './record.js';
import { taskLifecycle } from './task-lifecycle.js';

/** Refuses, naming why, when the task cannot be assessed now; otherwise returns it unchanged. */
export function checkAssessable(t: TaskRecord): TaskRecord {
  if (t.status === 'testing') {
    throw invalidState(
      `Cannot assess replication task ${t.identifier}: a premigration assessment of it is already in progress (status testing). Wait until that run ends, or cancel it with CancelReplicationTaskAssessmentRun.`,
    );
  }
  if (t.status === 'starting' || t.status === 'running' || t.status === 'stopping') {
    throw invalidState(`Cannot assess replication task ${t.identifier}: its status is ${t.status}. Stop the task first; a task is assessed while no run is in progress.`);
  }
  taskLifecycle.move(t.status, 'testing', t.identifier, 'assess');
  return t;
}

/** Moves the task to `testing`, remembering the status it returns to. */
export function beginTesting(repos: Pick<Repositories, 'tasks'>, t: TaskRecord): TaskRecord {
  checkAssessable(t);
  return repos.tasks.update({ ...t, status: 'testing', returnStatus: t.status });
}

/** Returns a task left `testing` to the status it had; a task in any other status is left alone. */
export function endTesting(repos: Pick<Repositories, 'tasks'>, taskArn: string): void {
  const t = repos.tasks.get(taskArn);
  if (!t || t.status !== 'testing') return;
  const { returnStatus, ...rest } = t;
  repos.tasks.update({ ...rest, status: taskLifecycle.move(t.status, returnStatus ?? (t.runId === 0 ? 'ready' : 'stopped'), t.identifier, 'finish assessing') });
}

/** The message for an action refused because the task is being assessed. */
export function refuseWhileTesting(t: TaskRecord, action: string): void {
  if (t.status !== 'testing') return;
  throw invalidState(
    `Cannot ${action} replication task ${t.identifier}: a premigration assessment run is assessing it (status testing). Wait until the run ends (DescribeReplicationTaskAssessmentRuns), or cancel it with CancelReplicationTaskAssessmentRun.`,
  );
}
