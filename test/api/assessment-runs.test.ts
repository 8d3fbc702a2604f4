/**
 * Premigration assessment runs through the real SDK client, against real local databases:
 * StartReplicationTaskAssessmentRun's validation of every member and its faults (S3 faults
 * from the result location probe), the run lifecycle with the task `testing` meanwhile, the
 * result files, Describe filters and pagination, IsLatestTaskAssessmentRun, cancel, delete
 * (gone from every Describe, files kept), DescribeApplicableIndividualAssessments, the older
 * data-type assessment, recovery after a restart, shutdown during a run, and the AWS CLI.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  CancelReplicationTaskAssessmentRunCommand,
  DeleteReplicationTaskAssessmentRunCommand,
  DeleteReplicationTaskCommand,
  DescribeApplicableIndividualAssessmentsCommand,
  CreateReplicationConfigCommand,
  DeleteReplicationConfigCommand,
  DescribeReplicationTaskAssessmentResultsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyReplicationTaskCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  S3AccessDeniedFault,
  S3ResourceNotFoundFault,
  StartReplicationTaskAssessmentCommand,
  StartReplicationTaskAssessmentRunCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
  waitUntilReplicationTaskDeleted,
  waitUntilTestConnectionSucceeds,
  type DatabaseMigrationServiceClient,
  type DescribeReplicationTaskIndividualAssessmentsCommandOutput,
  type ReplicationTaskAssessmentRun,
  type StartReplicationTaskAssessmentRunCommandInput,
} from '@aws-sdk/client-database-migration-service';
import { ObjectStoreError } from '../../src/storage/object-store.js';
import { aws, awsCliMissing } from '../helpers/aws-cli.js';
import { blackHole } from '../helpers/network.js';
import { mariaDropDatabase, mariaExec, pgCreateDatabase, pgDropDatabase, pgExec } from '../helpers/databases.js';
import { startTestServer, uniqueName, type TestServer, failure } from '../helpers/server.js';
import { createEndpoint, createInstance, createTask, describeTask, includeAll, sleep, suffix, untilStatus, waiter } from './replication-tasks.fixtures.js';

const sfx = suffix();
const pgSource = `opendms_arun_src_${sfx}`;
const pgTarget = `opendms_arun_dst_${sfx}`;
const mariaSource = `opendms_arun_${sfx}`;
const role = 'arn:aws:iam::123456789012:role/dms-assessments';
const kmsKey = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const bucket = 'opendms-assessments';
const ended = ['passed', 'warning', 'failed', 'cancelled', 'error-provisioning', 'error-executing'];

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let instance: { arn: string; id: string };
let pgBase: { instanceArn: string; sourceArn: string; targetArn: string };
let mariaSourceArn: string;
/** A target endpoint whose server accepts connections and never answers: checks of the target hang (until the connect timeout). */
let hole: { port: number; close(): Promise<void> };
let slowBase: { instanceArn: string; sourceArn: string; targetArn: string };


const startInput = (taskArn: string, extra: Partial<StartReplicationTaskAssessmentRunCommandInput> = {}): StartReplicationTaskAssessmentRunCommandInput => ({
  ReplicationTaskArn: taskArn,
  ServiceAccessRoleArn: role,
  ResultLocationBucket: bucket,
  AssessmentRunName: uniqueName('run'),
  ...extra,
});

async function startRun(taskArn: string, extra: Partial<StartReplicationTaskAssessmentRunCommandInput> = {}): Promise<ReplicationTaskAssessmentRun> {
  return (await dms.send(new StartReplicationTaskAssessmentRunCommand(startInput(taskArn, extra)))).ReplicationTaskAssessmentRun!;
}

async function describeRun(arn: string, c = dms): Promise<ReplicationTaskAssessmentRun> {
  const out = await c.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [arn] }] }));
  assert.equal(out.ReplicationTaskAssessmentRuns?.length, 1);
  return out.ReplicationTaskAssessmentRuns[0]!;
}

