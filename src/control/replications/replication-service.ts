/**
 * DMS Serverless replications: StartReplication, StopReplication, ReloadReplicationTables and
 * the status the config operations consult (ReplicationStates). A replication runs on the task
 * runtime through the task behind it (replication-tasks/serverless-tasks.ts): the engine run,
 * checkpoints, statistics, crash recovery and change data capture are the task's. This layer
 * walks the serverless steps before the run (replication-steps.ts), provisions capacity, and
 * maps the task's run to the replication's statuses.
 */
import type { Scope } from '../../api/dispatch.js';
import type { ReloadReplicationTablesMessage, StartReplicationMessage } from '../../api/generated/shapes.js';
import { invalidParameter, messageOf } from '../../common/errors.js';
import type { Connectors } from '../../connectors/registry.js';
import type { StartType } from '../../engine/ports.js';
import { applicableAssessments } from '../../assessment/index.js';
import type { AssessmentRunService } from '../assessment-runs/run-service.js';
import type { ControlDeps } from '../deps.js';
import type { ReplicationConfigRecord } from '../replication-configs/record.js';
import { idleReplicationStatuses, type ReplicationStates } from '../replication-configs/replication-state.js';
import { cdcPositionsOf, givesCdcPosition } from '../replication-tasks/cdc-positions.js';
import type { TaskRecord } from '../replication-tasks/record.js';
import { endpointSpecOf, notYet } from '../replication-tasks/run-spec.js';
import { serverlessScope } from '../replication-tasks/serverless-tasks.js';
import { removeTableStatistics, tableStatisticsOf } from '../replication-tasks/table-statistics.js';
import { unsupportedSettings } from '../replication-tasks/task-settings.js';
import type { TaskRuns } from '../replication-tasks/task-runs.js';
import { formatArn, parseArn } from '../shared/arn.js';
import { invalidState, requireByArn } from '../shared/faults.js';
import type { AssessmentRunRecord } from '../assessment-runs/record.js';
import { parsePremigrationSettings, type PremigrationAssessment } from './premigration.js';
import { preRunStages, replicationArnOf, type ReplicationRecord } from './record.js';

const startTypes: readonly StartType[] = ['start-replication', 'resume-processing', 'reload-target'];

/** A replication's view: the record, its config and the task behind it. */
export interface ReplicationView {
  readonly record: ReplicationRecord;
  readonly config: ReplicationConfigRecord;
  readonly task: TaskRecord | undefined;
  /** The premigration assessments of its starts whose runs exist, oldest first (PremigrationAssessmentStatuses). */
  readonly assessments: readonly { readonly assessment: PremigrationAssessment; readonly run: AssessmentRunRecord }[];
}

/** The ARN of the task behind a config's replication: `--` cannot appear in a ResourceIdentifier, so it never collides with a user's task. */
export function taskArnOf(config: ReplicationConfigRecord): string {
  const p = parseArn(config.arn)!;
  return formatArn({ account: p.account, region: p.region }, 'task', `${p.id}--replication`);
}

export class ReplicationService implements ReplicationStates {
  constructor(
    private readonly deps: ControlDeps,
    private readonly runs: TaskRuns,
    private readonly connectors: Connectors,
    /** Schedules the first serverless step of a start (replication-steps.ts); called inside the start's transaction. */
    private readonly firstStep: (r: ReplicationRecord) => void,
    /** Premigration assessments (PremigrationAssessmentSettings) are runs of the task behind the replication. */
    private readonly assessmentRuns: AssessmentRunService,
  ) {}

  /** ReplicationStates: the status DescribeReplications shows, for ModifyReplicationConfig / DeleteReplicationConfig. */
  statusOf(scope: Scope, configArn: string): string | undefined {
    const r = this.deps.repos.replications.get(replicationArnOf(configArn));
    if (!r) return undefined;
    return this.statusOfRecord(r, this.taskOf(scope, r));
  }

