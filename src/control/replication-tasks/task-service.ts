/**
 * Rules of replication tasks: create, modify, move and delete, with DMS's checks. Every status
 * change goes through the lifecycle table, records its event and schedules the step that ends
 * it in one transaction (task-steps.ts). Runs (start, stop, reload) are in task-runs.ts.
 */
import { endpointWithRole } from '../endpoints/endpoint-role.js';
import type { Scope } from '../../api/dispatch.js';
import type { CreateReplicationTaskMessage, ModifyReplicationTaskMessage, MoveReplicationTaskMessage } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import type { EndpointRecord } from '../endpoints/record.js';
import { compareVersions } from '../replication-instances/engine-versions.js';
import type { InstanceRecord } from '../replication-instances/record.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, invalidState, quotaExceeded, requireByArn } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { cdcPositionsOf } from './cdc-positions.js';
import type { TaskRecord } from './record.js';
import { recordTaskEvent, taskMessages } from './task-events.js';
import { taskLifecycle } from './task-lifecycle.js';
import { checkTableMappings } from './task-mappings.js';
import { refuseWhileTesting } from './task-testing.js';
import { settingsForCreate, settingsForModify } from './task-settings.js';
import type { TaskSteps } from './task-steps.js';

const maxIdentifierLength = 255;

/** The part of the task log store the service needs: a new task under a reused ARN starts with an empty log. */
export interface TaskLogFiles {
  remove(taskArn: string): void;
}