async function runEnded(arn: string, c = dms, timeoutMs = 60_000): Promise<ReplicationTaskAssessmentRun> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await describeRun(arn, c);
    if (ended.includes(r.Status!)) return r;
    if (Date.now() > end) throw new Error(`assessment run ${arn} is still ${r.Status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Cancels a run if it is still under way, and waits for its end. */
async function cancelAndEnd(arn: string, c = dms): Promise<ReplicationTaskAssessmentRun> {
  await c.send(new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: arn })).catch((err: Error) => {
    if (!(err instanceof InvalidResourceStateFault)) throw err;
  });
  return runEnded(arn, c);
}

async function individualsOf(runArn: string) {
  const out = await dms.send(new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [runArn] }] }));
  return out.ReplicationTaskIndividualAssessments!;
}

async function applicableTo(taskArn: string): Promise<string[]> {
  return (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationTaskArn: taskArn }))).IndividualAssessmentNames!;
}

/** A result file of a run, through the server's own object store (the local results folder). */
async function resultFile(run: { ResultLocationBucket?: string; ResultLocationFolder?: string; AssessmentRunName?: string }, name: string): Promise<string | undefined> {
  const folder = (run.ResultLocationFolder ?? '').replace(/^\/+|\/+$/g, '');
  const prefix = folder ? `${folder}/${run.AssessmentRunName}` : run.AssessmentRunName!;
  const body = await server.app.objectStore.get({ bucket: run.ResultLocationBucket!, prefix }, name);
  return body?.toString('utf8');
}

function assertStatisticsSum(r: ReplicationTaskAssessmentRun): void {
  const s = r.ResultStatistic!;
  const sum = s.Passed! + s.Failed! + s.Error! + s.Warning! + s.Cancelled! + s.Skipped!;
  assert.equal(sum, r.AssessmentProgress!.IndividualAssessmentCount, `ResultStatistic ${JSON.stringify(s)} sums to the count`);
  assert.equal(r.AssessmentProgress!.IndividualAssessmentCompletedCount, r.AssessmentProgress!.IndividualAssessmentCount);
}

async function readyTask(base = pgBase, extra: Parameters<typeof createTask>[2] = {}): Promise<string> {
  const t = await createTask(dms, base, extra);
  await untilStatus(dms, t.ReplicationTaskArn!, ['ready']);
  return t.ReplicationTaskArn!;
}

before(async () => {
  await pgCreateDatabase(pgSource);
  await pgCreateDatabase(pgTarget);
  await pgExec(`CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20) g;`, pgSource);
  await mariaExec([`CREATE DATABASE ${mariaSource}`, `CREATE TABLE ${mariaSource}.items (id int PRIMARY KEY, name varchar(40))`, `INSERT INTO ${mariaSource}.items VALUES (1, 'a')`]);
  server = await startTestServer();
  dms = server.client();
  instance = await createInstance(dms);
  const source = await createEndpoint(dms, { EndpointType: 'source', DatabaseName: pgSource });
  const target = await createEndpoint(dms, { EndpointType: 'target', DatabaseName: pgTarget });
  mariaSourceArn = (await createEndpoint(dms, { EndpointType: 'source', EngineName: 'mariadb', Port: 3306, Username: 'root', DatabaseName: mariaSource })).arn;
  pgBase = { instanceArn: instance.arn, sourceArn: source.arn, targetArn: target.arn };
  hole = await blackHole();
  const hung = await createEndpoint(dms, { EndpointType: 'target', Port: hole.port, DatabaseName: pgTarget });
  slowBase = { ...pgBase, targetArn: hung.arn };
});

after(async () => {
  await server?.stop();
  await hole?.close();
  await pgDropDatabase(pgSource);
  await pgDropDatabase(pgTarget);
  await mariaDropDatabase(mariaSource);
});

describe('DescribeApplicableIndividualAssessments', () => {
  it('lists the assessments of a task, of modelled engines and migration type, or all; refuses half a model', async () => {
    const taskArn = await readyTask();
    const forTask = await applicableTo(taskArn);
    assert.ok(forTask.includes('unsupported-data-types-in-source'), forTask.join(','));
    assert.ok(forTask.some((n) => n.startsWith('postgres-check-')), 'a PostgreSQL source gets postgres-check-*');
    assert.ok(!forTask.some((n) => n.startsWith('mysql-check-') || n.startsWith('mariadb-check-')));
    assert.ok(!forTask.includes('table-with-no-primary-key-or-unique-constraint'), 'a CDC-only check does not apply to a full-load task');

    const modelled = (
      await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationInstanceArn: instance.arn, SourceEngineName: 'mariadb', TargetEngineName: 'postgres', MigrationType: 'full-load-and-cdc', MaxRecords: 100 }))
    ).IndividualAssessmentNames!;
    assert.ok(modelled.some((n) => n.startsWith('mariadb-check-')), modelled.join(','));
    assert.ok(modelled.includes('table-with-no-primary-key-or-unique-constraint'));
    // Without the instance too (OpenDMS does not need it to know what applies).
    const noInstance = (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ SourceEngineName: 'mariadb', TargetEngineName: 'postgres', MigrationType: 'full-load-and-cdc' }))).IndividualAssessmentNames!;
    assert.deepEqual(noInstance, modelled);

    const all = (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({}))).IndividualAssessmentNames!;
    assert.ok(all.length >= modelled.length);
    for (const n of [...forTask, ...modelled]) assert.ok(all.includes(n), `${n} is among all assessments`);

    // Pages of 20 give the whole list.
    const pages: string[] = [];
    let marker: string | undefined;
    do {
      const out = await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ MaxRecords: 20, ...(marker ? { Marker: marker } : {}) }));
      assert.ok(out.IndividualAssessmentNames!.length <= 20);
      pages.push(...out.IndividualAssessmentNames!);
      marker = out.Marker;
    } while (marker);
    assert.deepEqual(pages, all);
    assert.ok(all.length > 20, 'enough assessments to page through');

    const half = await failure(dms.send(new DescribeApplicableIndividualAssessmentsCommand({ SourceEngineName: 'mariadb' })));
    assert.equal(half.name, 'InvalidParameterCombinationException');
    assert.match(half.message, /SourceEngineName, TargetEngineName and MigrationType together/);
    const both = await failure(dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationTaskArn: taskArn, MigrationType: 'cdc' })));
    assert.equal(both.name, 'InvalidParameterCombinationException');
    const noTask = await failure(dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationTaskArn: `${taskArn}X` })));
    assert.ok(noTask instanceof ResourceNotFoundFault);
    const noInstanceFound = await failure(
      dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationInstanceArn: `${instance.arn}X`, SourceEngineName: 'mariadb', TargetEngineName: 'postgres', MigrationType: 'cdc' })),
    );
    assert.ok(noInstanceFound instanceof ResourceNotFoundFault);
  });

  it('lists the assessments of a DMS Serverless replication config: its engines and replication type', async () => {
    const config = await dms.send(
      new CreateReplicationConfigCommand({
        ReplicationConfigIdentifier: uniqueName('arun-cfg'),
        SourceEndpointArn: mariaSourceArn,
        TargetEndpointArn: pgBase.targetArn,
        ReplicationType: 'cdc',
        ComputeConfig: { MaxCapacityUnits: 2 },
        TableMappings: includeAll(mariaSource),
      }),
    );
    const arn = config.ReplicationConfig!.ReplicationConfigArn!;
    try {
      const names = (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationConfigArn: arn }))).IndividualAssessmentNames!;
      const modelled = (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ SourceEngineName: 'mariadb', TargetEngineName: 'postgres', MigrationType: 'cdc', MaxRecords: 100 }))).IndividualAssessmentNames!;
      assert.deepEqual(names.slice(0, 20), modelled.slice(0, 20));
      assert.ok(names.includes('mariadb-check-binlog-format'), names.join(','));
      const mixed = await failure(dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationConfigArn: arn, MigrationType: 'cdc' })));
      assert.equal(mixed.name, 'InvalidParameterCombinationException');
      const unknown = await failure(dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationConfigArn: `${arn}X` })));
      assert.ok(unknown instanceof ResourceNotFoundFault, String(unknown));
    } finally {
      await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: arn }));
    }
  });
});

describe('StartReplicationTaskAssessmentRun validation', () => {
  let taskArn: string;
  before(async () => {
    taskArn = await readyTask();
  });

  it('refuses IncludeOnly with Exclude, names that do not apply (listing the valid ones), and nothing to run', async () => {
    const valid = await applicableTo(taskArn);
    const both = await failure(startRun(taskArn, { IncludeOnly: [valid[0]!], Exclude: [valid[1]!] }));
    assert.equal(both.name, 'InvalidParameterCombinationException');
    assert.match(both.message, /IncludeOnly and Exclude cannot both be given/);

    const wrong = await failure(startRun(taskArn, { IncludeOnly: ['mysql-check-binlog-format', valid[0]!] }));
    assert.equal(wrong.name, 'InvalidParameterValueException');
    assert.match(wrong.message, /do not apply to replication task .*: mysql-check-binlog-format\. Valid names for this task: /);
    for (const n of valid) assert.ok(wrong.message.includes(n), `the message lists ${n}`);
    const wrongExclude = await failure(startRun(taskArn, { Exclude: ['no-such-assessment'] }));
    assert.equal(wrongExclude.name, 'InvalidParameterValueException');
    assert.match(wrongExclude.message, /Exclude names .*no-such-assessment/);

    const none = await failure(startRun(taskArn, { Exclude: valid }));
    assert.equal(none.name, 'InvalidParameterValueException');
    assert.match(none.message, /nothing to run/);
  });

  it('refuses a service role that is not an IAM role ARN, bad buckets, folders, names and encryption settings', async () => {
    for (const ServiceAccessRoleArn of ['dms-role', 'arn:aws:iam::123456789012:user/someone', 'arn:aws:s3:::bucket']) {
      const e = await failure(startRun(taskArn, { ServiceAccessRoleArn }));
      assert.equal(e.name, 'InvalidParameterValueException', ServiceAccessRoleArn);
      assert.match(e.message, /ServiceAccessRoleArn .* is not an IAM role ARN/);
    }
    for (const ResultLocationBucket of ['Upper_Case', 's3://bucket', 'ab', 'my-bucket/folder']) {
      const e = await failure(startRun(taskArn, { ResultLocationBucket }));
      assert.equal(e.name, 'InvalidParameterValueException', ResultLocationBucket);
      assert.match(e.message, /ResultLocationBucket .* is not an S3 bucket name/);
    }
    const folder = await failure(startRun(taskArn, { ResultLocationFolder: 'a/../b' }));
    assert.match(folder.message, /ResultLocationFolder .* is not valid/);
    const name = await failure(startRun(taskArn, { AssessmentRunName: 'a/b' }));
    assert.match(name.message, /AssessmentRunName 'a\/b' is not valid/);

    const mode = await failure(startRun(taskArn, { ResultEncryptionMode: 'AES256' }));
    assert.equal(mode.name, 'InvalidParameterValueException');
    assert.match(mode.message, /give SSE_S3 or SSE_KMS/);
    const kmsWithoutKey = await failure(startRun(taskArn, { ResultEncryptionMode: 'SSE_KMS' }));
    assert.equal(kmsWithoutKey.name, 'InvalidParameterCombinationException');
    assert.match(kmsWithoutKey.message, /SSE_KMS needs ResultKmsKeyArn/);
    for (const ResultEncryptionMode of ['SSE_S3', undefined]) {
      const keyWithout = await failure(startRun(taskArn, { ...(ResultEncryptionMode ? { ResultEncryptionMode } : {}), ResultKmsKeyArn: kmsKey }));
      assert.equal(keyWithout.name, 'InvalidParameterCombinationException');
      assert.match(keyWithout.message, /ResultKmsKeyArn applies only with ResultEncryptionMode SSE_KMS/);
    }
    const badKey = await failure(startRun(taskArn, { ResultEncryptionMode: 'SSE_KMS', ResultKmsKeyArn: 'my-key' }));
    assert.match(badKey.message, /ResultKmsKeyArn 'my-key' is not a KMS key ARN/);
    const badTag = await failure(startRun(taskArn, { Tags: [{ Key: 'aws:reserved', Value: 'x' }] }));
    assert.match(badTag.message, /reserved/);

    const unknown = await failure(startRun(`${taskArn}X`));
    assert.ok(unknown instanceof ResourceNotFoundFault);
    // Nothing was started by any of these.
    assert.equal((await describeTask(dms, taskArn)).Status, 'ready');
    const runs = await failure(dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] })));
    assert.ok(runs instanceof ResourceNotFoundFault, 'no run of the task exists');
  });

  it('answers S3AccessDeniedFault and S3ResourceNotFoundFault when the result location probe says so, and starts nothing', async () => {
    const store = server.app.objectStore;
    const probe = store.probe.bind(store);
    try {
      store.probe = async () => {
        throw new ObjectStoreError('access-denied', 'Access Denied (403) on PutObject');
      };
      const denied = await failure(startRun(taskArn));
      assert.ok(denied instanceof S3AccessDeniedFault, denied.name);
      assert.match(denied.message, new RegExp(`s3://${bucket}/.* cannot be written: Access Denied`));
      store.probe = async () => {
        throw new ObjectStoreError('no-such-bucket', 'NoSuchBucket');
      };
      const missing = await failure(startRun(taskArn));
      assert.ok(missing instanceof S3ResourceNotFoundFault, missing.name);
      assert.match(missing.message, /bucket opendms-assessments .* does not exist/);
    } finally {
      store.probe = probe;
    }
    assert.equal((await describeTask(dms, taskArn)).Status, 'ready');
  });

  it('refuses a task that is running, and a task being assessed cannot be started, modified or deleted', async () => {
    const cdcTask = await readyTask({ ...pgBase, sourceArn: mariaSourceArn }, { MigrationType: 'cdc', TableMappings: includeAll(mariaSource) });
    await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: cdcTask, StartReplicationTaskType: 'start-replication' }));
    try {
      await untilStatus(dms, cdcTask, ['running']);
      const running = await failure(startRun(cdcTask));
      assert.ok(running instanceof InvalidResourceStateFault, running.name);
      assert.match(running.message, /its status is running\. Stop the task first/);
    } finally {
      await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: cdcTask }));
      await untilStatus(dms, cdcTask, ['stopped', 'failed']);
    }

    const slowTask = await readyTask(slowBase);
    const run = await startRun(slowTask);
    const testing = await describeTask(dms, slowTask);
    assert.equal(testing.Status, 'testing');
    for (const [what, call] of [
      ['start', dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: slowTask, StartReplicationTaskType: 'start-replication' }))],
      ['modify', dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: slowTask, TaskData: '{}' }))],
      ['delete', dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: slowTask }))],
      ['assess', startRun(slowTask)],
    ] as const) {
      const e = await failure(call);
      assert.ok(e instanceof InvalidResourceStateFault, `${what}: ${e.name}`);
      assert.match(e.message, what === 'assess' ? /already in progress \(status testing\)/ : /premigration assessment run is assessing it/);
    }
    await cancelAndEnd(run.ReplicationTaskAssessmentRunArn!);
    assert.equal((await describeTask(dms, slowTask)).Status, 'ready', 'the task returns to the status it had');
  });
});

