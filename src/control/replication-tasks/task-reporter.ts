/**
 * The control plane's side of the engine boundary: the engine reports a run's life here and
 * this moves the task through its lifecycle, keeps ReplicationTaskStats and the table
 * statistics, and records the events. A report of a run that is not the task's current one
 * (an older run, a task deleted meanwhile) is ignored, as is anything reported once the
 * server has begun to shut down: such a run is found interrupted at the next start
 * (`recoverInterruptedRuns`).
 */
import { messageOf } from '../../common/errors.js';
import type { LogSeverity, RunOutcome, TableStats, TaskProgress, TaskReporter } from '../../engine/ports.js';
import type { ControlDeps } from '../deps.js';
import { scopeOfTask } from './serverless-tasks.js';
import type { TaskRecord, TaskStats } from './record.js';
import { upsertTableStatistics } from './table-statistics.js';
import { recordTaskEvent, taskMessages } from './task-events.js';
import { runStatuses, taskLifecycle } from './task-lifecycle.js';
import { toEngineSettings } from './task-settings.js';

/** Where table details (why a table failed, what was truncated) are written for users to read. */
export interface TaskLogWriters {
  writer(taskArn: string, logging: EngineLogging): { log(component: string, severity: LogSeverity, message: string): void };
}
type EngineLogging = { readonly enabled: boolean; readonly components: Readonly<Record<string, LogSeverity>> };

export const emptyStats: TaskStats = { fullLoadProgressPercent: 0, tablesLoaded: 0, tablesLoading: 0, tablesQueued: 0, tablesErrored: 0 };

export const restartMessage =
  'OpenDMS restarted while this task was running, so its run was lost, and resuming it automatically failed (see the server log). Start the task again with StartReplicationTaskType resume-processing to load the tables that were not completed and continue change data capture from its checkpoint, or reload-target to load everything again.';

export class ControlTaskReporter implements TaskReporter {
  private closed = false;
  /** Per task, the latency of the last change batch applied and when (not persisted: /metrics). */
  readonly latencies = new Map<string, { readonly latencyMs: number; readonly at: Date }>();

  constructor(
    private readonly deps: ControlDeps,
    private readonly logs: TaskLogWriters,
  ) {}

  /** From now on reports are dropped (server shutdown: the store is about to close). */
  close(): void {
    this.closed = true;
  }

  running(taskArn: string, runId: number): void {
    this.apply('running', taskArn, runId, (t) => {
      if (t.status !== 'starting') return;
      const next = this.deps.repos.tasks.update({ ...t, status: taskLifecycle.move(t.status, 'running', t.identifier, 'run') });
      recordTaskEvent(this.deps.events, scopeOfTask(next), next, ['state change'], taskMessages.started);
    });
  }

  tables(taskArn: string, runId: number, stats: readonly TableStats[]): void {
    this.apply('tables', taskArn, runId, (t) => {
      const previous = upsertTableStatistics(this.deps.repos, scopeOfTask(t), taskArn, runId, stats);
      this.logDetails(t, stats, previous.map((p) => `${p.schemaName}.${p.tableName}:${p.detail ?? ''}`));
    });
  }

  progress(taskArn: string, runId: number, p: TaskProgress): void {
    this.apply('progress', taskArn, runId, (t) => {
      const stats: TaskStats = {
        ...(t.stats ?? emptyStats),
        fullLoadProgressPercent: p.fullLoadProgressPercent,
        tablesLoaded: p.tablesLoaded,
        tablesLoading: p.tablesLoading,
        tablesQueued: p.tablesQueued,
        tablesErrored: p.tablesErrored,
        ...(p.fullLoadStartDate ? { fullLoadStartDate: p.fullLoadStartDate.toISOString() } : {}),
        ...(p.fullLoadFinishDate ? { fullLoadFinishDate: p.fullLoadFinishDate.toISOString() } : {}),
      };
      this.deps.repos.tasks.update({ ...t, stats });
    });
  }

  finished(taskArn: string, runId: number, outcome: RunOutcome): void {
    this.apply('finished', taskArn, runId, (t) => this.end(t, outcome));
  }