export class TaskService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly steps: TaskSteps,
    private readonly logs: TaskLogFiles,
  ) {}

  create(scope: Scope, input: CreateReplicationTaskMessage): TaskRecord {
    const { repos, tags, store, clock } = this.deps;
    const identifier = checkIdentifier('ReplicationTaskIdentifier', input.ReplicationTaskIdentifier, maxIdentifierLength).toLowerCase();
    const cdc = cdcPositionsOf(input);
    const tableMappings = checkTableMappings(input.TableMappings);
    const settings = settingsForCreate(input.ReplicationTaskSettings);
    const arn = newArn(scope, 'task', input.ResourceIdentifier);

    const record = store.tx(() => {
      const instance = requireByArn(repos.instances, scope, input.ReplicationInstanceArn, 'Replication instance');
      if (instance.status === 'deleting' || instance.status === 'failed') {
        throw invalidState(`Replication instance ${instance.identifier} is ${instance.status}; create the task on an instance that is available.`);
      }
      this.endpointIn(scope, input.SourceEndpointArn, 'source', 'SourceEndpointArn');
      this.endpointIn(scope, input.TargetEndpointArn, 'target', 'TargetEndpointArn');
      const existing = repos.tasks.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Replication task', identifier, existing.arn);
      if (repos.tasks.get(arn)) throw alreadyExists('Replication task with ResourceIdentifier', input.ResourceIdentifier ?? arn, arn);
      const max = this.deps.settings.quotas.ReplicationTasks ?? Infinity;
      if (repos.tasks.count(scope) >= max) throw quotaExceeded('ReplicationTasks', max);

      const t: TaskRecord = {
        arn,
        identifier,
        sourceEndpointArn: input.SourceEndpointArn,
        targetEndpointArn: input.TargetEndpointArn,
        instanceArn: instance.arn,
        migrationType: input.MigrationType,
        tableMappings,
        settings,
        ...cdc,
        ...(input.TaskData !== undefined ? { taskData: input.TaskData } : {}),
        status: 'creating',
        runId: 0,
        createdAt: clock.now().toISOString(),
      };
      repos.tasks.insert(scope, t);
      tags.attach(arn, input.Tags);
      this.steps.settleLater(arn);
      return t;
    });
    // A deleted task's log is kept (like DMS's CloudWatch logs); a new task reusing its ARN starts afresh.
    this.logs.remove(arn);
    return record;
  }

  /**
   * Changes take effect at once in the record; the task shows `modifying` until the step
   * returns it to the status it had (`ready` for a task that never ran, else `stopped`/`failed`).
   */
  modify(scope: Scope, input: ModifyReplicationTaskMessage): TaskRecord {
    const { repos, store, events } = this.deps;
    const cdc = cdcPositionsOf(input);
    const tableMappings = input.TableMappings !== undefined ? checkTableMappings(input.TableMappings) : undefined;
    return store.tx(() => {
      const t = this.get(scope, input.ReplicationTaskArn);
      refuseWhileTesting(t, 'modify');
      const status = taskLifecycle.move(t.status, 'modifying', t.identifier, 'modify');
      let next: TaskRecord = { ...t, status, returnStatus: t.status };
      if (input.ReplicationTaskIdentifier !== undefined) {
        const identifier = checkIdentifier('ReplicationTaskIdentifier', input.ReplicationTaskIdentifier, maxIdentifierLength).toLowerCase();
        if (identifier !== t.identifier) {
          const other = repos.tasks.byIdentifier(scope, identifier);
          if (other) throw alreadyExists('Replication task', identifier, other.arn);
          next = { ...next, identifier };
        }
      }
      if (input.MigrationType !== undefined) next = { ...next, migrationType: input.MigrationType };
      if (tableMappings !== undefined) next = { ...next, tableMappings };
      if (input.ReplicationTaskSettings !== undefined) next = { ...next, settings: settingsForModify(t.settings, input.ReplicationTaskSettings) };
      if (cdc.cdcStartTime !== undefined || cdc.cdcStartPosition !== undefined) {
        // The start is one of the two: a new one replaces whichever was set.
        const { cdcStartTime: _time, cdcStartPosition: _position, ...rest } = next;
        next = { ...rest, ...(cdc.cdcStartTime !== undefined ? { cdcStartTime: cdc.cdcStartTime } : { cdcStartPosition: cdc.cdcStartPosition! }) };
      }
      if (cdc.cdcStopPosition !== undefined) next = { ...next, cdcStopPosition: cdc.cdcStopPosition };
      if (input.TaskData !== undefined) next = { ...next, taskData: input.TaskData };
      next = repos.tasks.update(next);
      recordTaskEvent(events, scope, next, ['configuration change'], taskMessages.modified);
      this.steps.settleLater(t.arn);
      return next;
    });
  }

  /** MoveReplicationTask: to another available instance of the same or a later engine version, while no run is in progress. */
  move(scope: Scope, input: MoveReplicationTaskMessage): TaskRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const t = this.get(scope, input.ReplicationTaskArn);
      const target = requireByArn(repos.instances, scope, input.TargetReplicationInstanceArn, 'Replication instance');
      if (target.arn === t.instanceArn) {
        throw invalidParameter(`Replication task ${t.identifier} already runs on replication instance ${target.identifier}; name a different TargetReplicationInstanceArn.`);
      }
      refuseWhileTesting(t, 'move');
      const status = taskLifecycle.move(t.status, 'moving', t.identifier, 'move');
      this.checkMoveTarget(t, target);
      const { lastFailureMessage: _previous, ...rest } = t;
      const next = repos.tasks.update({ ...rest, status, returnStatus: t.status === 'failed-move' ? (t.runId === 0 ? 'ready' : 'stopped') : t.status, targetInstanceArn: target.arn });
      this.steps.settleLater(t.arn);
      return next;
    });
  }

  /** Starts the deletion: the task shows `deleting`, and disappears (with its table statistics and tags) once the step runs. */
  delete(scope: Scope, arn: string): TaskRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const t = this.get(scope, arn);
      refuseWhileTesting(t, 'delete');
      const status = taskLifecycle.move(t.status, 'deleting', t.identifier, 'delete');
      const next = repos.tasks.update({ ...t, status });
      this.steps.settleLater(t.arn);
      return next;
    });
  }

  get(scope: Scope, arn: string): TaskRecord {
    return requireByArn(this.deps.repos.tasks, scope, arn, 'Replication task');
  }

  list(scope: Scope): TaskRecord[] {
    return this.deps.repos.tasks.list(scope);
  }

  /** The identifier of the task's instance, for the server-filled log group name. */
  instanceIdentifierOf(t: TaskRecord): string {
    return this.deps.repos.instances.get(t.instanceArn)?.identifier ?? t.instanceArn.slice(t.instanceArn.lastIndexOf(':') + 1).toLowerCase();
  }

  private checkMoveTarget(t: TaskRecord, target: InstanceRecord): void {
    if (target.status !== 'available') {
      throw invalidState(`Replication instance ${target.identifier} is ${target.status}; a task can be moved only to an available instance. Wait until it is available and try again.`);
    }
    const current = this.deps.repos.instances.get(t.instanceArn);
    if (current && compareVersions(target.engineVersion, current.engineVersion) < 0) {
      throw invalidParameter(
        `Replication instance ${target.identifier} runs engine version ${target.engineVersion}, older than ${current.engineVersion} of ${current.identifier}: a task can move only to an instance with the same or a later version.`,
      );
    }
  }

  private endpointIn(scope: Scope, arn: string, role: 'source' | 'target', member: string): EndpointRecord {
    return endpointWithRole(this.deps.repos, scope, arn, role, member);
  }
}
