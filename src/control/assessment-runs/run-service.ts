/**
 * Rules of premigration assessment runs: start (with DMS's checks on every member, the result
 * location probed before the run is accepted), cancel, delete, and which individual
 * assessments apply. The run is recorded, and its task moved to `testing`, in one transaction;
 * the work starts after it commits (run-executor.ts).
 */
import type { Scope } from '../../api/dispatch.js';
import { ResourceAlreadyExistsFault, S3AccessDeniedFault, S3ResourceNotFoundFault } from '../../api/generated/errors.js';
import type { DescribeApplicableIndividualAssessmentsMessage, StartReplicationTaskAssessmentRunMessage } from '../../api/generated/shapes.js';
import { applicableAssessments, assessmentNames, type MigrationType } from '../../assessment/index.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import { resourceId } from '../../common/ids.js';
import { ObjectStoreError, type ObjectStore } from '../../storage/object-store.js';
import type { ControlDeps } from '../deps.js';
import type { TaskRecord } from '../replication-tasks/record.js';
import { scopeOfArn } from '../replication-instances/instance-steps.js';
import { beginTesting, checkAssessable } from '../replication-tasks/task-testing.js';
import { formatArn } from '../shared/arn.js';
import { invalidState, notFound, requireByArn } from '../shared/faults.js';
import { activeRunStatuses, runIdentifier, type AssessmentRunRecord, type IndividualRecord } from './record.js';
import { checkLocation, checkRunName, checkServiceRole, chooseAssessments, type RunLocation } from './run-input.js';
import type { AssessmentRunExecutor } from './run-executor.js';
import { runLifecycle } from './run-lifecycle.js';

const migrationTypes: readonly MigrationType[] = ['full-load', 'cdc', 'full-load-and-cdc'];

/** What a new run needs beside its task. */
export interface NewRun {
  readonly name: string;
  readonly serviceAccessRoleArn: string;
  readonly location: RunLocation;
  /** The chosen individual assessments, or a function of the ones that apply (validated there). */
  readonly choose: (applicable: readonly string[], t: TaskRecord) => string[];
  readonly tags?: StartReplicationTaskAssessmentRunMessage['Tags'];
  readonly legacy?: true;
}

