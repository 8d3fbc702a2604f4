/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { toReplicationTask } from '../replication-tasks/task-mapper.js';
import type { TaskRecord } from '../replication-tasks/record.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import type { DataTypeAssessments } from './data-type-assessment.js';
import { toAssessmentRun, toIndividualAssessment } from './run-mapper.js';
import type { AssessmentRunService } from './run-service.js';

export function assessmentRunHandlers(deps: ControlDeps, service: AssessmentRunService, dataTypes: DataTypeAssessments): HandlerTable {
  const taskView = (t: TaskRecord) => {
    const instance = deps.repos.instances.get(t.instanceArn);
    return toReplicationTask({ record: t, instanceIdentifier: instance?.identifier ?? t.instanceArn.slice(t.instanceArn.lastIndexOf(':') + 1).toLowerCase() }, deps.clock.now());
  };
  return {
    // A run just started is its task's newest.
    StartReplicationTaskAssessmentRun: async (input, { scope }) => ({ ReplicationTaskAssessmentRun: toAssessmentRun(await service.start(scope, input), true) }),
    CancelReplicationTaskAssessmentRun: (input, { scope }) => {
      const run = service.cancel(scope, input.ReplicationTaskAssessmentRunArn);
      return { ReplicationTaskAssessmentRun: toAssessmentRun(run, service.latestOf(scope).get(run.taskArn) === run.arn) };
    },
    DeleteReplicationTaskAssessmentRun: (input, { scope }) => {
      const { run, wasLatest } = service.delete(scope, input.ReplicationTaskAssessmentRunArn);
      return { ReplicationTaskAssessmentRun: toAssessmentRun(run, wasLatest) };
    },
    DescribeReplicationTaskAssessmentRuns: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        {
          'replication-task-assessment-run-arn': (r) => r.arn,
          'replication-task-arn': (r) => r.taskArn,
          'replication-instance-arn': (r) => r.instanceArn,
          status: (r) => r.status,
        },
        'DescribeReplicationTaskAssessmentRuns',
      );
      // DMS's answer to filters that match nothing, as for the other Describe operations.
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('assessment runs');
      const page = paginate(matched, input, 'DescribeReplicationTaskAssessmentRuns');
      const latest = service.latestOf(scope);
      return {
        ReplicationTaskAssessmentRuns: page.items.map((r) => toAssessmentRun(r, latest.get(r.taskArn) === r.arn)),
        ...(page.marker ? { Marker: page.marker } : {}),
      };
    },
    DescribeReplicationTaskIndividualAssessments: (input, { scope }) => {
      const all = service.list(scope).flatMap((run) => run.individuals.map((i) => ({ run, i })));
      const matched = applyFilters(
        all,
        input.Filters,
        {
          'replication-task-assessment-run-arn': (x) => x.run.arn,
          'replication-task-arn': (x) => x.run.taskArn,
          status: (x) => x.i.status,
        },
        'DescribeReplicationTaskIndividualAssessments',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('individual assessments');
      const page = paginate(matched, input, 'DescribeReplicationTaskIndividualAssessments');
      return {
        ReplicationTaskIndividualAssessments: page.items.map((x) => toIndividualAssessment(x.run, x.i)),
        ...(page.marker ? { Marker: page.marker } : {}),
      };
    },
    DescribeApplicableIndividualAssessments: (input, { scope }) => {
      const page = paginate(service.applicable(scope, input), input, 'DescribeApplicableIndividualAssessments');
      return { IndividualAssessmentNames: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
    StartReplicationTaskAssessment: async (input, { scope }) => ({ ReplicationTask: taskView(await dataTypes.start(scope, input.ReplicationTaskArn)) }),
    DescribeReplicationTaskAssessmentResults: async (input, { scope }) => {
      const { bucket, page } = await dataTypes.results(scope, input);
      return { BucketName: bucket, ReplicationTaskAssessmentResults: page.items, ...(page.marker ? { Marker: page.marker } : {}) };
    },
  };
}
