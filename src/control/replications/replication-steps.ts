/**
 * The serverless steps a start walks through before the engine run, one scheduled step each
 * (like the task steps): initializing, preparing_metadata_resources, testing_connection,
 * fetching_metadata, calculating_capacity (the source's catalog sizes: capacity.ts),
 * provisioning_capacity, replication_starting; then the task behind the replication starts
 * with its parallelism bounded by the provisioned capacity, and the replication's status
 * follows the run. Steps are persisted and carry the start they belong to (`startSeq`), so a
 * step of an earlier start, or one repeated after a restart, changes nothing.
 */
import type { Scope } from '../../api/dispatch.js';
import { messageOf } from '../../common/errors.js';
import type { Connectors } from '../../connectors/registry.js';
import type { ControlDeps } from '../deps.js';
import { scopeOfArn } from '../replication-instances/instance-steps.js';
import { endpointSpecOf } from '../replication-tasks/run-spec.js';
import { serverlessScope } from '../replication-tasks/serverless-tasks.js';
import type { TaskRuns } from '../replication-tasks/task-runs.js';
import { requireByArn } from '../shared/faults.js';
import { runIdentifier } from '../assessment-runs/record.js';
import { chooseAssessments } from '../assessment-runs/run-input.js';
import type { AssessmentRunService } from '../assessment-runs/run-service.js';
import { capacityForWorkload, newProvisioningFor, parallelismFor } from './capacity.js';
import { tableStatisticsOf } from '../replication-tasks/table-statistics.js';
import { assessmentFailureMessage, failingRunStatuses, isActiveRun, type PremigrationAssessment } from './premigration.js';
import { preRunStages, type ChangeRate, type PreRunStage, type ReplicationRecord } from './record.js';
import { replicationCapacityKind, replicationStepKind } from './replication-service.js';

interface StepPayload {
  readonly seq: number;
}

/** How long one step takes at most when not told otherwise (the whole walk stays a few seconds). */
const maxStepMs = 500;
/** How often a running replication's change rate is read and its capacity computed again. */
const observeEveryMs = 5_000;

export class ReplicationSteps {
  constructor(
    private readonly deps: ControlDeps,
    private readonly runs: TaskRuns,
    private readonly connectors: Connectors,
    private readonly assessmentRuns: AssessmentRunService,
  ) {}

  register(): void {
    this.deps.scheduler.on(replicationStepKind, (job) => this.step(job.key, (job.payload as StepPayload | null)?.seq ?? 0));
    this.deps.scheduler.on(replicationCapacityKind, (job) => this.observe(job.key, (job.payload as StepPayload | null)?.seq ?? 0));
  }

  /**
   * While the run runs, every `observeEveryMs` the change rate is read from the task's table
   * statistics (the row changes applied since the last read) and the capacity is computed again
   * from the run's peak rate and the source's table sizes (capacity.ts newProvisioningFor): when it differs from
   * the provisioned capacity, ProvisionData shows IsNewProvisioningAvailable with the reason;
   * the new capacity applies at the next start. Persisted as a scheduled job, so it goes on
   * after a restart; it ends with the run.
   */
  observe(arn: string, seq: number): void {
    const { store, repos, clock } = this.deps;
    try {
      store.tx(() => {
        const r = repos.replications.get(arn);
        if (!r || r.startSeq !== seq || r.stage !== 'run') return;
        const scope = serverlessScope(scopeOfArn(r.configArn));
        const task = repos.tasks.getInScope(scope, r.taskArn);
        if (!task || (task.status !== 'starting' && task.status !== 'running')) return;
        const reschedule = () => this.deps.scheduler.schedule(replicationCapacityKind, r.arn, observeEveryMs, { seq: r.startSeq } satisfies StepPayload);
        const config = repos.replicationConfigs.get(r.configArn);
        if (task.status !== 'running' || !config || !r.provisioning) {
          reschedule();
          return;
        }
        const changes = tableStatisticsOf(repos, scope, task.arn).reduce((n, t) => n + (t.inserts ?? 0) + (t.updates ?? 0) + (t.deletes ?? 0) + (t.ddls ?? 0), 0);
        const now = clock.now();
        const last = r.changeRate;
        let changeRate: ChangeRate = { runId: task.runId, changes, at: now.toISOString() };
        if (last && last.runId === task.runId && changes >= last.changes) {
          const seconds = (now.getTime() - new Date(last.at).getTime()) / 1000;
          if (seconds > 0) {
            const perSecond = (changes - last.changes) / seconds;
            changeRate = { ...changeRate, perSecond, peakPerSecond: Math.max(perSecond, last.peakPerSecond ?? 0) };
          }
        }
        let next = r.newProvisioning;
        if (changeRate.peakPerSecond !== undefined) {
          const decision = newProvisioningFor(
            r.provisioning.units,
            { totalBytes: r.provisioning.sourceBytes ?? 0, changesPerSecond: changeRate.peakPerSecond },
            { min: config.compute.minCapacityUnits, max: config.compute.maxCapacityUnits },
          );
          next = decision ? { units: decision.units, reason: decision.reason, date: next?.units === decision.units ? next.date : now.toISOString() } : undefined;
        }
        const { newProvisioning: _dropped, ...rest } = r;
        repos.replications.update({ ...rest, changeRate, ...(next ? { newProvisioning: next } : {}) });
        reschedule();
      });
    } catch (err) {
      this.deps.log.debug('replication capacity not re-evaluated', { configArn: arn, error: messageOf(err) });
    }
  }