  /** ReplicationStates: the config is deleted (no replication runs); its replication and the task behind it go too. */
  released(scope: Scope, configArn: string): void {
    const { repos } = this.deps;
    const r = repos.replications.get(replicationArnOf(configArn));
    if (!r) return;
    const task = this.taskOf(scope, r);
    repos.replications.delete(r.arn);
    this.deps.scheduler.cancel(replicationStepKind, r.arn);
    this.deps.scheduler.cancel(replicationCapacityKind, r.arn);
    if (task) {
      // Its premigration assessment runs (in the task's scope) go with it; their result files stay.
      for (const run of repos.assessmentRuns.list(serverlessScope(scope))) if (run.taskArn === task.arn) repos.assessmentRuns.delete(run.arn);
      repos.tasks.delete(task.arn);
      removeTableStatistics(repos, serverlessScope(scope), task.arn);
      // What change data capture created on the source (the replication slot) is dropped in the background.
      this.runs.deleted(scope, task);
    }
  }

  start(scope: Scope, input: StartReplicationMessage): ReplicationView {
    const { store, repos, clock } = this.deps;
    const startType = input.StartReplicationType as StartType;
    if (!startTypes.includes(startType)) {
      throw invalidParameter(`StartReplicationType '${input.StartReplicationType}' is not valid: use one of ${startTypes.join(', ')}.`);
    }
    const cdc = cdcPositionsOf(input);
    const record = store.tx(() => {
      const config = this.config(scope, input.ReplicationConfigArn);
      const existing = repos.replications.get(replicationArnOf(config.arn));
      const task = existing ? this.taskOf(scope, existing) : undefined;
      if (existing) {
        const status = this.statusOfRecord(existing, task);
        if (!idleReplicationStatuses.includes(status)) {
          throw invalidState(`Cannot start the replication of config ${config.identifier}: its status is ${status}. Stop it with StopReplication first, or wait until it is stopped.`);
        }
      }
      const hasRun = task !== undefined && task.runId > 0;
      if (!hasRun && startType !== 'start-replication') {
        throw invalidParameter(`The replication of config ${config.identifier} has never run: its first start must use StartReplicationType start-replication (${startType} continues or reloads an earlier run).`);
      }
      if (hasRun && startType === 'start-replication') {
        throw invalidParameter(
          `The replication of config ${config.identifier} has run before, so start-replication (for a first run) is not valid: use resume-processing to continue where it stopped, or reload-target to load every table again.`,
        );
      }
      if (config.replicationType === 'full-load' && givesCdcPosition(cdc)) {
        throw invalidParameter(`CdcStartTime, CdcStartPosition and CdcStopPosition apply to replications that capture changes; config ${config.identifier} is full-load. Start it without them.`);
      }
      if (startType === 'resume-processing' && config.replicationType !== 'full-load' && !task?.recoveryCheckpoint && !givesCdcPosition(cdc)) {
        throw invalidParameter(`The replication of config ${config.identifier} has no checkpoint to resume change data capture from. Start it with reload-target, or give CdcStartPosition.`);
      }
      const unsupported = unsupportedSettings(config.settings);
      if (unsupported.length > 0) {
        throw notYet(`Config ${config.identifier} uses settings OpenDMS does not implement yet: ${unsupported.join(', ')}. Set them to false with ModifyReplicationConfig to start it.`);
      }
      // Both endpoints must be usable now (the same checks as a task's start).
      const source = requireByArn(repos.endpoints, scope, config.sourceEndpointArn, 'Endpoint');
      const target = requireByArn(repos.endpoints, scope, config.targetEndpointArn, 'Endpoint');
      endpointSpecOf(repos, this.connectors, source, 'source');
      endpointSpecOf(repos, this.connectors, target, 'target');
      const seq = (existing?.startSeq ?? 0) + 1;
      const assessment =
        input.PremigrationAssessmentSettings === undefined
          ? undefined
          : parsePremigrationSettings(input.PremigrationAssessmentSettings, {
              scope,
              configId: config.identifier,
              seq,
              now: clock.now(),
              applicable: applicableAssessments(source.engineName, target.engineName, config.replicationType),
            });
      const assessments = [...(existing?.assessments ?? []), ...(assessment ? [assessment] : [])];

      this.syncTask(scope, config, task);
      const now = clock.now().toISOString();
      const next: ReplicationRecord = {
        arn: replicationArnOf(config.arn),
        identifier: config.arn,
        configArn: config.arn,
        taskArn: taskArnOf(config),
        stage: preRunStages[0],
        startSeq: seq,
        startType,
        ...cdc,
        ...(assessments.length > 0 ? { assessments } : {}),
        // The last observed change rate sizes this start's capacity (calculating_capacity); a pending new provisioning applies now.
        ...(existing?.changeRate ? { changeRate: existing.changeRate } : {}),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        ...(existing?.lastStopTime ? { lastStopTime: existing.lastStopTime } : {}),
      };
      if (existing) repos.replications.update(next);
      else repos.replications.insert(scope, next);
      this.firstStep(next);
      return next;
    });
    return this.viewOf(scope, record);
  }