describe('an assessment run', () => {
  it('echoes every input with status starting, runs against the databases and writes its result files', async () => {
    const taskArn = await readyTask();
    const valid = await applicableTo(taskArn);
    const include = valid.filter((n) => n === 'unsupported-data-types-in-source' || n.startsWith('postgres-check-')).slice(0, 6);
    const name = uniqueName('Full Run');
    const started = await startRun(taskArn, {
      AssessmentRunName: name,
      ResultLocationFolder: '/premigration/runs/',
      ResultEncryptionMode: 'SSE_KMS',
      ResultKmsKeyArn: kmsKey,
      IncludeOnly: include,
      Tags: [{ Key: 'team', Value: 'data' }],
    });
    assert.equal(started.Status, 'starting');
    assert.equal(started.ReplicationTaskArn, taskArn);
    assert.match(started.ReplicationTaskAssessmentRunArn!, /^arn:aws:dms:us-east-1:123456789012:assessment-run:[A-Z2-7]{26}$/);
    assert.equal(started.AssessmentRunName, name);
    assert.equal(started.ServiceAccessRoleArn, role);
    assert.equal(started.ResultLocationBucket, bucket);
    assert.equal(started.ResultLocationFolder, '/premigration/runs/');
    assert.equal(started.ResultEncryptionMode, 'SSE_KMS');
    assert.equal(started.ResultKmsKeyArn, kmsKey);
    assert.equal(started.IsLatestTaskAssessmentRun, true);
    assert.ok(started.ReplicationTaskAssessmentRunCreationDate instanceof Date);
    assert.deepEqual(started.AssessmentProgress, { IndividualAssessmentCount: include.length, IndividualAssessmentCompletedCount: 0 });
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: started.ReplicationTaskAssessmentRunArn! }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['team', 'data']]);

    const again = await failure(startRun(taskArn, { AssessmentRunName: name }));
    assert.ok(again instanceof InvalidResourceStateFault || again instanceof ResourceAlreadyExistsFault, again.name);

    const done = await runEnded(started.ReplicationTaskAssessmentRunArn!);
    assert.ok(['passed', 'warning', 'failed', 'error-executing'].includes(done.Status!), `${done.Status}: ${done.LastFailureMessage}`);
    assertStatisticsSum(done);
    const individuals = await individualsOf(done.ReplicationTaskAssessmentRunArn!);
    assert.deepEqual(individuals.map((i) => i.IndividualAssessmentName).sort(), [...include].sort());
    for (const i of individuals) {
      assert.ok(['passed', 'warning', 'failed', 'error', 'skipped'].includes(i.Status!), `${i.IndividualAssessmentName}: ${i.Status}`);
      assert.match(i.ReplicationTaskIndividualAssessmentArn!, /^arn:aws:dms:us-east-1:123456789012:individual-assessment:/);
      assert.equal(i.ReplicationTaskAssessmentRunArn, done.ReplicationTaskAssessmentRunArn);
      if (i.Status !== 'skipped') assert.ok(i.ReplicationTaskIndividualAssessmentStartDate instanceof Date, `${i.IndividualAssessmentName} has a start date`);
    }
    assert.equal((await describeTask(dms, taskArn)).Status, 'ready');
    // The name is unique per task also once the run ended; another task may use it.
    const dup = await failure(startRun(taskArn, { AssessmentRunName: name }));
    assert.ok(dup instanceof ResourceAlreadyExistsFault, dup.name);
    assert.match(dup.message, /already has a premigration assessment run named/);

    const summary = JSON.parse((await resultFile(done, 'summary.json'))!);
    assert.equal(summary['assessment-run-arn'], done.ReplicationTaskAssessmentRunArn);
    assert.equal(summary['assessment-run-name'], name);
    assert.equal(summary['replication-task-arn'], taskArn);
    assert.equal(summary['overall-test-result'], done.Status);
    assert.equal(summary.statistics.count, include.length);
    assert.deepEqual(summary.assessments.map((a: { name: string }) => a.name).sort(), [...include].sort());
    for (const a of summary.assessments) {
      assert.equal(a.status, individuals.find((i) => i.IndividualAssessmentName === a.name)!.Status);
      assert.ok(a.summary.length > 0);
      const file = JSON.parse((await resultFile(done, `${a.name}.json`))!);
      assert.equal(file.name, a.name);
      assert.equal(file.status, a.status);
      assert.ok(Array.isArray(file.findings));
    }
    const report = (await resultFile(done, 'report.md'))!;
    assert.ok(report.includes(name), 'the report names the run');
    for (const n of include) assert.ok(report.includes(n), `the report covers ${n}`);
  });

  it('shows live progress, keeps IsLatestTaskAssessmentRun for the newest run only, and Describe filters and pages runs', async () => {
    const tasks = await Promise.all([readyTask(), readyTask(), readyTask()]);
    const all: string[] = [];
    // 21 runs over three tasks, one after the other per task.
    await Promise.all(
      tasks.map(async (taskArn) => {
        for (let i = 0; i < 7; i++) {
          const r = await startRun(taskArn, { IncludeOnly: ['unsupported-data-types-in-source'] });
          all.push(r.ReplicationTaskAssessmentRunArn!);
          await runEnded(r.ReplicationTaskAssessmentRunArn!);
        }
      }),
    );
    const byTask = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [tasks[0]!] }] }));
    const runs = byTask.ReplicationTaskAssessmentRuns!;
    assert.equal(runs.length, 7);
    assert.deepEqual(runs.map((r) => r.IsLatestTaskAssessmentRun), [false, false, false, false, false, false, true], 'oldest first; only the newest is the latest');
    for (const r of runs) assertStatisticsSum(r);

    const twoTasks = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [tasks[1]!, tasks[2]!] }] }));
    assert.equal(twoTasks.ReplicationTaskAssessmentRuns!.length, 14);
    const byStatus = await dms.send(
      new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [tasks[0]!] }, { Name: 'status', Values: [runs[0]!.Status!] }] }),
    );
    assert.ok(byStatus.ReplicationTaskAssessmentRuns!.every((r) => r.Status === runs[0]!.Status && r.ReplicationTaskArn === tasks[0]));
    const byInstance = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [instance.arn] }], MaxRecords: 100 }));
    for (const arn of all) assert.ok(byInstance.ReplicationTaskAssessmentRuns!.some((r) => r.ReplicationTaskAssessmentRunArn === arn));
    const otherInstance = await failure(dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [`${instance.arn}X`] }] })));
    assert.ok(otherInstance instanceof ResourceNotFoundFault);
    const badFilter = await failure(dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'run-name', Values: ['x'] }] })));
    assert.equal(badFilter.name, 'InvalidParameterValueException');
    assert.match(badFilter.message, /valid names: replication-task-assessment-run-arn, replication-task-arn, replication-instance-arn, status/);

    // Pages of 20 through the runs of these tasks.
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await dms.send(
        new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: tasks }], MaxRecords: 20, ...(marker ? { Marker: marker } : {}) }),
      );
      seen.push(...out.ReplicationTaskAssessmentRuns!.map((r) => r.ReplicationTaskAssessmentRunArn!));
      marker = out.Marker;
      pages++;
    } while (marker);
    assert.equal(pages, 2);
    assert.deepEqual([...seen].sort(), [...all].sort());
    const badMarker = await failure(dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Marker: 'not-a-marker' })));
    assert.equal(badMarker.name, 'InvalidParameterValueException');

    // Individual assessments: filters and pages.
    const indiv: string[] = [];
    marker = undefined;
    do {
      const out: DescribeReplicationTaskIndividualAssessmentsCommandOutput = await dms.send(
        new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-task-arn', Values: tasks }], MaxRecords: 20, ...(marker ? { Marker: marker } : {}) }),
      );
      indiv.push(...out.ReplicationTaskIndividualAssessments!.map((i) => i.ReplicationTaskAssessmentRunArn!));
      marker = out.Marker;
    } while (marker);
    assert.deepEqual([...indiv].sort(), [...all].sort(), 'one individual assessment per run');
    const byIndStatus = await dms.send(
      new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [all[0]!] }, { Name: 'status', Values: ['passed', 'warning', 'failed', 'error'] }] }),
    );
    assert.equal(byIndStatus.ReplicationTaskIndividualAssessments!.length, 1);
    const badIndFilter = await failure(dms.send(new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [instance.arn] }] })));
    assert.match(badIndFilter.message, /valid names: replication-task-assessment-run-arn, replication-task-arn, status/);

    // Deleting the newest makes the one before it the latest.
    const newest = runs[6]!.ReplicationTaskAssessmentRunArn!;
    const deleted = (await dms.send(new DeleteReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: newest }))).ReplicationTaskAssessmentRun!;
    assert.equal(deleted.IsLatestTaskAssessmentRun, true);
    assert.equal((await describeRun(runs[5]!.ReplicationTaskAssessmentRunArn!)).IsLatestTaskAssessmentRun, true);
  });

  it('reports AssessmentProgress and the individual statuses live while running', async () => {
    const taskArn = await readyTask(slowBase);
    const run = await startRun(taskArn);
    const arn = run.ReplicationTaskAssessmentRunArn!;
    const seen = new Set<string>();
    const end = Date.now() + 20_000;
    for (;;) {
      const r = await describeRun(arn);
      seen.add(r.Status!);
      const p = r.AssessmentProgress!;
      assert.ok(p.IndividualAssessmentCompletedCount! <= p.IndividualAssessmentCount!);
      const individuals = await individualsOf(arn);
      const finished = individuals.filter((i) => !['pending', 'running'].includes(i.Status!)).length;
      if (r.Status === 'running') assert.ok(finished >= p.IndividualAssessmentCompletedCount! - 1, 'the count follows the individual statuses');
      if (r.Status === 'running' && individuals.some((i) => i.Status === 'running')) {
        assert.ok(individuals.filter((i) => i.Status === 'running').every((i) => i.ReplicationTaskIndividualAssessmentStartDate instanceof Date));
        if (p.IndividualAssessmentCompletedCount! > 0) break;
      }
      if (ended.includes(r.Status!) || Date.now() > end) assert.fail(`never saw the run running with progress; statuses seen: ${[...seen].join(', ')}`);
      await sleep(20);
    }
    assertStatisticsSum(await cancelAndEnd(arn));
  });

  it('ends error-provisioning, saying why, when its result location cannot be written', async () => {
    const taskArn = await readyTask();
    const blocked = `blocked-${sfx.replace(/_/g, '-')}`;
    mkdirSync(join(server.dataDir, 's3'), { recursive: true });
    // A file where the bucket's folder would be: the local store cannot create the run's folder.
    writeFileSync(join(server.dataDir, 's3', blocked), 'not a folder');
    const run = await startRun(taskArn, { ResultLocationBucket: blocked });
    assert.equal(run.Status, 'starting');
    const done = await runEnded(run.ReplicationTaskAssessmentRunArn!);
    assert.equal(done.Status, 'error-provisioning');
    assert.match(done.LastFailureMessage!, new RegExp(`The result location s3://${blocked}/${run.AssessmentRunName}/ cannot be written`));
    assertStatisticsSum(done);
    assert.equal(done.ResultStatistic!.Error, done.AssessmentProgress!.IndividualAssessmentCount);
    assert.equal((await describeTask(dms, taskArn)).Status, 'ready');
  });
});