  /** Schedules the next step of the replication's current start (inside the caller's transaction). */
  schedule(r: ReplicationRecord): void {
    const delay = Math.min(maxStepMs, this.deps.settings.provisioningDelayMs);
    this.deps.scheduler.schedule(replicationStepKind, r.arn, delay, { seq: r.startSeq } satisfies StepPayload);
  }

  step(arn: string, seq: number): void {
    const { store, repos, clock } = this.deps;
    const r = store.tx(() => {
      const current = repos.replications.get(arn);
      if (!current || current.startSeq !== seq || !(preRunStages as readonly string[]).includes(current.stage)) return undefined;
      return current;
    });
    if (!r) return;
    const stage = r.stage as PreRunStage;
    if (stage === 'calculating_capacity') {
      this.calculateCapacity(r);
      return;
    }
    if (stage === 'fetching_metadata') {
      const a = r.assessments?.find((x) => x.seq === r.startSeq);
      if (a && !a.settled) {
        this.assess(r, a);
        return;
      }
    }
    if (stage === 'replication_starting') {
      this.startRun(r);
      return;
    }
    store.tx(() => {
      const next = preRunStages[preRunStages.indexOf(stage) + 1]!;
      let updated: ReplicationRecord = { ...r, stage: next, updatedAt: clock.now().toISOString() };
      if (stage === 'provisioning_capacity' && r.provisioning) {
        // Provisioned now: the capacity computed in the step before is in place.
        updated = { ...updated, provisioning: { ...r.provisioning, dateProvisioned: clock.now().toISOString() } };
      }
      this.schedule(repos.replications.update(updated));
    });
  }

