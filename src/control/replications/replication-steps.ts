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
import { capacityFor, parallelismFor } from './capacity.js';
import { preRunStages, type PreRunStage, type ReplicationRecord } from './record.js';
import { replicationStepKind } from './replication-service.js';

interface StepPayload {
  readonly seq: number;
}

/** How long one step takes at most when not told otherwise (the whole walk stays a few seconds). */
const maxStepMs = 500;

export class ReplicationSteps {
  constructor(
    private readonly deps: ControlDeps,
    private readonly runs: TaskRuns,
    private readonly connectors: Connectors,
  ) {}

  register(): void {
    this.deps.scheduler.on(replicationStepKind, (job) => this.step(job.key, (job.payload as StepPayload | null)?.seq ?? 0));
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
        const units = capacityFor(totalBytes, { min: config.compute.minCapacityUnits, max: config.compute.maxCapacityUnits });
        const now = clock.now().toISOString();
        this.schedule(
          repos.replications.update({
            ...current,
            stage: 'provisioning_capacity',
            provisioning: { units, dateProvisioned: now, basis: `${tables} source tables, about ${Math.round(totalBytes / 1024 ** 2)} MiB` },
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
        if (!current || current.startSeq !== r.startSeq) return;
        const now = clock.now().toISOString();
        repos.replications.update({ ...current, stage: 'failed', failureMessage: message, stopReason: 'Stop Reason FATAL_ERROR', lastStopTime: now, updatedAt: now });
      });
    } catch (err) {
      this.deps.log.debug('replication failure not recorded', { configArn: r.configArn, error: messageOf(err) });
    }
  }
}