describe('CancelReplicationTaskAssessmentRun', () => {
  it('answers cancelling; unfinished assessments end cancelled and the run cancelled; an ended run cannot be cancelled', async () => {
    const taskArn = await readyTask(slowBase);
    const run = await startRun(taskArn);
    const cancelling = (await dms.send(new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn! }))).ReplicationTaskAssessmentRun!;
    assert.equal(cancelling.Status, 'cancelling');
    assert.equal(cancelling.IsLatestTaskAssessmentRun, true);
    const done = await runEnded(run.ReplicationTaskAssessmentRunArn!);
    assert.equal(done.Status, 'cancelled');
    assertStatisticsSum(done);
    assert.ok(done.ResultStatistic!.Cancelled! > 0, JSON.stringify(done.ResultStatistic));
    const individuals = await individualsOf(run.ReplicationTaskAssessmentRunArn!);
    assert.ok(individuals.every((i) => !['pending', 'running'].includes(i.Status!)));
    assert.ok(individuals.some((i) => i.Status === 'cancelled'));
    assert.equal((await describeTask(dms, taskArn)).Status, 'ready');
    const summary = JSON.parse((await resultFile(done, 'summary.json'))!);
    assert.equal(summary['overall-test-result'], 'cancelled');

    const again = await failure(dms.send(new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn! })));
    assert.ok(again instanceof InvalidResourceStateFault);
    assert.match(again.message, /its status is cancelled\. Only a run that is starting, provisioning or running can be cancelled/);
    const unknown = await failure(dms.send(new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: `${run.ReplicationTaskAssessmentRunArn}X` })));
    assert.ok(unknown instanceof ResourceNotFoundFault);
  });
});

