/**
 * Runs of replication tasks: StartReplicationTask, StopReplicationTask and ReloadTables. The
 * status change, the new run id and the run's spec are settled in one transaction; the engine
 * is called only after it commits, so a run never sees an uncommitted task. What the run does
 * next arrives through the reporter (task-reporter.ts).
 */
import type { Scope } from '../../api/dispatch.js';
import type { ReloadTablesMessage, StartReplicationTaskMessage } from '../../api/generated/shapes.js';
import type { Connectors } from '../../connectors/registry.js';
import { invalidCombination, invalidParameter, messageOf } from '../../common/errors.js';
import type { StartType, TaskEngine, TaskRunSpec } from '../../engine/ports.js';
import type { ControlDeps } from '../deps.js';
import { ResourceNotFoundFault } from '../../api/generated/errors.js';
import { invalidState, requireByArn } from '../shared/faults.js';
import { scopeOfArn } from '../replication-instances/instance-steps.js';
import { scopeOfTask } from './serverless-tasks.js';
import { cdcPositionsOf, givesCdcPosition } from './cdc-positions.js';
import type { TaskRecord } from './record.js';
import { endpointSpecOf, notYet, runSpecOf } from './run-spec.js';
import { removeTableStatistics, tableStatisticsOf } from './table-statistics.js';
import { emptyStats, type ControlTaskReporter } from './task-reporter.js';
import { taskLifecycle } from './task-lifecycle.js';
import { checkTableMappings } from './task-mappings.js';
import { refuseWhileTesting } from './task-testing.js';
import { unsupportedSettings } from './task-settings.js';
import type { TaskService } from './task-service.js';

const maxTablesToReload = 10;

export class TaskRuns {
  constructor(
    private readonly deps: ControlDeps,
    private readonly tasks: TaskService,
    private readonly engine: TaskEngine,
    private readonly reporter: ControlTaskReporter,
    private readonly connectors: Connectors,
  ) {}

  start(scope: Scope, input: StartReplicationTaskMessage): TaskRecord {
    const { store, repos, clock } = this.deps;
    const startType: StartType = input.StartReplicationTaskType;
    if (input.CdcStartTime !== undefined && input.CdcStartPosition !== undefined) {
      throw invalidCombination('CdcStartTime and CdcStartPosition cannot both be given: use one of them to say where change data capture starts.');
    }
    const cdc = cdcPositionsOf(input);
    const { task, spec } = store.tx(() => {
      const t = this.tasks.get(scope, input.ReplicationTaskArn);
      refuseWhileTesting(t, 'start');
      const status = taskLifecycle.move(t.status, 'starting', t.identifier, 'start');
      this.checkStartType(t, startType);
      if (t.migrationType === 'full-load' && givesCdcPosition(cdc)) {
        throw invalidParameter(`CdcStartTime, CdcStartPosition and CdcStopPosition apply to tasks that capture changes; task ${t.identifier} is a full-load task. Start it without them.`);
      }
      if (startType === 'resume-processing' && t.migrationType !== 'full-load' && !t.recoveryCheckpoint && !givesCdcPosition(cdc)) {
        throw invalidParameter(`Task ${t.identifier} has no checkpoint to resume change data capture from (it never captured changes). Start it with start-replication, or give CdcStartPosition.`);
      }
      const unsupported = unsupportedSettings(t.settings);
      if (unsupported.length > 0) {
        throw notYet(`Task ${t.identifier} uses settings OpenDMS does not implement yet: ${unsupported.join(', ')}. Set them to false with ModifyReplicationTask to start it.`);
      }
      // The task behind a serverless replication has no instance: its capacity is provisioned by the replication.
      if (t.replicationConfigArn === undefined) {
        const instance = requireByArn(repos.instances, scope, t.instanceArn, 'Replication instance');
        if (instance.status !== 'available') {
          throw invalidState(`Replication instance ${instance.identifier} is ${instance.status}; task ${t.identifier} can start once it is available.`);
        }
      }
      // Endpoints live in the account's scope (the task behind a serverless replication does not).
      const endpoints = scopeOfArn(t.arn);
      const source = endpointSpecOf(repos, this.connectors, requireByArn(repos.endpoints, endpoints, t.sourceEndpointArn, 'Endpoint'), 'source');
      const target = endpointSpecOf(repos, this.connectors, requireByArn(repos.endpoints, endpoints, t.targetEndpointArn, 'Endpoint'), 'target');
      checkTableMappings(t.tableMappings);

      const previous = tableStatisticsOf(repos, scope, t.arn);
      const runId = t.runId + 1;
      const spec = runSpecOf(t, runId, startType, { source, target }, previous, cdc);
      // A fresh start forgets the previous run's tables; a resumed one keeps the completed ones.
      if (startType !== 'resume-processing') removeTableStatistics(repos, scope, t.arn);
      const now = clock.now().toISOString();
      const { stopReason: _r, lastFailureMessage: _m, stoppedAt: _s, ...rest } = t;
      const freshStartDate = startType === 'resume-processing' ? t.stats?.freshStartDate : now;
      const next = repos.tasks.update({
        ...rest,
        status,
        runId,
        lastStartType: startType,
        startedAt: now,
        stats: { ...emptyStats, ...(freshStartDate ? { freshStartDate } : {}), startDate: now },
      });
      return { task: next, spec };
    });
    this.launch(spec);
    return task;
  }

