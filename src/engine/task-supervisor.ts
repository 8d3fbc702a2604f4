/**
 * The task supervisor: starts one TaskRun (attempt) per start in the background, keeps its
 * promise, stops it on request, and reports how it ended through the TaskReporter. The
 * control plane talks to it through TaskEngine only.
 *
 * Built by app.ts:
 *   new TaskSupervisor({ reporter, connectors: createConnectors(), taskLogs, clock, log, secondaryObjects })
 */
import { systemClock, type Clock } from '../common/clock.js';
import { OpenDmsError, messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ConnectorLookup } from './connector-lookup.js';
import type { Planner } from './planner.js';
import type { TableRef } from '../connectors/spi/index.js';
import type { EndpointSpec, ReloadTablesResult, RunOutcome, SecondaryObjectsPlanner, TaskEngine, TaskReporter, TaskRunSpec } from './ports.js';
import { StopRequested } from './run-errors.js';
import { safeReporter } from './safe-reporter.js';
import { TaskRun, stopReasons } from './task-run.js';
import type { TaskLogStore } from './task-log/task-log-store.js';

export interface TaskSupervisorOptions {
  readonly reporter: TaskReporter;
  /** The connector registry (src/connectors/registry.ts createConnectors()). */
  readonly connectors: ConnectorLookup;
  readonly taskLogs: TaskLogStore;
  readonly clock?: Clock;
  readonly log: Logger;
  /** Tests only: a plan without engine/mapping. */
  readonly planner?: Planner;
  /** Tests only: how often loading tables report (default 500 ms). */
  readonly statsThrottleMs?: number;
  /** OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad (control's secondaryObjectsPlanner); without it the option only logs. */
  readonly secondaryObjects?: SecondaryObjectsPlanner;
}

interface ActiveRun {
  readonly runId: number;
  readonly stop: AbortController;
  readonly done: Promise<void>;
  /** Absent for a run refused at start (server shutting down). */
  readonly run: TaskRun | undefined;
}

/** start() of a task whose previous run has not ended: the control plane must stop it first. */
export class RunInProgressError extends OpenDmsError {
  constructor(taskArn: string) {
    super('run-in-progress', `A run of task ${taskArn} is still in progress; stop it before starting another`);
  }
}

export class TaskSupervisor implements TaskEngine {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly reporter: TaskReporter;
  private readonly log: Logger;
  private closing = false;

  constructor(private readonly opts: TaskSupervisorOptions) {
    this.reporter = safeReporter(opts.reporter, opts.log);
    this.log = opts.log.child({ component: 'task-supervisor' });
  }

  start(spec: TaskRunSpec): void {
    if (this.runs.has(spec.taskArn)) throw new RunInProgressError(spec.taskArn);
    const stop = new AbortController();
    let outcome: Promise<RunOutcome>;
    let run: TaskRun | undefined;
    if (this.closing) {
      outcome = Promise.resolve({ kind: 'failed', stopReason: stopReasons.fatal, message: 'OpenDMS is shutting down; start the task again when it is back' });
    } else {
      run = new TaskRun(spec, {
        reporter: this.opts.reporter,
        connectors: this.opts.connectors,
        taskLogs: this.opts.taskLogs,
        clock: this.opts.clock ?? systemClock,
        log: this.log,
        ...(this.opts.planner ? { planner: this.opts.planner } : {}),
        ...(this.opts.statsThrottleMs !== undefined ? { statsThrottleMs: this.opts.statsThrottleMs } : {}),
        ...(this.opts.secondaryObjects ? { secondaryObjects: this.opts.secondaryObjects } : {}),
      });
      this.log.info('task run starting', { taskArn: spec.taskArn, runId: spec.runId, startType: spec.startType });
      // Started on the next tick so that start() returns before the first report.
      const started = run;
      outcome = Promise.resolve().then(() => started.execute(stop.signal));
    }
    const done = outcome
      .catch((err: unknown): RunOutcome => {
        // execute() never rejects; this is the net under it.
        this.log.error('task run crashed', { taskArn: spec.taskArn, error: messageOf(err) });
        return { kind: 'failed', stopReason: stopReasons.fatal, message: `Internal error: ${messageOf(err)}` };
      })
      .then((result) => {
        // Forget the run before reporting, so that the control plane may start it again from finished().
        if (this.runs.get(spec.taskArn)?.runId === spec.runId) this.runs.delete(spec.taskArn);
        this.log.info('task run finished', { taskArn: spec.taskArn, runId: spec.runId, outcome: result.kind, stopReason: result.stopReason });
        this.reporter.finished(spec.taskArn, spec.runId, result);
      });
    this.runs.set(spec.taskArn, { runId: spec.runId, stop, done, run });
  }

  async stop(taskArn: string): Promise<void> {
    const run = this.runs.get(taskArn);
    if (!run) return;
    run.stop.abort(new StopRequested());
    await run.done;
  }

  reloadTables(taskArn: string, tables: readonly TableRef[]): ReloadTablesResult {
    const run = this.runs.get(taskArn)?.run;
    if (!run) return { kind: 'not-running', message: 'no run of the task is in progress' };
    return run.reloadTables(tables);
  }

  isRunning(taskArn: string): boolean {
    return this.runs.has(taskArn);
  }

  async releaseCapture(task: { readonly taskIdentifier: string; readonly source: EndpointSpec }): Promise<void> {
    const connector = this.opts.connectors.forEngine(task.source.engineName);
    if (!connector?.openChangeCapture) return;
    const signal = AbortSignal.timeout(60_000);
    const capture = await connector.openChangeCapture(task.source.params, signal);
    try {
      await capture.release({ taskId: task.taskIdentifier, tables: [] }, signal);
    } finally {
      await capture.close();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const runs = [...this.runs.values()];
    for (const r of runs) r.stop.abort(new StopRequested('OpenDMS is shutting down'));
    await Promise.all(runs.map((r) => r.done));
  }
}