describe('DeleteReplicationTaskAssessmentRun', () => {
  it('refuses a run under way; returns an ended run deleting with its statistics, removes it from every Describe and keeps its files', async () => {
    const taskArn = await readyTask(slowBase);
    const run = await startRun(taskArn, { ResultLocationFolder: 'kept' });
    const arn = run.ReplicationTaskAssessmentRunArn!;
    const early = await failure(dms.send(new DeleteReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: arn })));
    assert.ok(early instanceof InvalidResourceStateFault, early.name);
    assert.match(early.message, /Cannot delete premigration assessment run .*: its status is (starting|provisioning|running)\. Wait until it ends, or cancel it/);

    const done = await cancelAndEnd(arn);
    const summaryBefore = await resultFile(done, 'summary.json');
    assert.ok(summaryBefore);
    const deleted = (await dms.send(new DeleteReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: arn }))).ReplicationTaskAssessmentRun!;
    assert.equal(deleted.Status, 'deleting');
    assert.equal(deleted.ReplicationTaskAssessmentRunArn, arn);
    assert.deepEqual(deleted.ResultStatistic, done.ResultStatistic);
    assert.deepEqual(deleted.AssessmentProgress, done.AssessmentProgress);

    const gone = await failure(describeRun(arn));
    assert.ok(gone instanceof ResourceNotFoundFault);
    const goneIndividuals = await failure(individualsOf(arn));
    assert.ok(goneIndividuals instanceof ResourceNotFoundFault);
    const all = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ MaxRecords: 100 }));
    assert.ok(!all.ReplicationTaskAssessmentRuns!.some((r) => r.ReplicationTaskAssessmentRunArn === arn));
    const tags = await failure(dms.send(new ListTagsForResourceCommand({ ResourceArn: arn })));
    assert.ok(tags instanceof ResourceNotFoundFault);
    assert.equal(await resultFile(done, 'summary.json'), summaryBefore, 'the result files stay');

    const twice = await failure(dms.send(new DeleteReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: arn })));
    assert.ok(twice instanceof ResourceNotFoundFault);
    assert.match(twice.message, /not found/);
  });

  it('deleting a task removes its runs (not their files)', async () => {
    const taskArn = await readyTask();
    const run = await runEnded((await startRun(taskArn, { IncludeOnly: ['unsupported-data-types-in-source'] })).ReplicationTaskAssessmentRunArn!);
    await dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await waitUntilReplicationTaskDeleted(waiter(dms), { Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] });
    const gone = await failure(describeRun(run.ReplicationTaskAssessmentRunArn!));
    assert.ok(gone instanceof ResourceNotFoundFault);
    assert.ok(await resultFile(run, 'summary.json'));
  });
});

