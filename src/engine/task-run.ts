/**
 * One attempt of one task (a run): fresh source and target sessions, the catalog and the
 * plan, then every selected table loaded with at most MaxFullLoadSubTasks tables or table
 * segments at once (and again, when ReloadTables asks while the run loads), and an outcome.
 * Disposable: a new start makes a new TaskRun. Every connection and the SQLite database of
 * expressions are closed in `finally`, whatever happens.
 */
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../common/clock.js';
import { messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { ConnectorError, type CaptureOptions, type ChangeCapture, type ChangeStream, type Connector, type SourceSession, type TableInfo, type TableRef, type TargetSession } from '../connectors/spi/index.js';
import { buildChangeMapper, tableKey, type TableChangeMapper } from './cdc/change-mapper.js';
import { runCdcLoop, type CdcLoopEnd, type CdcStopCondition } from './cdc/cdc-loop.js';
import { DdlReplication } from './cdc/ddl-replication.js';
import { buildRowTransform } from './full-load/row-transform.js';
import type { TablePlan } from './mapping/index.js';
import type { ConnectorLookup } from './connector-lookup.js';
import { LoadScheduler } from './full-load/load-scheduler.js';
import { loadTable } from './full-load/table-loader.js';
import { createSecondaryObjects, dropSecondaryForeignKeys, logSecondaryObjectsNotCreated, wantsSecondaryObjects } from './full-load/secondary-objects.js';
import { noTablesMessage } from './full-load/no-tables-message.js';
import { SlotPool } from './full-load/slot-pool.js';
import { prepareTable, tableDefOf } from './full-load/table-preparer.js';
import { MappingError } from './mapping/index.js';
import { mappingPlanner, type Planner } from './planner.js';
import type { EndpointSpec, LogSeverity, ReloadTablesResult, RunOutcome, SecondaryObjectsPlanner, TaskReporter, TaskRunSpec } from './ports.js';
import { tableName, type LogComponent, type RunContext, type RunLog } from './run-context.js';
import { TaskFailure, explain, isConnectionFailure } from './run-errors.js';
import { safeReporter } from './safe-reporter.js';
import { StatsBoard } from './statistics/stats-board.js';
import type { TaskLogStore } from './task-log/task-log-store.js';

export interface TaskRunDeps {
  readonly reporter: TaskReporter;
  readonly connectors: ConnectorLookup;
  readonly taskLogs: TaskLogStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Tests replace the mapping planner; the default is engine/mapping. */
  readonly planner?: Planner;
  /** How often a loading table's statistics may be reported (default 500 ms). */
  readonly statsThrottleMs?: number;
  /** OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad's statements (control's schema conversion). */
  readonly secondaryObjects?: SecondaryObjectsPlanner;
}

export const stopReasons = {
  normal: 'Stop Reason NORMAL',
  fullLoadOnlyFinished: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
  fatal: 'Stop Reason FATAL_ERROR',
  afterFullLoad: 'Stop Reason STOPPED_AFTER_FULL_LOAD',
  afterCachedEvents: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
  atCommitTime: 'Stop Reason STOPPED_AT_COMMIT_TIME',
  atServerTime: 'Stop Reason STOPPED_AT_SERVER_TIME',
} as const;

const stopReasonOfEnd: Record<CdcLoopEnd, string> = {
  'caught-up': stopReasons.afterCachedEvents,
  'commit-time': stopReasons.atCommitTime,
  'server-time': stopReasons.atServerTime,
};

export class TaskRun {
  private readonly abort = new AbortController();
  private failure?: TaskFailure;
  private readonly log: RunLog;
  private readonly reporter: TaskReporter;
  /** Set once the run has its plan: from then on ReloadTables can name its tables. */
  private scheduler?: LoadScheduler;
  /** CreateSecondaryObjectsAfterFullLoad: the run got to that phase (so it logged what it did). */
  private secondaryPhase = false;
  /** Change data capture of this run, once started. */
  private capture?: CaptureState;
  /** The tables change data capture applies to, once it runs (their sequences move at the end). */
  private cdcTables?: readonly TablePlan[];

  constructor(
    private readonly spec: TaskRunSpec,
    private readonly deps: TaskRunDeps,
  ) {
    this.log = runLogOf(spec, deps);
    this.reporter = safeReporter(deps.reporter, deps.log);
  }

  /** Runs the attempt to its end; never rejects. `stop` aborts it (Stop Reason NORMAL). */
  async execute(stop: AbortSignal): Promise<RunOutcome> {
    const { spec } = this;
    const onStop = (): void => this.abort.abort(stop.reason);
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    let source: SourceSession | undefined;
    let target: TargetSession | undefined;
    let sqlite: Database.Database | undefined;
    this.log.log(
      'TASK_MANAGER',
      'LOGGER_SEVERITY_INFO',
      `Task '${spec.taskIdentifier}' starting (run ${spec.runId}, ${spec.startType}, migration type ${spec.migrationType}, ${spec.source.engineName} -> ${spec.target.engineName})`,
    );
    try {
      const sourceConnector = this.connectorOf(spec.source, 'source');
      const targetConnector = this.connectorOf(spec.target, 'target');
      ({ source, target } = await this.openSessions(sourceConnector, targetConnector));
      const signal = this.abort.signal;

      const catalog = await source.listTables(signal).catch((err: unknown) => {
        throw signal.aborted ? err : new TaskFailure(`Cannot read the catalog of the source: ${explain(err)}`, { cause: err });
      });
      this.log.log('SOURCE_UNLOAD', 'LOGGER_SEVERITY_DEBUG', `The source has ${catalog.length} tables and views`);
      const { mappings, plan } = this.plan(catalog);
      for (const note of plan.notes) this.log.log('TRANSFORMATION', 'LOGGER_SEVERITY_WARNING', note);
      if (plan.tables.length === 0 && spec.settings.errorBehavior.failOnNoTablesCaptured) {
        throw new TaskFailure(noTablesMessage(mappings, catalog));
      }

      const byRef = new Map(catalog.map((t) => [keyOf(t), t]));
      const cdc = spec.migrationType === 'full-load' ? undefined : await this.startCapture(sourceConnector, plan.tables.map((t) => t.source));
      if (cdc && spec.migrationType === 'full-load-and-cdc' && cdc.freshSnapshot) {
        // The full load must see at least what the capture's start position saw: a snapshot
        // taken after the slot (PostgreSQL) or the position (MySQL) was set.
        await closeQuietly(source);
        source = undefined;
        source = await sourceConnector.openSource(spec.source.params, signal);
      }
      const board = new StatsBoard({
        taskArn: spec.taskArn,
        runId: spec.runId,
        reporter: this.reporter,
        clock: this.deps.clock,
        reloaded: spec.startType === 'reload-target',
        ...(this.deps.statsThrottleMs !== undefined ? { throttleMs: this.deps.statsThrottleMs } : {}),
      });
      const done = new Set(spec.startType === 'resume-processing' ? spec.completedTables.map(keyOf) : []);
      // A cdc task loads nothing: its tables are expected on the target already, as in DMS.
      if (spec.migrationType === 'cdc') for (const tp of plan.tables) done.add(keyOf(tp.source));
      const scheduler = new LoadScheduler(this.log, loadTable);
      let toLoad = 0;
      for (const tp of plan.tables) {
        const info = byRef.get(keyOf(tp.source));
        if (!info) throw new TaskFailure(`The plan names table ${tableName(tp.source)}, which the source catalog does not have`);
        if (done.has(keyOf(tp.source))) {
          scheduler.addPreCompleted(tp, info, board.addPreCompleted(tp.source, info.estimatedRows));
          this.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `Table ${tableName(tp.source)} was completed by a previous run: not loaded again (resume-processing)`);
          continue;
        }
        scheduler.add(tp, info, board.add(tp.source, info.estimatedRows));
        toLoad++;
      }
      if (plan.tables.length === 0) {
        this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_WARNING', `${noTablesMessage(mappings, catalog)}; the task finishes with nothing to load (FailOnNoTablesCaptured is false)`);
      }

      this.scheduler = scheduler;
      this.reporter.running(spec.taskArn, spec.runId);
      board.markFullLoadStarted();
      board.flush();
      this.log.log(
        'TASK_MANAGER',
        'LOGGER_SEVERITY_INFO',
        `Full load of ${toLoad} tables started (${plan.tables.length - toLoad} already completed), MaxFullLoadSubTasks ${spec.settings.maxFullLoadSubTasks}, CommitRate ${spec.settings.commitRate}`,
      );

      const ctx: RunContext = {
        settings: spec.settings,
        startType: spec.startType,
        source: source!,
        target,
        sourceLock: new SlotPool(1),
        targetLock: new SlotPool(1),
        slots: new SlotPool(Math.max(1, spec.settings.maxFullLoadSubTasks)),
        log: this.log,
        sqlite: () => (sqlite ??= new Database(':memory:')),
        signal,
        fail: (f) => this.fail(f),
      };
      if (wantsSecondaryObjects(spec)) {
        await dropSecondaryForeignKeys({ spec, tables: plan.tables, target: targetConnector, planner: this.deps.secondaryObjects, log: this.log, signal });
      }
      await scheduler.run(ctx);
      if (this.failure) throw this.failure;
      signal.throwIfAborted();

      board.markFullLoadFinished();
      board.flush();
      const stats = board.snapshot();
      const errored = stats.filter((s) => s.state === 'Table error');
      const truncated = stats.reduce((n, s) => n + s.truncatedLobValues, 0);
      const rows = stats.reduce((n, s) => n + s.fullLoadRows, 0);
      if (errored.length > 0) {
        this.log.log(
          'TASK_MANAGER',
          'LOGGER_SEVERITY_WARNING',
          `Full load finished with ${errored.length} of ${stats.length} tables in error (suspended): ${errored.map((s) => `"${s.schemaName}"."${s.tableName}"`).join(', ')}. See the table statistics and the errors above; reload them after fixing the cause`,
        );
      }
      if (truncated > 0) this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_WARNING', `${truncated} LOB values were truncated by limited LOB mode (see the warnings above)`);
      this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', `Full load finished: ${stats.length - errored.length} tables completed, ${rows} rows loaded`);
      if (wantsSecondaryObjects(spec)) {
        this.secondaryPhase = true;
        if (errored.length > 0) logSecondaryObjectsNotCreated(this.log, `${errored.length} tables are in error; reload them, then run the task again (reload-target) to create them`);
        else await createSecondaryObjects({ spec, tables: plan.tables, source: sourceConnector, target: targetConnector, planner: this.deps.secondaryObjects, log: this.log, signal });
      }
      if (cdc) {
        if (spec.settings.stopTaskCachedChangesNotApplied && spec.migrationType === 'full-load-and-cdc') {
          this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', 'Stopping after the full load, before applying the changes made during it (StopTaskCachedChangesNotApplied); resume-processing applies them');
          return { kind: 'stopped', stopReason: stopReasons.afterFullLoad };
        }
        this.cdcTables = plan.tables;
        const end = await this.replicate(cdc, sourceConnector, targetConnector, plan.tables, byRef, board, () => (sqlite ??= new Database(':memory:')));
        await this.advanceSequences(target);
        return { kind: 'stopped', stopReason: stopReasonOfEnd[end] };
      }
      return { kind: 'stopped', stopReason: stopReasons.fullLoadOnlyFinished };
    } catch (err) {
      if (wantsSecondaryObjects(spec) && !this.secondaryPhase) logSecondaryObjectsNotCreated(this.log, 'the full load did not complete (the task stopped or failed)');
      // A stop during change data capture is the cutover moment: the target's counters follow the data.
      if (stop.aborted && this.cdcTables && target) await this.advanceSequences(target);
      return this.outcomeOf(err, stop);
    } finally {
      this.scheduler?.close();
      stop.removeEventListener('abort', onStop);
      await Promise.all([closeQuietly(source), closeQuietly(target), closeQuietly(this.capture?.capture)]);
      sqlite?.close();
    }
  }

  /**
   * Change data capture, before the full load's snapshot: the source's prerequisites, the
   * task's slot and publication (PostgreSQL), and the position to stream from, persisted as
   * the task's checkpoint at once, so that a crash during the full load resumes capture
   * from there.
   */
  private async startCapture(sc: Connector, tables: readonly TableRef[]): Promise<CaptureState> {
    const { spec } = this;
    const signal = this.abort.signal;
    if (!sc.openChangeCapture) {
      throw new TaskFailure(`Change data capture from ${spec.source.engineName} is not supported by OpenDMS yet; use migration type full-load`);
    }
    const capture = await sc.openChangeCapture(spec.source.params, signal);
    this.capture = { capture, options: { taskId: spec.taskIdentifier, tables }, from: '', freshSnapshot: false };
    const fail = (what: string) => (err: unknown) => {
      throw signal.aborted ? err : new TaskFailure(`${what}: ${explain(err)}`, { cause: err });
    };
    await capture.checkPrerequisites(signal).catch(fail('The source is not ready for change data capture'));
    const current = await capture.prepare(this.capture.options, signal).catch(fail('Cannot prepare change data capture on the source'));
    const start = spec.cdc ?? {};
    let from: string;
    let origin: string;
    if (start.checkpoint && spec.startType === 'resume-processing') {
      from = start.checkpoint;
      origin = 'the task checkpoint (resume-processing)';
    } else if (start.startPosition) {
      from = parseStartPosition(capture, start.startPosition);
      origin = `CdcStartPosition ${start.startPosition}`;
    } else if (start.startTime) {
      if (!capture.positionAt) throw new TaskFailure(`CdcStartTime cannot be used with a ${spec.source.engineName} source: its change history cannot be searched by time. Start without it (capture starts now) or give CdcStartPosition`);
      from = await capture.positionAt(new Date(start.startTime), signal).catch(fail(`Cannot find the source position of CdcStartTime ${start.startTime}`));
      origin = `CdcStartTime ${start.startTime}`;
    } else {
      from = current;
      origin = 'the source position before the full load';
    }
    this.capture.from = from;
    this.capture.freshSnapshot = from === current;
    this.reporter.checkpoint(spec.taskArn, spec.runId, from);
    this.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_INFO', `Change data capture starts after ${from} (${origin})`);
    return this.capture;
  }

  /** After the full load: captured changes applied until the run is stopped. */
  private async replicate(
    cdc: CaptureState,
    sc: Connector,
    tc: Connector,
    tables: readonly TablePlan[],
    catalog: ReadonlyMap<string, TableInfo>,
    board: StatsBoard,
    sqlite: () => Database.Database,
  ): Promise<CdcLoopEnd> {
    const { spec } = this;
    const signal = this.abort.signal;
    if (!tc.openApplier) throw new TaskFailure(`Applying changes to ${spec.target.engineName} is not supported by OpenDMS yet; use migration type full-load`);
    const mappers = new Map<string, TableChangeMapper>();
    const buildMapper = (tp: TablePlan, info: TableInfo): TableChangeMapper => buildChangeMapper(tp, info.columns, buildRowTransform({ table: tp, sourceColumns: info.columns, sqlite }));
    const ddl = this.ddlReplication(sc, tc, mappers, buildMapper, board, sqlite);
    for (const tp of tables) {
      const info = catalog.get(keyOf(tp.source));
      if (!info) continue;
      mappers.set(tableKey(tp.source), buildMapper(tp, info));
      ddl.remember(tp.source, info.columns);
    }
    this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', `Applying changes of ${mappers.size} tables (ongoing replication)${spec.settings.batchApply ? ', net changes per key (BatchApplyEnabled)' : ''}`);
    await ddl.reconcile([...mappers.values()].map((m) => m.plan), signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      this.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_WARNING', `Cannot check the target tables' columns against the source: ${explain(err)}`);
    });
    // A lost connection to either side (a restarted server, a network cut, a slot still held
    // by a reader that just died) is retried with backoff from the last checkpoint; history
    // lost, missing settings and refused credentials are not: they need the user. The count
    // starts over once changes flow again, so each outage gets the whole policy.
    const policy = spec.settings.errorBehavior.recoverable ?? defaultRecoverable;
    const retries = { count: 0 };
    for (;;) {
      try {
        return await this.replicateOnce(cdc, tc, mappers, ddl, board, retries);
      } catch (err) {
        retries.count++;
        const wait = retryWaitMs(policy, retries.count);
        if (signal.aborted || !isRecoverable(err) || wait === undefined) {
          if (signal.aborted || err instanceof TaskFailure) throw err;
          throw new TaskFailure(`Change data capture failed${retries.count > 1 ? ` (after ${retries.count} attempts; ErrorBehavior RecoverableError* settings)` : ''}: ${explain(err)}`, { cause: err });
        }
        this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_WARNING', `Change data capture interrupted (${explain(err)}); retrying from checkpoint ${cdc.from} in ${wait / 1000} s (attempt ${retries.count + 1}${policy.count >= 0 ? ` of ${policy.count + 1}` : ''})`);
        await sleep(wait, undefined, { signal });
      }
    }
  }

  /** Source DDL during CDC: what DdlReplication needs of this run. */
  private ddlReplication(
    sc: Connector,
    tc: Connector,
    mappers: Map<string, TableChangeMapper>,
    buildMapper: (tp: TablePlan, info: TableInfo) => TableChangeMapper,
    board: StatsBoard,
    sqlite: () => Database.Database,
  ): DdlReplication {
    const { spec } = this;
    return new DdlReplication({
      settings: spec.settings,
      planOf: (info) => (this.deps.planner ?? mappingPlanner)(spec, [info]).plan.tables.find((t) => t.source.schema === info.schema && t.source.name === info.name),
      openSource: (signal) => sc.openSource(spec.source.params, signal),
      openTarget: (signal) => tc.openTarget(spec.target.params, signal),
      mappers,
      buildMapper,
      loadTable: async (plan, info, source, target, signal) => {
        const ctx: RunContext = {
          settings: spec.settings,
          startType: spec.startType,
          source,
          target,
          sourceLock: new SlotPool(1),
          targetLock: new SlotPool(1),
          slots: new SlotPool(Math.max(1, spec.settings.maxFullLoadSubTasks)),
          log: this.log,
          sqlite,
          signal,
          fail: (f) => this.fail(f),
        };
        // `reload`: a target table that exists is emptied whatever TargetTablePrepMode says, so the copy adds no duplicate.
        await loadTable(ctx, { plan, info, stats: board.add(plan.source, info.estimatedRows), reload: true });
        if (this.failure) throw this.failure;
      },
      prepareTable: async (plan, _info, target, signal) => {
        const prepared = await prepareTable({ target, def: tableDefOf(plan), mode: spec.settings.targetTablePrepMode, startType: spec.startType, pkAfterLoad: false, signal });
        this.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_INFO', `Target table ${tableName(plan.target)} ${prepared.actions.join(', ')} (TargetTablePrepMode ${spec.settings.targetTablePrepMode})`);
        for (const n of prepared.notices) this.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(plan.target)}, column ${n.column}: ${n.message}`);
      },
      tablesChanged: (plans) => {
        this.cdcTables = plans;
      },
      board,
      log: this.log,
    });
  }

  /** One connection to each side, streaming until it fails or the run stops. */
  private async replicateOnce(cdc: CaptureState, tc: Connector, mappers: ReadonlyMap<string, TableChangeMapper>, ddl: DdlReplication, board: StatsBoard, retries: { count: number }): Promise<CdcLoopEnd> {
    const { spec } = this;
    const signal = this.abort.signal;
    const applier = await tc.openApplier!(spec.target.params, signal);
    let stream: ChangeStream | undefined;
    try {
      stream = await cdc.capture.openStream(cdc.options, cdc.from, signal);
      if (retries.count > 0) this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', `Change data capture resumed from checkpoint ${cdc.from} after ${retries.count} ${retries.count === 1 ? 'retry' : 'retries'}`);
      return await runCdcLoop({
        stream,
        applier,
        mappers,
        ddl,
        applyTruncates: spec.settings.ddlHandling?.tableTruncated !== false,
        batchApply: spec.settings.batchApply === true,
        board,
        log: this.log,
        checkpoint: (position, latencyMs) => {
          this.reporter.checkpoint(spec.taskArn, spec.runId, position, latencyMs);
          cdc.from = position;
          // Changes flow again: a later outage gets the whole RecoverableError* policy.
          retries.count = 0;
        },
        comparePositions: (a, b) => cdc.capture.comparePositions(a, b),
        from: cdc.from,
        maxChanges: 10_000,
        maxDelayMs: 50,
        applyTimeoutMs: applyTimeoutMs,
        reportEveryMs: 60_000,
        now: () => this.deps.clock.now(),
        signal,
        ...(this.stopCondition() ? { stopAt: this.stopCondition()! } : {}),
      });
    } finally {
      await closeQuietly(stream);
      await closeQuietly(applier);
    }
  }

  /**
   * At the end of change data capture: each target table's sequences / AUTO_INCREMENT moved
   * past the largest migrated value, so the application's first insert after the cutover does
   * not collide (the trap other tools leave to their users). Each table on its own; a failure
   * is logged, never fails the run.
   */
  private async advanceSequences(target: TargetSession): Promise<void> {
    if (!target.advanceSequences || !this.cdcTables) return;
    // Bounded: a stop must not hang on a target that is down (each table would wait for its connect timeout).
    const signal = AbortSignal.timeout(15_000);
    for (const tp of this.cdcTables) {
      try {
        const moved = await target.advanceSequences(tp.target, signal);
        if (moved.length > 0) this.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_INFO', `Table ${tableName(tp.target)}: sequences advanced past the migrated values (${moved.join(', ')})`);
      } catch (err) {
        this.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(tp.target)}: its sequences could not be advanced past the migrated values: ${explain(err)}. Set them by hand before writing to the target`);
      }
    }
  }

  /** CdcStopPosition, or StopTaskCachedChangesApplied (which ends once the changes made during the full load are applied). */
  private stopCondition(): CdcStopCondition | undefined {
    const { spec } = this;
    const m = spec.cdc?.stopPosition ? /^(server_time|commit_time):(.+)$/.exec(spec.cdc.stopPosition) : null;
    if (m) return { kind: m[1] === 'server_time' ? 'server-time' : 'commit-time', at: new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(m[2]!) ? m[2]! : `${m[2]!}Z`) };
    if (spec.settings.stopTaskCachedChangesApplied && spec.migrationType === 'full-load-and-cdc') return { kind: 'caught-up' };
    return undefined;
  }

  /** ReloadTables on this run: accepted only while it loads tables. */
  reloadTables(tables: readonly TableRef[]): ReloadTablesResult {
    if (!this.scheduler) return { kind: 'not-running', message: 'the run is still starting (connecting, reading the catalog, planning)' };
    return this.scheduler.reload(tables);
  }

  private connectorOf(endpoint: EndpointSpec, role: 'source' | 'target'): Connector {
    const c = this.deps.connectors.forEngine(endpoint.engineName);
    if (!c) {
      throw new TaskFailure(
        `OpenDMS has no connector for the ${role} engine '${endpoint.engineName}' yet, so it cannot ${role === 'source' ? 'read from' : 'write to'} this endpoint. Use a PostgreSQL, MySQL or MariaDB endpoint`,
      );
    }
    return c;
  }

  /** Both sessions or neither: one that opened is closed when the other fails. */
  private async openSessions(sc: Connector, tc: Connector): Promise<{ source: SourceSession; target: TargetSession }> {
    const signal = this.abort.signal;
    const [s, t] = await Promise.allSettled([sc.openSource(this.spec.source.params, signal), tc.openTarget(this.spec.target.params, signal)]);
    if (s.status === 'fulfilled' && t.status === 'fulfilled') {
      this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', 'Connected to the source and the target');
      return { source: s.value, target: t.value };
    }
    await Promise.all([closeQuietly(s.status === 'fulfilled' ? s.value : undefined), closeQuietly(t.status === 'fulfilled' ? t.value : undefined)]);
    if (signal.aborted) throw signal.reason;
    const [role, err] = s.status === 'rejected' ? (['source', s.reason] as const) : (['target', (t as PromiseRejectedResult).reason] as const);
    throw new TaskFailure(`Cannot open the ${role} endpoint: ${explain(err)}`, { cause: err });
  }

  private plan(catalog: readonly TableInfo[]): ReturnType<Planner> {
    try {
      return (this.deps.planner ?? mappingPlanner)(this.spec, catalog);
    } catch (err) {
      const what = err instanceof MappingError ? 'The table mappings cannot be applied' : 'Planning the full load failed';
      throw new TaskFailure(`${what}: ${messageOf(err)}`, { cause: err });
    }
  }

  private fail(failure: TaskFailure): void {
    if (this.failure) return;
    this.failure = failure;
    this.abort.abort(failure);
  }

  private outcomeOf(err: unknown, stop: AbortSignal): RunOutcome {
    const failure = this.failure ?? (err instanceof TaskFailure ? err : undefined);
    let message: string;
    if (failure) message = failure.message;
    else if (stop.aborted) {
      this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', `Task '${this.spec.taskIdentifier}' stopped (${messageOf(stop.reason)})`);
      return { kind: 'stopped', stopReason: stopReasons.normal };
    } else if (isConnectionFailure(err)) message = `Connection lost: ${explain(err)}`;
    else {
      message = `Unexpected error: ${explain(err)}`;
      this.deps.log.error('task run failed unexpectedly', { taskArn: this.spec.taskArn, error: messageOf(err), stack: err instanceof Error ? err.stack : undefined });
    }
    this.log.log('TASK_MANAGER', 'LOGGER_SEVERITY_ERROR', `Task '${this.spec.taskIdentifier}' failed: ${message}`);
    return { kind: 'failed', stopReason: stopReasons.fatal, message };
  }
}

function runLogOf(spec: TaskRunSpec, deps: TaskRunDeps): RunLog {
  const writer = deps.taskLogs.writer(spec.taskArn, spec.settings.logging, () => deps.clock.now());
  let broken = false;
  return {
    log(component: LogComponent, severity: LogSeverity, message: string) {
      try {
        writer.log(component, severity, message);
      } catch (err) {
        // A full disk must not stop the migration; say it once in the server log.
        if (!broken) deps.log.warn('cannot write the task log', { taskArn: spec.taskArn, error: messageOf(err) });
        broken = true;
      }
    },
  };
}

async function closeQuietly(s: { close(): Promise<void> } | undefined): Promise<void> {
  await s?.close().catch(() => undefined);
}

const keyOf = (t: TableRef): string => `${t.schema}\u0000${t.name}`;

/** How long one apply of captured changes may take before the target is taken as unreachable (cdc-loop.ts). */
const applyTimeoutMs = 120_000;

type RecoverablePolicy = NonNullable<TaskRunSpec['settings']['errorBehavior']['recoverable']>;

/** DMS's defaults: retry without end, 5 s doubling up to 1800 s, then give up. */
const defaultRecoverable: RecoverablePolicy = { count: -1, intervalSeconds: 5, throttling: true, throttlingMaxSeconds: 1800, stopAfterThrottlingMax: true };

/** The wait before retry number `attempt` (1 = the first retry), or undefined when the policy says to give up. */
export function retryWaitMs(p: RecoverablePolicy, attempt: number): number | undefined {
  if (p.count >= 0 && attempt > p.count) return undefined;
  const base = Math.max(0, p.intervalSeconds) * 1000;
  if (!p.throttling) return base;
  const max = Math.max(0, p.throttlingMaxSeconds) * 1000;
  const wait = base * 2 ** (attempt - 1);
  if (wait > max) {
    // The previous wait already reached the maximum: DMS stops retrying then, when told to.
    if (p.stopAfterThrottlingMax && base * 2 ** (attempt - 2) >= max) return undefined;
    return max;
  }
  return wait;
}

/** Failures worth retrying: the connection, not the configuration or the history. */
function isRecoverable(err: unknown): boolean {
  return err instanceof ConnectorError && (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'other');
}

interface CaptureState {
  readonly capture: ChangeCapture;
  readonly options: CaptureOptions;
  /** The position the stream starts after. */
  from: string;
  /** True when capture starts at the source's current position: the full load needs a snapshot taken after it. */
  freshSnapshot: boolean;
}

/** CdcStartPosition: a checkpoint string this server wrote (`checkpoint:` + position) or a native position. */
function parseStartPosition(capture: ChangeCapture, text: string): string {
  const native = text.startsWith('checkpoint:') ? text.slice('checkpoint:'.length) : text;
  try {
    return capture.parsePosition(native);
  } catch (err) {
    throw new TaskFailure(`CdcStartPosition '${text}' is not a position of this source: ${messageOf(err)}`, { cause: err });
  }
}