  /**
   * After a restart: each task whose run the previous process lost is started again with
   * resume-processing, as its user would have to. One that cannot start (its endpoint is gone,
   * its instance is not available ...) stays `failed` with the restart message, and the
   * reason goes to the server log.
   */
  resumeInterrupted(tasks: readonly TaskRecord[]): void {
    for (const t of tasks) {
      try {
        this.start(scopeOfTask(t), { ReplicationTaskArn: t.arn, StartReplicationTaskType: 'resume-processing' });
        this.deps.log.info('task resumed after a restart', { taskArn: t.arn });
      } catch (err) {
        this.deps.log.warn('task not resumed after a restart', { taskArn: t.arn, error: messageOf(err) });
      }
    }
  }

  /**
   * DeleteReplicationTask of a task that captured changes: what capture created on its source
   * (PostgreSQL: the replication slot, which holds WAL until dropped, and publications) is
   * dropped in the background; a failure is logged with what to drop by hand.
   */
  deleted(scope: Scope, t: TaskRecord): TaskRecord {
    if (t.migrationType === 'full-load' || t.recoveryCheckpoint === undefined) return t;
    let source;
    try {
      source = endpointSpecOf(this.deps.repos, this.connectors, requireByArn(this.deps.repos.endpoints, scope, t.sourceEndpointArn, 'Endpoint'), 'source');
    } catch (err) {
      this.deps.log.warn('change data capture objects of a deleted task not released', { taskArn: t.arn, error: messageOf(err) });
      return t;
    }
    void this.engine.releaseCapture({ taskIdentifier: t.identifier, source }).catch((err: unknown) =>
      this.deps.log.warn('change data capture objects of a deleted task not released: drop its replication slot (opendms_<task id>) by hand', { taskArn: t.arn, error: messageOf(err) }),
    );
    return t;
  }

  /** Answers with the task `stopping`; the engine's report (or the stop completing) moves it to `stopped`. */
  stop(scope: Scope, arn: string): TaskRecord {
    const { store, repos } = this.deps;
    const task = store.tx(() => {
      const t = this.tasks.get(scope, arn);
      if (t.status !== 'running' && t.status !== 'starting') {
        throw invalidState(`Cannot stop replication task ${t.identifier}: its status is ${t.status}. Only a starting or running task can be stopped.`);
      }
      return repos.tasks.update({ ...t, status: taskLifecycle.move(t.status, 'stopping', t.identifier, 'stop') });
    });
    void this.engine.stop(task.arn).then(
      () => this.stopped(task.arn, task.runId),
      (err: unknown) => {
        this.deps.log.error('engine stop failed', { taskArn: task.arn, error: messageOf(err) });
        this.stopped(task.arn, task.runId);
      },
    );
    return task;
  }