  /**
   * Ends the task's current run (inside a transaction): `stopped` with its Stop Reason, or
   * `failed` with LastFailureMessage. Also used when a stop completes without a report.
   */
  end(t: TaskRecord, outcome: RunOutcome): TaskRecord {
    const { repos, events, clock } = this.deps;
    const now = clock.now().toISOString();
    const { lastFailureMessage: _previous, ...rest } = t;
    const stats = { ...(t.stats ?? emptyStats), stopDate: now };
    const next: TaskRecord =
      outcome.kind === 'stopped'
        ? { ...rest, status: taskLifecycle.move(t.status, 'stopped', t.identifier, 'stop'), stopReason: outcome.stopReason, stoppedAt: now, stats }
        : { ...rest, status: taskLifecycle.move(t.status, 'failed', t.identifier, 'fail'), stopReason: outcome.stopReason, lastFailureMessage: outcome.message, stoppedAt: now, stats };
    repos.tasks.update(next);
    const scope = scopeOfTask(t);
    if (outcome.kind === 'stopped') recordTaskEvent(events, scope, next, ['state change'], taskMessages.stopped);
    else recordTaskEvent(events, scope, next, ['failure'], `${taskMessages.failed} ${outcome.message}`);
    return next;
  }

  /**
   * Persists a CDC position as the task's RecoveryCheckpoint. Unlike the other reports it
   * throws when it cannot (the server is closing, the store failed): the engine must not tell
   * the source it may discard history that no checkpoint covers.
   */
  checkpoint(taskArn: string, runId: number, position: string, latencyMs?: number): void {
    if (this.closed) throw new Error('the server is shutting down: the checkpoint was not persisted');
    if (latencyMs !== undefined) this.latencies.set(taskArn, { latencyMs, at: this.deps.clock.now() });
    this.deps.store.tx(() => {
      const t = this.deps.repos.tasks.get(taskArn);
      if (!t || t.runId !== runId) throw new Error(`checkpoint of run ${runId} of ${taskArn} is stale: not persisted`);
      this.deps.repos.tasks.update({ ...t, recoveryCheckpoint: position });
    });
  }

  /**
   * At start-up: a task left `starting` or `running` lost its run with the previous process
   * (a crash, kill -9, a power cut): it is `failed` with a message saying how to go on, and
   * returned, so that the caller resumes it (resume-processing continues from the completed
   * tables and the change data capture checkpoint). One left `stopping` was being stopped
   * anyway, so it is `stopped`.
   */
  recoverInterruptedRuns(): TaskRecord[] {
    const { store, repos } = this.deps;
    const interrupted: TaskRecord[] = [];
    store.tx(() => {
      for (const t of repos.tasks.all()) {
        if (!runStatuses.includes(t.status)) continue;
        if (t.status === 'stopping') this.end(t, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
        else interrupted.push(this.end(t, { kind: 'failed', stopReason: 'Stop Reason RECOVERABLE_ERROR', message: restartMessage }));
      }
    });
    return interrupted;
  }

  /** Runs `fn` on the task in one transaction when the report is about its current run; never throws into the engine. */
  private apply(what: string, taskArn: string, runId: number, fn: (t: TaskRecord) => void): void {
    if (this.closed) return;
    try {
      this.deps.store.tx(() => {
        const t = this.deps.repos.tasks.get(taskArn);
        if (!t || t.runId !== runId || !runStatuses.includes(t.status)) return;
        fn(t);
      });
    } catch (err) {
      this.deps.log.error('task report not applied', { report: what, taskArn, runId, error: messageOf(err) });
    }
  }

  /** Table details are written to the task log (what DMS users read to learn why a table failed), once per new detail. */
  private logDetails(t: TaskRecord, stats: readonly TableStats[], known: readonly string[]): void {
    const fresh = stats.filter((s) => s.detail !== undefined && !known.includes(`${s.schemaName}.${s.tableName}:${s.detail}`));
    if (fresh.length === 0) return;
    const writer = this.logs.writer(t.arn, toEngineSettings(t.settings).logging);
    for (const s of fresh) {
      const severity: LogSeverity = s.state === 'Table error' ? 'LOGGER_SEVERITY_ERROR' : 'LOGGER_SEVERITY_WARNING';
      writer.log('TABLES_MANAGER', severity, `Table "${s.schemaName}"."${s.tableName}" (${s.state}): ${s.detail}`);
    }
  }
}