  /** Stops the replication: before its run, at once; during its run, through the task's stop (`stopping`, then `stopped`). Never deprovisions. */
  stop(scope: Scope, configArn: string): ReplicationView {
    const { store, repos, clock } = this.deps;
    const { record, stopTask, cancelRun } = store.tx(() => {
      const config = this.config(scope, configArn);
      const r = repos.replications.get(replicationArnOf(config.arn));
      const task = r ? this.taskOf(scope, r) : undefined;
      const status = r ? this.statusOfRecord(r, task) : 'created';
      const stoppable = r !== undefined && ((preRunStages as readonly string[]).includes(r.stage) || (r.stage === 'run' && (task?.status === 'starting' || task?.status === 'running')));
      if (!r || !stoppable) {
        throw invalidState(`Cannot stop the replication of config ${config.identifier}: its status is ${status}. Only a replication that is starting or running can be stopped.`);
      }
      const now = clock.now().toISOString();
      if (r.stage !== 'run') {
        this.deps.scheduler.cancel(replicationStepKind, r.arn);
        // A premigration assessment under way for this start is cancelled (the task leaves `testing` when it ends).
        const runArn = r.assessments?.find((a) => a.seq === r.startSeq)?.runArn;
        const run = runArn !== undefined ? repos.assessmentRuns.get(runArn) : undefined;
        return {
          record: repos.replications.update({ ...r, stage: 'stopped', stopReason: 'Stop Reason NORMAL', lastStopTime: now, updatedAt: now }),
          stopTask: false,
          cancelRun: run && ['starting', 'provisioning', 'running'].includes(run.status) ? run.arn : undefined,
        };
      }
      return { record: repos.replications.update({ ...r, updatedAt: now }), stopTask: true, cancelRun: undefined };
    });
    if (stopTask) this.runs.stop(serverlessScope(scope), record.taskArn);
    if (cancelRun !== undefined) {
      try {
        this.assessmentRuns.cancel(serverlessScope(scope), cancelRun);
      } catch (err) {
        this.deps.log.debug('premigration assessment not cancelled', { configArn, error: messageOf(err) });
      }
    }
    return this.viewOf(scope, record);
  }

  /** ReloadReplicationTables: the task's ReloadTables, within the running run. */
  reload(scope: Scope, input: ReloadReplicationTablesMessage): string {
    const config = this.config(scope, input.ReplicationConfigArn);
    const r = this.deps.repos.replications.get(replicationArnOf(config.arn));
    const task = r ? this.taskOf(scope, r) : undefined;
    if (!r || !task || this.statusOfRecord(r, task) !== 'running') {
      throw invalidState(
        `Cannot reload tables of the replication of config ${config.identifier}: its status is ${r ? this.statusOfRecord(r, task) : 'created'}. ReloadReplicationTables works only while the replication is running.`,
      );
    }
    try {
      this.runs.reload(serverlessScope(scope), {
        ReplicationTaskArn: task.arn,
        TablesToReload: input.TablesToReload,
        ...(input.ReloadOption !== undefined ? { ReloadOption: input.ReloadOption } : {}),
      });
    } catch (err) {
      // The task runtime's answer, in the replication's words (the task behind it is not the user's).
      if (err instanceof Error) {
        err.message = err.message
          .replace(`replication task ${task.identifier}`, `the replication of config ${config.identifier}`)
          .replace('DescribeTableStatistics', 'DescribeReplicationTableStatistics')
          .replace('ReloadTables works only while the task is running', 'ReloadReplicationTables works only while the replication is running')
          .replace('StartReplicationTaskType', 'StartReplicationType');
      }
      throw err;
    }
    return config.arn;
  }

  /** The table statistics of the replication's runs (DescribeReplicationTableStatistics). */
  tableStatistics(scope: Scope, configArn: string): { config: ReplicationConfigRecord; stats: ReturnType<typeof tableStatisticsOf> } {
    const config = this.config(scope, configArn);
    return { config, stats: tableStatisticsOf(this.deps.repos, serverlessScope(scope), taskArnOf(config)) };
  }