export class AssessmentRunService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly objects: ObjectStore,
    private readonly executor: AssessmentRunExecutor,
  ) {}

  /** StartReplicationTaskAssessmentRun: checks, probes the result location, records the run `starting` and starts it. */
  async start(scope: Scope, input: StartReplicationTaskAssessmentRunMessage): Promise<AssessmentRunRecord> {
    const name = checkRunName(input.AssessmentRunName);
    const serviceAccessRoleArn = checkServiceRole(input.ServiceAccessRoleArn);
    const location = checkLocation(input, name);
    this.deps.tags.check(input.Tags);
    return this.begin(scope, input.ReplicationTaskArn, {
      name,
      serviceAccessRoleArn,
      location,
      choose: (applicable, t) => chooseAssessments(applicable, input, t.identifier),
      ...(input.Tags ? { tags: input.Tags } : {}),
    });
  }

  /**
   * Records and launches a run of `spec` for the task. Everything that can be refused is
   * checked first, then the result location is probed (S3ResourceNotFoundFault /
   * S3AccessDeniedFault, as DMS answers at start), then the checks are repeated in the
   * transaction that records the run, since the probe awaited.
   */
  async begin(scope: Scope, taskArn: string, spec: NewRun): Promise<AssessmentRunRecord> {
    this.prepare(scope, taskArn, spec);
    await this.probe(spec.location);
    const { store, repos, tags, clock } = this.deps;
    const run = store.tx(() => {
      const { task, names } = this.prepare(scope, taskArn, spec);
      // ARNs name the real region, also for a run of the task behind a serverless replication (stored in a scope of its own).
      const arnScope = task.replicationConfigArn !== undefined ? scopeOfArn(task.arn) : scope;
      const arn = formatArn(arnScope, 'assessment-run', resourceId());
      const individuals: IndividualRecord[] = names.map((n) => ({ arn: formatArn(arnScope, 'individual-assessment', resourceId()), name: n, status: 'pending' }));
      const r: AssessmentRunRecord = {
        arn,
        identifier: runIdentifier(task.arn, spec.name, spec.legacy),
        name: spec.name,
        taskArn: task.arn,
        instanceArn: task.instanceArn,
        status: 'starting',
        createdAt: clock.now().toISOString(),
        serviceAccessRoleArn: spec.serviceAccessRoleArn,
        bucket: spec.location.bucket,
        ...(spec.location.folder !== undefined ? { folder: spec.location.folder } : {}),
        prefix: spec.location.prefix,
        ...(spec.location.encryptionMode ? { encryptionMode: spec.location.encryptionMode } : {}),
        ...(spec.location.kmsKeyArn ? { kmsKeyArn: spec.location.kmsKeyArn } : {}),
        individuals,
        ...(spec.legacy ? { legacy: true as const } : {}),
      };
      repos.assessmentRuns.insert(scope, r);
      tags.attach(arn, spec.tags);
      beginTesting(repos, task);
      return r;
    });
    this.executor.launch(run.arn);
    return run;
  }

  /** CancelReplicationTaskAssessmentRun: answers `cancelling`; the run ends `cancelled` once its work stopped. */
  cancel(scope: Scope, arn: string): AssessmentRunRecord {
    const { store, repos } = this.deps;
    const run = store.tx(() => {
      const r = this.get(scope, arn);
      if (!['starting', 'provisioning', 'running'].includes(r.status)) {
        throw invalidState(
          `Cannot cancel premigration assessment run ${r.name}: its status is ${r.status}. Only a run that is starting, provisioning or running can be cancelled.`,
        );
      }
      return repos.assessmentRuns.update({ ...r, status: runLifecycle.move(r.status, 'cancelling', r.name, 'cancel') });
    });
    this.executor.cancel(run.arn);
    return run;
  }

  /**
   * DeleteReplicationTaskAssessmentRun: answers with the run `deleting` (and its statistics);
   * the record, its individual assessments and its tags are gone when it returns. The result
   * files stay where they are, as in DMS.
   */
  delete(scope: Scope, arn: string): { run: AssessmentRunRecord; wasLatest: boolean } {
    const { store, repos, tags } = this.deps;
    return store.tx(() => {
      const r = this.get(scope, arn);
      if (activeRunStatuses.includes(r.status)) {
        throw invalidState(
          `Cannot delete premigration assessment run ${r.name}: its status is ${r.status}. Wait until it ends, or cancel it with CancelReplicationTaskAssessmentRun first.`,
        );
      }
      const status = runLifecycle.move(r.status, 'deleting', r.name, 'delete');
      const wasLatest = this.latestOf(scope).get(r.taskArn) === r.arn;
      repos.assessmentRuns.delete(r.arn);
      tags.removeAll(r.arn);
      return { run: { ...r, status }, wasLatest };
    });
  }

  /** A run of the assessment-run API by ARN (runs of the older data-type assessment are not among them). */
  get(scope: Scope, arn: string): AssessmentRunRecord {
    const r = this.deps.repos.assessmentRuns.getInScope(scope, arn);
    if (!r || r.legacy) throw notFound('Premigration assessment run', arn);
    return r;
  }

  /** The runs of the assessment-run API, oldest first. */
  list(scope: Scope): AssessmentRunRecord[] {
    return this.deps.repos.assessmentRuns.list(scope).filter((r) => !r.legacy);
  }

  /** Per task, the ARN of its newest run (IsLatestTaskAssessmentRun). */
  latestOf(scope: Scope): Map<string, string> {
    const latest = new Map<string, string>();
    for (const r of this.list(scope)) latest.set(r.taskArn, r.arn);
    return latest;
  }

  /** The individual assessments that apply to the task's endpoints and migration type. */
  applicableTo(scope: Scope, t: TaskRecord): string[] {
    // The task behind a serverless replication is stored in a scope of its own; its endpoints are the account's.
    const endpointScope = t.replicationConfigArn !== undefined ? scopeOfArn(t.arn) : scope;
    const source = requireByArn(this.deps.repos.endpoints, endpointScope, t.sourceEndpointArn, 'Endpoint');
    const target = requireByArn(this.deps.repos.endpoints, endpointScope, t.targetEndpointArn, 'Endpoint');
    return applicableAssessments(source.engineName, target.engineName, t.migrationType);
  }

  /**
   * DescribeApplicableIndividualAssessments: by task alone, by replication config alone, or by the task-modelling members
   * (SourceEngineName, TargetEngineName, MigrationType, and a ReplicationInstanceArn that must
   * exist if given), or every assessment OpenDMS knows when nothing is given.
   */
  applicable(scope: Scope, input: DescribeApplicableIndividualAssessmentsMessage): string[] {
    const { repos } = this.deps;
    const modelling = [input.ReplicationInstanceArn, input.SourceEngineName, input.TargetEngineName, input.MigrationType];
    if (input.ReplicationConfigArn !== undefined) {
      if (input.ReplicationTaskArn !== undefined || modelling.some((v) => v !== undefined)) {
        throw invalidCombination('ReplicationConfigArn is given alone: the replication config determines the engines and the replication type. Leave out ReplicationTaskArn, ReplicationInstanceArn, SourceEngineName, TargetEngineName and MigrationType.');
      }
      const c = requireByArn(repos.replicationConfigs, scope, input.ReplicationConfigArn, 'Replication config');
      const source = requireByArn(repos.endpoints, scope, c.sourceEndpointArn, 'Endpoint');
      const target = requireByArn(repos.endpoints, scope, c.targetEndpointArn, 'Endpoint');
      return applicableAssessments(source.engineName, target.engineName, c.replicationType);
    }
    if (input.ReplicationTaskArn !== undefined) {
      if (modelling.some((v) => v !== undefined)) {
        throw invalidCombination('ReplicationTaskArn is given alone: the task determines the engines and the migration type. Leave out ReplicationInstanceArn, SourceEngineName, TargetEngineName and MigrationType.');
      }
      const t = requireByArn(repos.tasks, scope, input.ReplicationTaskArn, 'Replication task');
      return this.applicableTo(scope, t);
    }
    if (modelling.every((v) => v === undefined)) return assessmentNames();
    if (input.SourceEngineName === undefined || input.TargetEngineName === undefined || input.MigrationType === undefined) {
      throw invalidCombination(
        'To model a task, give SourceEngineName, TargetEngineName and MigrationType together (and optionally ReplicationInstanceArn); or give ReplicationTaskArn alone; or nothing, for every assessment.',
      );
    }
    if (!migrationTypes.includes(input.MigrationType)) throw invalidParameter(`MigrationType '${input.MigrationType}' is not valid: give full-load, cdc or full-load-and-cdc.`);
    if (input.ReplicationInstanceArn !== undefined) requireByArn(repos.instances, scope, input.ReplicationInstanceArn, 'Replication instance');
    return applicableAssessments(input.SourceEngineName.toLowerCase(), input.TargetEngineName.toLowerCase(), input.MigrationType);
  }

  /** The checks that do not need the result location: the task, its state and instance, the name, the assessments. */
  private prepare(scope: Scope, taskArn: string, spec: NewRun): { task: TaskRecord; names: string[] } {
    const { repos } = this.deps;
    const task = requireByArn(repos.tasks, scope, taskArn, 'Replication task');
    checkAssessable(task);
    const instance = repos.instances.get(task.instanceArn);
    if (instance && instance.status !== 'available') {
      throw invalidState(`Replication instance ${instance.identifier} is ${instance.status}; task ${task.identifier} can be assessed once it is available.`);
    }
    const existing = repos.assessmentRuns.byIdentifier(scope, runIdentifier(task.arn, spec.name, spec.legacy));
    if (existing) {
      throw new ResourceAlreadyExistsFault(
        `Replication task ${task.identifier} already has a premigration assessment run named '${spec.name}'. Choose another AssessmentRunName, or delete that run first.`,
        { resourceArn: existing.arn },
      );
    }
    return { task, names: spec.choose(this.applicableTo(scope, task), task) };
  }

  private async probe(location: RunLocation): Promise<void> {
    try {
      await this.objects.probe({ bucket: location.bucket, prefix: location.prefix });
    } catch (err) {
      if (!(err instanceof ObjectStoreError)) throw err;
      if (err.kind === 'access-denied') {
        throw new S3AccessDeniedFault(`The result location s3://${location.bucket}/${location.prefix}/ cannot be written: ${err.message}`, { cause: err });
      }
      if (err.kind === 'no-such-bucket') {
        throw new S3ResourceNotFoundFault(`The bucket ${location.bucket} of ResultLocationBucket does not exist: ${err.message}`, { cause: err });
      }
      // Other problems (the store does not answer ...) are not DMS faults of this operation:
      // the run is accepted, probes again while provisioning and ends error-provisioning with why.
      this.deps.log.warn('result location probe failed; the run will report it', { bucket: location.bucket, error: err.message });
    }
  }
}