  /**
   * The premigration assessment of this start (PremigrationAssessmentSettings), in
   * fetching_metadata: the run is started through the assessment-run service on the task behind
   * the replication (which shows `testing` meanwhile and returns to its status in the run's
   * ending transaction), its ARN recorded, and the step polls by rescheduling itself until the
   * run ended. Nothing waits in memory: after a restart the step is scheduled again, adopts a run
   * already recorded under the start's run name, and finds a run the restart interrupted ended
   * (error-provisioning / error-executing). A run that ended failed, error-* or cancelled stops
   * the start when FailOnAssessmentFailure is true; otherwise the start goes on.
   */
  private assess(r: ReplicationRecord, a: PremigrationAssessment): void {
    const { store, repos } = this.deps;
    const scope = serverlessScope(scopeOfArn(r.configArn));
    if (a.runArn === undefined) {
      const existing = repos.assessmentRuns.byIdentifier(scope, runIdentifier(r.taskArn, a.name));
      if (existing) {
        this.recordRun(r, a, existing.arn);
        return;
      }
      const started = this.assessmentRuns.begin(scope, r.taskArn, {
        name: a.name,
        serviceAccessRoleArn: `arn:aws:iam::${scope.account}:role/dms-access-for-tasks`,
        location: a.location,
        choose: (applicable) =>
          chooseAssessments(applicable, { ...(a.includeOnly ? { IncludeOnly: a.includeOnly } : {}), ...(a.exclude ? { Exclude: a.exclude } : {}) }, r.taskArn),
      });
      started.then(
        (run) => this.recordRun(r, a, run.arn),
        (err: unknown) => this.fail(r, `The premigration assessment could not start: ${messageOf(err)}`),
      );
      return;
    }
    const run = repos.assessmentRuns.get(a.runArn);
    if (!run) {
      this.fail(r, `The premigration assessment run ${a.name} (${a.runArn}) no longer exists. Start the replication again.`);
      return;
    }
    if (isActiveRun(run)) {
      // Poll: the same step again a little later.
      store.tx(() => {
        const current = repos.replications.get(r.arn);
        if (current && current.startSeq === r.startSeq && current.stage === 'fetching_metadata') this.schedule(current);
      });
      return;
    }
    if (a.failOnFailure && failingRunStatuses.includes(run.status)) {
      this.fail(r, assessmentFailureMessage(a, run));
      return;
    }
    store.tx(() => {
      const current = repos.replications.get(r.arn);
      if (!current || current.startSeq !== r.startSeq || current.stage !== 'fetching_metadata') return;
      this.schedule(this.updateAssessment(current, { ...a, runArn: run.arn, settled: true }, 'calculating_capacity'));
    });
  }

  private recordRun(r: ReplicationRecord, a: PremigrationAssessment, runArn: string): void {
    const { store, repos } = this.deps;
    try {
      const recorded = store.tx(() => {
        const current = repos.replications.get(r.arn);
        if (!current || current.startSeq !== r.startSeq || current.stage !== 'fetching_metadata') return false;
        this.schedule(this.updateAssessment(current, { ...a, runArn }, 'fetching_metadata'));
        return true;
      });
      // Stopped (or started again) while the run was being started: the run is not needed any more.
      if (!recorded) this.assessmentRuns.cancel(serverlessScope(scopeOfArn(r.configArn)), runArn);
    } catch (err) {
      this.deps.log.debug('premigration assessment run not recorded', { configArn: r.configArn, error: messageOf(err) });
    }
  }

  private updateAssessment(r: ReplicationRecord, a: PremigrationAssessment, stage: PreRunStage): ReplicationRecord {
    return this.deps.repos.replications.update({
      ...r,
      stage,
      assessments: (r.assessments ?? []).map((x) => (x.seq === a.seq ? a : x)),
      updatedAt: this.deps.clock.now().toISOString(),
    });
  }

  /** Reads the source's catalog (table sizes) in the background and provisions between Min and Max capacity units. */
  private calculateCapacity(r: ReplicationRecord): void {
    const { repos } = this.deps;
    const scope = scopeOfArn(r.configArn);
    let params;
    let connector;
    try {
      const config = requireByArn(repos.replicationConfigs, scope, r.configArn, 'Replication config');
      const source = endpointSpecOf(repos, this.connectors, requireByArn(repos.endpoints, scope, config.sourceEndpointArn, 'Endpoint'), 'source');
      connector = this.connectors.forEngine(source.engineName);
      params = source.params;
      if (!connector) throw new Error(`no connector for ${source.engineName}`);
    } catch (err) {
      this.fail(r, `Calculating capacity failed: ${messageOf(err)}`);
      return;
    }
    const c = connector;
    const p = params;
    const submitted = this.connectors.submit(async (signal) => {
      let totalBytes = 0;
      let tables = 0;
      try {
        const session = await c.openSource(p, AbortSignal.any([signal, AbortSignal.timeout(60_000)]));
        try {
          for (const t of await session.listTables(signal)) {
            if (t.kind !== 'table') continue;
            totalBytes += t.estimatedBytes;
            tables += 1;
          }
        } finally {
          await session.close();
        }
      } catch (err) {
        this.fail(r, `Calculating capacity failed: the source could not be read (${messageOf(err)}). Check the source endpoint with TestConnection and start the replication again.`);
        return;
      }
      this.provision(r, totalBytes, tables);
    });
    if (!submitted) this.deps.log.debug('capacity not calculated: the server is shutting down', { configArn: r.configArn });
  }