describe('the data-type assessment (StartReplicationTaskAssessment)', () => {
  it('needs tested connections, shows the task testing, and reports the unsupported-data-types result', async () => {
    const taskArn = await readyTask();
    const untested = await failure(dms.send(new StartReplicationTaskAssessmentCommand({ ReplicationTaskArn: taskArn })));
    assert.ok(untested instanceof InvalidResourceStateFault, untested.name);
    assert.match(untested.message, /has not been tested\. Run TestConnection/);
    for (const endpointArn of [pgBase.sourceArn, pgBase.targetArn]) {
      await dms.send(new TestConnectionCommand({ ReplicationInstanceArn: instance.arn, EndpointArn: endpointArn }));
    }
    await waitUntilTestConnectionSucceeds(waiter(dms), { Filters: [{ Name: 'endpoint-arn', Values: [pgBase.sourceArn, pgBase.targetArn] }] });

    const none = await dms.send(new DescribeReplicationTaskAssessmentResultsCommand({ ReplicationTaskArn: taskArn }));
    assert.deepEqual(none.ReplicationTaskAssessmentResults, []);

    const task = (await dms.send(new StartReplicationTaskAssessmentCommand({ ReplicationTaskArn: taskArn }))).ReplicationTask!;
    assert.equal(task.Status, 'testing');
    assert.equal(task.ReplicationTaskArn, taskArn);
    await untilStatus(dms, taskArn, ['ready']);

    const out = await dms.send(new DescribeReplicationTaskAssessmentResultsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 20 }));
    assert.equal(out.BucketName, 'dms-123456789012-us-east-1');
    const [result] = out.ReplicationTaskAssessmentResults!;
    assert.ok(result);
    assert.equal(result.ReplicationTaskArn, taskArn);
    assert.equal(result.ReplicationTaskIdentifier, task.ReplicationTaskIdentifier);
    assert.ok(['No issues found', 'Issues found'].includes(result.AssessmentStatus!), result.AssessmentStatus);
    assert.match(result.AssessmentResultsFile!, new RegExp(`^${task.ReplicationTaskIdentifier}/\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d/unsupported-data-types-in-source\\.json$`));
    // S3ObjectUrl is sensitive in the model; OpenDMS's protocol never returns sensitive members.
    assert.equal(result.S3ObjectUrl, undefined);
    const doc = JSON.parse(result.AssessmentResults!);
    assert.equal(doc.name, 'unsupported-data-types-in-source');
    assert.ok(result.ReplicationTaskLastAssessmentDate instanceof Date);

    // Without the task: every task's latest, without the results text.
    const list = await dms.send(new DescribeReplicationTaskAssessmentResultsCommand({}));
    const mine = list.ReplicationTaskAssessmentResults!.find((r) => r.ReplicationTaskArn === taskArn)!;
    assert.equal(mine.AssessmentResultsFile, result.AssessmentResultsFile);
    assert.equal(mine.AssessmentResults, undefined);
    assert.equal(mine.S3ObjectUrl, undefined);

    // It is not an assessment run of the run API.
    const runs = await failure(dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] })));
    assert.ok(runs instanceof ResourceNotFoundFault);

    // A second one in the same minute gets its own folder.
    await dms.send(new StartReplicationTaskAssessmentCommand({ ReplicationTaskArn: taskArn }));
    await untilStatus(dms, taskArn, ['ready']);
    const second = (await dms.send(new DescribeReplicationTaskAssessmentResultsCommand({ ReplicationTaskArn: taskArn }))).ReplicationTaskAssessmentResults![0]!;
    assert.notEqual(second.AssessmentResultsFile, result.AssessmentResultsFile);
  });
});