  list(scope: Scope): ReplicationView[] {
    return this.deps.repos.replications.list(scope).map((r) => this.viewOf(scope, r)).filter((v) => v.config !== undefined);
  }

  viewOf(scope: Scope, r: ReplicationRecord): ReplicationView {
    const assessments = (r.assessments ?? []).flatMap((assessment) => {
      const run = assessment.runArn !== undefined ? this.deps.repos.assessmentRuns.get(assessment.runArn) : undefined;
      return run ? [{ assessment, run }] : [];
    });
    return { record: r, config: this.deps.repos.replicationConfigs.get(r.configArn)!, task: this.taskOf(scope, r), assessments };
  }

  /**
   * The serverless status: a step before the run, then the run's (starting -> replication_starting,
   * running, stopping, stopped, failed); a stopped or failed replication idle for longer than
   * the deprovision time is `deprovisioned`.
   */
  statusOfRecord(r: ReplicationRecord, task: TaskRecord | undefined): string {
    if ((preRunStages as readonly string[]).includes(r.stage)) return r.stage;
    let status: string;
    if (r.stage === 'run') {
      switch (task?.status) {
        case 'starting':
          status = 'replication_starting';
          break;
        case 'running':
        case 'stopping':
        case 'failed':
          status = task.status;
          break;
        default:
          status = 'stopped';
      }
    } else {
      status = r.stage;
    }
    const deprovisionAt = this.deprovisionTimeOf(r, task);
    if ((status === 'stopped' || status === 'failed') && deprovisionAt !== undefined && this.deps.clock.now().getTime() >= deprovisionAt.getTime()) return 'deprovisioned';
    return status;
  }

  /** When a stopped replication's capacity goes: its last stop plus the configured idle time. */
  deprovisionTimeOf(r: ReplicationRecord, task: TaskRecord | undefined): Date | undefined {
    const stoppedAt = this.lastStopOf(r, task);
    if (stoppedAt === undefined || r.provisioning === undefined) return undefined;
    return new Date(new Date(stoppedAt).getTime() + this.deps.settings.replicationDeprovisionMs);
  }

  lastStopOf(r: ReplicationRecord, task: TaskRecord | undefined): string | undefined {
    if (r.stage === 'run') return task?.status === 'stopped' || task?.status === 'failed' ? task.stoppedAt : undefined;
    if (r.stage === 'stopped' || r.stage === 'failed') return r.lastStopTime;
    return undefined;
  }

  private config(scope: Scope, arn: string): ReplicationConfigRecord {
    return requireByArn(this.deps.repos.replicationConfigs, scope, arn, 'Replication config');
  }

  private taskOf(scope: Scope, r: ReplicationRecord): TaskRecord | undefined {
    return this.deps.repos.tasks.getInScope(serverlessScope(scope), r.taskArn);
  }

  /**
   * The task behind the replication, made (or brought up to date) from the config: a config may
   * change while its replication is stopped. Its identifier stays the one it was created with,
   * since change data capture names its replication slot after it.
   */
  private syncTask(scope: Scope, config: ReplicationConfigRecord, current: TaskRecord | undefined): TaskRecord {
    const { repos, clock } = this.deps;
    const fields = {
      sourceEndpointArn: config.sourceEndpointArn,
      targetEndpointArn: config.targetEndpointArn,
      instanceArn: config.arn,
      replicationConfigArn: config.arn,
      migrationType: config.replicationType,
      tableMappings: config.tableMappings,
      settings: config.settings,
    };
    if (current) return repos.tasks.update({ ...current, ...fields });
    const arn = taskArnOf(config);
    const t: TaskRecord = {
      arn,
      identifier: `replication-${parseArn(config.arn)!.id.toLowerCase()}`,
      ...fields,
      status: 'ready',
      runId: 0,
      createdAt: clock.now().toISOString(),
    };
    return repos.tasks.insert(serverlessScope(scope), t);
  }

  /** Logs a start the engine refused (the replication shows failed with the reason). */
  logStartFailure(r: ReplicationRecord, err: unknown): void {
    this.deps.log.warn('replication did not start', { configArn: r.configArn, error: messageOf(err) });
  }
}

export const replicationStepKind = 'replication.step';
/** The periodic re-evaluation of a running replication's capacity (replication-steps.ts). */
export const replicationCapacityKind = 'replication.capacity';