  private provision(r: ReplicationRecord, totalBytes: number, tables: number): void {
    const { store, repos, clock } = this.deps;
    try {
      store.tx(() => {
        const current = repos.replications.get(r.arn);
        if (!current || current.startSeq !== r.startSeq || current.stage !== 'calculating_capacity') return;
        const config = repos.replicationConfigs.get(r.configArn);
        if (!config) return;
        // The table sizes, and the change rate the last run showed (a new provisioning offered while it ran applies now).
        const rate = current.changeRate?.peakPerSecond ?? 0;
        const units = capacityForWorkload({ totalBytes, changesPerSecond: rate }, { min: config.compute.minCapacityUnits, max: config.compute.maxCapacityUnits });
        const now = clock.now().toISOString();
        const { newProvisioning: _applied, ...rest } = current;
        this.schedule(
          repos.replications.update({
            ...rest,
            stage: 'provisioning_capacity',
            provisioning: {
              units,
              dateProvisioned: now,
              basis: `${tables} source tables, about ${Math.round(totalBytes / 1024 ** 2)} MiB${rate > 0 ? `, peak of ${Math.round(rate)} changes/s in the last run` : ''}`,
              sourceBytes: totalBytes,
            },
            updatedAt: now,
          }),
        );
      });
    } catch (err) {
      this.deps.log.debug('capacity not recorded', { configArn: r.configArn, error: messageOf(err) });
    }
  }

  /** The last step: the task behind the replication starts, its parallelism bounded by the provisioned capacity. */
  private startRun(r: ReplicationRecord): void {
    const { store, repos, clock } = this.deps;
    const scope: Scope = scopeOfArn(r.configArn);
    const ready = store.tx(() => {
      const task = repos.tasks.getInScope(serverlessScope(scope), r.taskArn);
      if (!task) return false;
      const settings = task.settings as Record<string, Record<string, unknown>>;
      const fullLoad = settings['FullLoadSettings'] ?? {};
      const configured = typeof fullLoad['MaxFullLoadSubTasks'] === 'number' ? (fullLoad['MaxFullLoadSubTasks'] as number) : 8;
      const parallelism = parallelismFor(r.provisioning?.units ?? 1, configured);
      repos.tasks.update({ ...task, settings: { ...settings, FullLoadSettings: { ...fullLoad, MaxFullLoadSubTasks: parallelism } } });
      repos.replications.update({ ...r, stage: 'run', updatedAt: clock.now().toISOString() });
      this.deps.scheduler.schedule(replicationCapacityKind, r.arn, observeEveryMs, { seq: r.startSeq } satisfies StepPayload);
      return true;
    });
    if (!ready) {
      this.fail(r, 'The replication could not start: its task record is missing. Start the replication again.');
      return;
    }
    try {
      this.runs.start(serverlessScope(scope), {
        ReplicationTaskArn: r.taskArn,
        StartReplicationTaskType: r.startType,
        ...(r.cdcStartTime !== undefined ? { CdcStartTime: new Date(r.cdcStartTime) } : {}),
        ...(r.cdcStartPosition !== undefined ? { CdcStartPosition: r.cdcStartPosition } : {}),
        ...(r.cdcStopPosition !== undefined ? { CdcStopPosition: r.cdcStopPosition } : {}),
      });
    } catch (err) {
      this.fail({ ...r, stage: 'run' }, `The replication could not start: ${messageOf(err)}`);
    }
  }

  /** The start ended before its run: `failed` with the reason in FailureMessages. */
  private fail(r: ReplicationRecord, message: string): void {
    const { store, repos, clock } = this.deps;
    this.deps.log.warn('replication start failed', { configArn: r.configArn, error: message });
    try {
      store.tx(() => {
        const current = repos.replications.get(r.arn);
        // A start stopped meanwhile (StopReplication) stays stopped.
        if (!current || current.startSeq !== r.startSeq || current.stage === 'stopped' || current.stage === 'failed') return;
        const now = clock.now().toISOString();
        repos.replications.update({ ...current, stage: 'failed', failureMessage: message, stopReason: 'Stop Reason FATAL_ERROR', lastStopTime: now, updatedAt: now });
      });
    } catch (err) {
      this.deps.log.debug('replication failure not recorded', { configArn: r.configArn, error: messageOf(err) });
    }
  }
}