describe('restarts', () => {
  it('a run a previous process left running ends error-executing at the next start, and its task leaves testing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opendms-arun-restart-'));
    try {
      let s = await startTestServer({ dataDir });
      let c = s.client();
      const ri = await createInstance(c);
      const src = await createEndpoint(c, { EndpointType: 'source', DatabaseName: pgSource });
      const tgt = await createEndpoint(c, { EndpointType: 'target', DatabaseName: pgTarget });
      const hung = await createEndpoint(c, { EndpointType: 'target', Port: hole.port, DatabaseName: pgTarget });
      const t = await createTask(c, { instanceArn: ri.arn, sourceArn: src.arn, targetArn: tgt.arn });
      const slow = await createTask(c, { instanceArn: ri.arn, sourceArn: src.arn, targetArn: hung.arn });
      const taskArn = t.ReplicationTaskArn!;
      const slowArn = slow.ReplicationTaskArn!;
      await untilStatus(c, taskArn, ['ready']);
      await untilStatus(c, slowArn, ['ready']);
      const first = (await c.send(new StartReplicationTaskAssessmentRunCommand(startInput(taskArn, { IncludeOnly: ['unsupported-data-types-in-source'] })))).ReplicationTaskAssessmentRun!;
      await runEnded(first.ReplicationTaskAssessmentRunArn!, c);
      // A run under way while the server stops: the shutdown aborts it and leaves it for the next start.
      const second = (await c.send(new StartReplicationTaskAssessmentRunCommand(startInput(slowArn)))).ReplicationTaskAssessmentRun!;
      await sleep(300);
      const stopStarted = Date.now();
      await s.stop();
      assert.ok(Date.now() - stopStarted < 20_000, 'the shutdown does not wait for the assessments to finish');

      // As if the server had died while the first run was running.
      const db = new Database(join(dataDir, 'opendms.sqlite'));
      const row = db.prepare('SELECT data FROM resources WHERE arn = ?').get(first.ReplicationTaskAssessmentRunArn!) as { data: string };
      const record = JSON.parse(row.data);
      record.status = 'running';
      record.individuals = record.individuals.map((i: Record<string, unknown>) => ({ ...i, status: 'running' }));
      db.prepare('UPDATE resources SET data = ? WHERE arn = ?').run(JSON.stringify(record), first.ReplicationTaskAssessmentRunArn!);
      db.close();

      s = await startTestServer({ dataDir });
      c = s.client();
      const recovered = await describeRun(first.ReplicationTaskAssessmentRunArn!, c);
      assert.equal(recovered.Status, 'error-executing');
      assert.match(recovered.LastFailureMessage!, /OpenDMS stopped while this assessment run was running.*Start a new assessment run/);
      assert.equal(recovered.ResultStatistic!.Error, 1);
      assertStatisticsSum(recovered);
      const interrupted = await describeRun(second.ReplicationTaskAssessmentRunArn!, c);
      assert.ok(['error-provisioning', 'error-executing'].includes(interrupted.Status!), interrupted.Status);
      assert.match(interrupted.LastFailureMessage!, /OpenDMS stopped while this assessment run was (starting|provisioning|running)/);
      assertStatisticsSum(interrupted);
      assert.equal((await describeTask(c, taskArn)).Status, 'ready');
      assert.equal((await describeTask(c, slowArn)).Status, 'ready');
      // The task can be assessed again.
      const third = (await c.send(new StartReplicationTaskAssessmentRunCommand(startInput(taskArn, { IncludeOnly: ['unsupported-data-types-in-source'] })))).ReplicationTaskAssessmentRun!;
      await runEnded(third.ReplicationTaskAssessmentRunArn!, c);
      await s.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the AWS CLI', () => {
  it('starts and describes an assessment run', { skip: awsCliMissing }, async () => {
    const taskArn = await readyTask();
    const name = uniqueName('cli-run');
    const started = (
      await aws(server.url, [
        'start-replication-task-assessment-run',
        '--replication-task-arn', taskArn,
        '--service-access-role-arn', role,
        '--result-location-bucket', bucket,
        '--result-location-folder', 'cli',
        '--assessment-run-name', name,
        '--include-only', 'unsupported-data-types-in-source',
      ])
    ).ReplicationTaskAssessmentRun;
    assert.equal(started.Status, 'starting');
    assert.equal(started.AssessmentRunName, name);
    const done = await runEnded(started.ReplicationTaskAssessmentRunArn);
    const described = (await aws(server.url, ['describe-replication-task-assessment-runs', '--filters', `Name=replication-task-assessment-run-arn,Values=${started.ReplicationTaskAssessmentRunArn}`]))
      .ReplicationTaskAssessmentRuns;
    assert.equal(described[0].Status, done.Status);
    const individuals = (await aws(server.url, ['describe-replication-task-individual-assessments', '--filters', `Name=replication-task-assessment-run-arn,Values=${started.ReplicationTaskAssessmentRunArn}`]))
      .ReplicationTaskIndividualAssessments;
    assert.equal(individuals[0].IndividualAssessmentName, 'unsupported-data-types-in-source');
    const deleted = (await aws(server.url, ['delete-replication-task-assessment-run', '--replication-task-assessment-run-arn', started.ReplicationTaskAssessmentRunArn])).ReplicationTaskAssessmentRun;
    assert.equal(deleted.Status, 'deleting');
  });
});
