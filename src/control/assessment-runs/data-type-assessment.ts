/**
 * The older data-type assessment (StartReplicationTaskAssessment +
 * DescribeReplicationTaskAssessmentResults), built on assessment runs: a run of the single
 * individual assessment `unsupported-data-types-in-source`, hidden from the assessment-run
 * operations, whose result file is what DescribeReplicationTaskAssessmentResults reports.
 *
 * Where DMS puts it, OpenDMS does likewise: a bucket of its own per account and region,
 * `dms-<account>-<region>` (DMS: `dms-<customerId>-<customerDNS>`), a folder named after the
 * task, and a run named after the time it started, `yyyy-mm-dd-hh-mm` (UTC; `-2`, `-3` ... when
 * that minute is taken). The file is
 * `dms-<account>-<region>/<task id>/<yyyy-mm-dd-hh-mm>/unsupported-data-types-in-source.json`
 * (with summary.json and report.md beside it), in the results folder or the configured S3.
 */
import type { Scope } from '../../api/dispatch.js';
import type { DescribeReplicationTaskAssessmentResultsMessage, ReplicationTaskAssessmentResult } from '../../api/generated/shapes.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { connectionKey } from '../connections/record.js';
import type { ControlDeps } from '../deps.js';
import type { TaskRecord } from '../replication-tasks/record.js';
import { checkAssessable } from '../replication-tasks/task-testing.js';
import { invalidState, requireByArn } from '../shared/faults.js';
import { paginate, type Page } from '../shared/pagination.js';
import { runIdentifier, type AssessmentRunRecord, type RunStatus } from './record.js';
import { resultLocation } from './result-files.js';
import type { AssessmentRunService } from './run-service.js';

export const dataTypeAssessment = 'unsupported-data-types-in-source';

/** The bucket OpenDMS keeps data-type assessments in, one per account and region. */
export const dataTypeBucket = (scope: Scope): string => `dms-${scope.account}-${scope.region}`;

/** AssessmentStatus of DescribeReplicationTaskAssessmentResults, from the run's status. */
export function dataTypeStatus(status: RunStatus): string {
  switch (status) {
    case 'passed':
      return 'No issues found';
    case 'warning':
    case 'failed':
      return 'Issues found';
    case 'error-provisioning':
    case 'error-executing':
      return 'Error';
    case 'cancelling':
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'In progress';
  }
}

export class DataTypeAssessments {
  constructor(
    private readonly deps: ControlDeps,
    private readonly runs: AssessmentRunService,
    private readonly objects: ObjectStore,
  ) {}

  /**
   * StartReplicationTaskAssessment: the task shows `testing` until the data-type run ends. As
   * the model says, the task needs successful connections to its source and target
   * (TestConnection); its status rules are those of assessment runs (ready, stopped or failed).
   */
  async start(scope: Scope, taskArn: string): Promise<TaskRecord> {
    const { repos, clock } = this.deps;
    const t = requireByArn(repos.tasks, scope, taskArn, 'Replication task');
    checkAssessable(t);
    for (const [role, endpointArn] of [['source', t.sourceEndpointArn], ['target', t.targetEndpointArn]] as const) {
      const c = repos.connections.get(connectionKey(t.instanceArn, endpointArn));
      if (c?.status !== 'successful') {
        const e = repos.endpoints.get(endpointArn);
        throw invalidState(
          `Cannot assess replication task ${t.identifier}: the connection between its ${role} endpoint ${e?.identifier ?? endpointArn} and its replication instance has ${c ? `status ${c.status}` : 'not been tested'}. Run TestConnection for it and wait until it is successful.`,
        );
      }
    }
    const name = this.freeName(scope, t, clock.now());
    await this.runs.begin(scope, t.arn, {
      name,
      serviceAccessRoleArn: `arn:aws:iam::${scope.account}:role/dms-access-for-tasks`,
      location: { bucket: dataTypeBucket(scope), prefix: `${t.identifier}/${name}`, folder: t.identifier },
      choose: (applicable) => {
        if (!applicable.includes(dataTypeAssessment)) throw invalidState(`The data-type assessment does not apply to replication task ${t.identifier}.`);
        return [dataTypeAssessment];
      },
      legacy: true,
    });
    return requireByArn(repos.tasks, scope, t.arn, 'Replication task');
  }

  /**
   * DescribeReplicationTaskAssessmentResults: the latest data-type assessment of each task.
   * With ReplicationTaskArn, that task's alone (MaxRecords and Marker ignored, as documented),
   * with AssessmentResults (the result file's text).
   */
  async results(scope: Scope, input: DescribeReplicationTaskAssessmentResultsMessage): Promise<{ bucket: string; page: Page<ReplicationTaskAssessmentResult> }> {
    const { repos } = this.deps;
    const bucket = dataTypeBucket(scope);
    const latest = new Map<string, AssessmentRunRecord>();
    for (const r of repos.assessmentRuns.list(scope)) if (r.legacy) latest.set(r.taskArn, r);
    if (input.ReplicationTaskArn !== undefined) {
      const t = requireByArn(repos.tasks, scope, input.ReplicationTaskArn, 'Replication task');
      const run = latest.get(t.arn);
      if (!run) return { bucket, page: { items: [] } };
      const text = run.legacyResult ? await this.objects.get(resultLocation(run), `${dataTypeAssessment}.json`).catch(() => undefined) : undefined;
      return {
        bucket,
        page: {
          items: [
            {
              ...this.view(t, run),
              ...(text !== undefined ? { AssessmentResults: text.toString('utf8') } : {}),
              // S3ObjectUrl is a sensitive member in the model (a presigned URL in DMS): the
              // protocol layer never returns sensitive members, so it is left out here.
              // AssessmentResultsFile and BucketName locate the file.
            },
          ],
        },
      };
    }
    const items = [...latest.values()].flatMap((run) => {
      const t = repos.tasks.get(run.taskArn);
      return t ? [this.view(t, run)] : [];
    });
    return { bucket, page: paginate(items, input, 'DescribeReplicationTaskAssessmentResults') };
  }

  private view(t: TaskRecord, run: AssessmentRunRecord): ReplicationTaskAssessmentResult {
    return {
      ReplicationTaskIdentifier: t.identifier,
      ReplicationTaskArn: t.arn,
      ReplicationTaskLastAssessmentDate: new Date(run.finishedAt ?? run.createdAt),
      AssessmentStatus: dataTypeStatus(run.status),
      ...(run.legacyResult ? { AssessmentResultsFile: run.legacyResult.key } : {}),
    };
  }

  private freeName(scope: Scope, t: TaskRecord, now: Date): string {
    const base = now.toISOString().slice(0, 16).replace(/[T:]/g, '-');
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (!this.deps.repos.assessmentRuns.byIdentifier(scope, runIdentifier(t.arn, name, true))) return name;
    }
  }
}