  /**
   * ReloadTables with ReloadOption data-reload: DMS's rules are checked (a running full-load
   * or full-load-and-cdc task, 1 to 10 distinct tables), then the engine loads the tables again
   * within the running run, which keeps running and ends only once they are loaded. Tables
   * are named by their source schema and table names, as DescribeTableStatistics shows them;
   * a table the task's selection does not include is refused with ResourceNotFoundFault (one
   * of ReloadTables' modelled faults), naming it, and nothing is reloaded then.
   * validate-only answers 501: data validation does not exist in OpenDMS yet.
   */
  reload(scope: Scope, input: ReloadTablesMessage): string {
    const t = this.tasks.get(scope, input.ReplicationTaskArn);
    const option = input.ReloadOption ?? 'data-reload';
    if (t.status !== 'running') {
      throw invalidState(`Cannot reload tables of replication task ${t.identifier}: its status is ${t.status}. ReloadTables works only while the task is running.`);
    }
    if (t.migrationType === 'cdc') throw invalidParameter(`Replication task ${t.identifier} is a cdc task: only full-load and full-load-and-cdc tasks can reload tables.`);
    if (input.TablesToReload.length === 0 || input.TablesToReload.length > maxTablesToReload) {
      throw invalidParameter(`TablesToReload must name 1 to ${maxTablesToReload} tables; got ${input.TablesToReload.length}.`);
    }
    const tables = input.TablesToReload.map((x) => ({ schema: x.SchemaName, name: x.TableName }));
    const seen = new Set<string>();
    for (const x of tables) {
      const key = `${x.schema}\u0000${x.name}`;
      if (seen.has(key)) throw invalidParameter(`TablesToReload names table ${x.schema}.${x.name} more than once; name each table once.`);
      seen.add(key);
    }
    if (option === 'validate-only') {
      throw notYet(
        `ReloadTables with ReloadOption validate-only is not implemented in OpenDMS yet: data validation does not exist yet, so there is nothing to validate again. Use ReloadOption data-reload to load the tables again.`,
      );
    }
    const result = this.engine.reloadTables(t.arn, tables);
    switch (result.kind) {
      case 'accepted':
        this.deps.log.info('tables reloaded', { taskArn: t.arn, tables: result.tables.map((r) => `${r.table.schema}.${r.table.name}:${r.action}`) });
        return t.arn;
      case 'not-in-task':
        throw new ResourceNotFoundFault(
          `Cannot reload tables of replication task ${t.identifier}: ${result.message}. DescribeTableStatistics lists the task's tables; nothing was reloaded.`,
        );
      case 'not-running':
        // The task shows running while its run ends (the last table just loaded, or a stop):
        // DMS's fault for a task that is not running.
        throw invalidState(`Cannot reload tables of replication task ${t.identifier}: ${result.message}. ReloadTables works only while the task is running; start it with StartReplicationTaskType reload-target to load every table again.`);
    }
  }

  private checkStartType(t: TaskRecord, startType: StartType): void {
    if (t.runId === 0 && startType !== 'start-replication') {
      throw invalidParameter(
        `Replication task ${t.identifier} has never run: its first start must use StartReplicationTaskType start-replication (${startType} continues or reloads an earlier run).`,
      );
    }
    if (t.runId > 0 && startType === 'start-replication') {
      throw invalidParameter(
        `Replication task ${t.identifier} has run before, so start-replication (for a first run) is not valid: use resume-processing to load the tables earlier runs did not complete, or reload-target to load every table again.`,
      );
    }
  }

  private launch(spec: TaskRunSpec): void {
    try {
      this.engine.start(spec);
    } catch (err) {
      this.reporter.finished(spec.taskArn, spec.runId, { kind: 'failed', stopReason: 'Stop Reason FATAL_ERROR', message: `The run could not start: ${messageOf(err)}` });
    }
  }

  /** The stop completed: a task still `stopping` in that run (no report came) ends `stopped` here. */
  private stopped(arn: string, runId: number): void {
    const { store, repos } = this.deps;
    try {
      store.tx(() => {
        const t = repos.tasks.get(arn);
        if (t && t.runId === runId && t.status === 'stopping') this.reporter.end(t, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
      });
    } catch (err) {
      // The store closes at shutdown; the task is then recovered at the next start.
      this.deps.log.debug('stop completion not recorded', { taskArn: arn, error: messageOf(err) });
    }
  }
}
