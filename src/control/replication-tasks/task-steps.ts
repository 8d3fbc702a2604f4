/**
 * The scheduled step of replication tasks: `creating`, `modifying`, `moving` and `deleting`
 * end through `settle`, due `provisioningDelayMs` after they began. Steps are persisted, so one
 * due while the server was down runs after the restart; `settle` looks at the current status
 * first, so running it twice changes nothing.
 */
import type { ControlDeps } from '../deps.js';
import { scopeOfArn } from '../replication-instances/instance-steps.js';
import { compareVersions } from '../replication-instances/engine-versions.js';
import { recordTaskEvent, taskMessages } from './task-events.js';
import { taskLifecycle } from './task-lifecycle.js';
import { removeTableStatistics } from './table-statistics.js';
import type { TaskRecord, TaskStatus } from './record.js';

const settleKind = 'replication-task.settle';

export class TaskSteps {
  constructor(private readonly deps: ControlDeps) {}

  register(): void {
    this.deps.scheduler.on(settleKind, (job) => this.settle(job.key));
  }

  /** Ends the current transitional status after the delay (call inside the status change's transaction). */
  settleLater(arn: string): void {
    this.deps.scheduler.schedule(settleKind, arn, this.deps.settings.provisioningDelayMs);
  }

  settle(arn: string): void {
    const { store, repos, tags, events } = this.deps;
    store.tx(() => {
      const t = repos.tasks.get(arn);
      if (!t) return;
      const scope = scopeOfArn(arn);
      switch (t.status) {
        case 'creating': {
          const next = repos.tasks.update({ ...t, status: taskLifecycle.move(t.status, 'ready', t.identifier, 'finish creating') });
          recordTaskEvent(events, scope, next, ['creation'], taskMessages.created);
          return;
        }
        case 'modifying':
          repos.tasks.update(this.returned(t, t.returnStatus ?? 'ready'));
          return;
        case 'moving': {
          const failure = this.moveProblem(t);
          if (failure) {
            const next = repos.tasks.update({ ...this.returned(t, 'failed-move'), lastFailureMessage: failure });
            recordTaskEvent(events, scope, next, ['failure'], taskMessages.moveFailed);
            return;
          }
          const { targetInstanceArn: _moved, ...rest } = this.returned(t, t.returnStatus ?? 'ready');
          const next = repos.tasks.update({ ...rest, instanceArn: t.targetInstanceArn! });
          recordTaskEvent(events, scope, next, ['configuration change'], taskMessages.moved);
          return;
        }
        case 'deleting':
          repos.tasks.delete(arn);
          removeTableStatistics(repos, scope, arn);
          tags.removeAll(arn);
          // Its premigration assessment runs go with it (their result files stay in the bucket).
          for (const run of repos.assessmentRuns.list(scope)) {
            if (run.taskArn !== arn) continue;
            repos.assessmentRuns.delete(run.arn);
            tags.removeAll(run.arn);
          }
          // The task's log file is kept, as DMS keeps a deleted task's CloudWatch logs; it is
          // still readable by ARN (`opendms logs <arn>`, GET /tasks/<arn>/log).
          recordTaskEvent(events, scope, t, ['deletion'], taskMessages.deleted);
          return;
        default:
          return; // already settled: a step repeated after a restart
      }
    });
  }

  /** Why the move cannot finish now, if it cannot (the target instance went away or is busy). */
  private moveProblem(t: TaskRecord): string | undefined {
    const target = t.targetInstanceArn ? this.deps.repos.instances.get(t.targetInstanceArn) : undefined;
    if (!target) return `The target replication instance ${t.targetInstanceArn ?? '(none)'} no longer exists; move the task to another instance.`;
    if (target.status !== 'available') return `The target replication instance ${target.identifier} is ${target.status}; wait until it is available and move the task again.`;
    const current = this.deps.repos.instances.get(t.instanceArn);
    if (current && compareVersions(target.engineVersion, current.engineVersion) < 0) {
      return `The target replication instance ${target.identifier} runs engine version ${target.engineVersion}, older than ${current.engineVersion}; move the task to an instance with the same or a later version.`;
    }
    return undefined;
  }

  private returned(t: TaskRecord, status: TaskStatus): TaskRecord {
    const { returnStatus: _done, ...rest } = t;
    return { ...rest, status: taskLifecycle.move(t.status, status, t.identifier, 'finish') };
  }
}
