/**
 * The task behind a DMS Serverless replication. A replication runs on the task runtime (run
 * spec, engine run, reporter, checkpoints, table statistics, crash recovery) through an
 * ordinary task record, marked with `replicationConfigArn` and stored in a scope of its own
 * (the account's, with a region suffix no request can name), so that DescribeReplicationTasks,
 * the task operations, account quotas and instance/endpoint checks never see it, while
 * `repos.tasks.all()` (recovery at start-up, /metrics) and the reporter (by ARN) do.
 */
import type { Scope } from '../../api/dispatch.js';
import { scopeOfArn } from '../replication-instances/instance-steps.js';
import type { TaskRecord } from './record.js';

const serverlessSuffix = '#serverless';

/** The scope the tasks behind the replications of `scope` are stored in. */
export const serverlessScope = (scope: Scope): Scope => ({ account: scope.account, region: `${scope.region}${serverlessSuffix}` });

/** The scope a task record is stored in (its ARN's, or the serverless one for a replication's task). */
export const scopeOfTask = (t: TaskRecord): Scope => (t.replicationConfigArn !== undefined ? serverlessScope(scopeOfArn(t.arn)) : scopeOfArn(t.arn));
