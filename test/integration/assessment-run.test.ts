/**
 * The premigration assessment issue's "done means", against the real local MariaDB and
 * PostgreSQL through the real SDK client: a MariaDB source with a table without a primary key
 * whose NOT NULL LOB column a full-LOB-mode full-load-and-cdc task would migrate to PostgreSQL.
 * A run names exactly those problems (failed or warning, with advice), passes the checks that
 * hold, writes its report files, can be cancelled mid-way, and DeleteReplicationTaskAssessmentRun
 * removes the run but not its files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancelReplicationTaskAssessmentRunCommand,
  DeleteReplicationTaskAssessmentRunCommand,
  DescribeApplicableIndividualAssessmentsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  ResourceNotFoundFault,
  StartReplicationTaskAssessmentRunCommand,
  type DatabaseMigrationServiceClient,
  type ReplicationTaskAssessmentRun,
} from '@aws-sdk/client-database-migration-service';
import { mariaDropDatabase, mariaExec, pgCreateDatabase, pgDropDatabase, uniqueSuffix } from '../helpers/databases.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';
import { createEndpoint, createInstance, createTask, includeAll, sleep, untilStatus } from '../api/replication-tasks.fixtures.js';

const sfx = uniqueSuffix();
const source = `opendms_assess_${sfx}`;
const target = `opendms_assess_dst_${sfx}`;
const role = 'arn:aws:iam::123456789012:role/dms-assessments';
const bucket = 'assessment-results';
const ended = ['passed', 'warning', 'failed', 'cancelled', 'error-provisioning', 'error-executing'];

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let taskArn: string;

interface ResultFile {
  name: string;
  status: string;
  summary: string;
  advice?: string;
  findings: { object: string; detail: string }[];
}

async function runEnded(arn: string, timeoutMs = 120_000): Promise<ReplicationTaskAssessmentRun> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const out = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [arn] }] }));
    const r = out.ReplicationTaskAssessmentRuns![0]!;
    if (ended.includes(r.Status!)) return r;
    if (Date.now() > end) throw new Error(`assessment run ${arn} is still ${r.Status}`);
    await sleep(100);
  }
}

async function file(run: ReplicationTaskAssessmentRun, name: string): Promise<string | undefined> {
  const body = await server.app.objectStore.get({ bucket: run.ResultLocationBucket!, prefix: `${run.ResultLocationFolder}/${run.AssessmentRunName}` }, name);
  return body?.toString('utf8');
}

before(async () => {
  await mariaExec([
    `CREATE DATABASE ${source}`,
    // The problem: no primary or unique key, and a NOT NULL LOB column.
    `CREATE TABLE ${source}.notes (id int NOT NULL, body longtext NOT NULL, created datetime) ENGINE=InnoDB`,
    `INSERT INTO ${source}.notes VALUES (1, REPEAT('x', 1000), NOW()), (2, 'short', NOW())`,
    // A table that is fine.
    `CREATE TABLE ${source}.customers (id int PRIMARY KEY, name varchar(80) NOT NULL, email varchar(120)) ENGINE=InnoDB`,
    `INSERT INTO ${source}.customers VALUES (1, 'Ada', 'ada@example.com')`,
  ]);
  await pgCreateDatabase(target);
  server = await startTestServer();
  dms = server.client();
  const instance = await createInstance(dms);
  const src = await createEndpoint(dms, { EndpointType: 'source', EngineName: 'mariadb', Port: 3306, Username: 'root', DatabaseName: source });
  const dst = await createEndpoint(dms, { EndpointType: 'target', EngineName: 'postgres', Port: 5432, Username: 'postgres', DatabaseName: target });
  const task = await createTask(
    dms,
    { instanceArn: instance.arn, sourceArn: src.arn, targetArn: dst.arn },
    {
      MigrationType: 'full-load-and-cdc',
      TableMappings: includeAll(source),
      ReplicationTaskSettings: JSON.stringify({ TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 64 } }),
    },
  );
  taskArn = task.ReplicationTaskArn!;
  await untilStatus(dms, taskArn, ['ready']);
});

after(async () => {
  await server?.stop();
  await mariaDropDatabase(source);
  await pgDropDatabase(target);
});

describe('premigration assessment of a MariaDB -> PostgreSQL full-load-and-cdc task in full LOB mode', () => {
  let run: ReplicationTaskAssessmentRun;
  const results = new Map<string, ResultFile>();

  it('names exactly the missing key and the NOT NULL LOB column (failed or warning, with advice), and passes the checks that hold', async () => {
    const applicable = (await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationTaskArn: taskArn }))).IndividualAssessmentNames!;
    for (const n of ['table-with-no-primary-key-or-unique-constraint', 'table-with-lob-but-without-primary-key-or-unique-constraint', 'full-lob-not-nullable-at-target', 'unsupported-data-types-in-source']) {
      assert.ok(applicable.includes(n), `${n} applies`);
    }
    assert.ok(applicable.some((n) => n.startsWith('mariadb-check-')));
    const started = (
      await dms.send(
        new StartReplicationTaskAssessmentRunCommand({
          ReplicationTaskArn: taskArn,
          ServiceAccessRoleArn: role,
          ResultLocationBucket: bucket,
          ResultLocationFolder: 'premigration',
          AssessmentRunName: uniqueName('done-means'),
        }),
      )
    ).ReplicationTaskAssessmentRun!;
    run = await runEnded(started.ReplicationTaskAssessmentRunArn!);
    assert.ok(['failed', 'warning'].includes(run.Status!), `${run.Status}: ${run.LastFailureMessage}`);
    const s = run.ResultStatistic!;
    assert.equal(s.Passed! + s.Failed! + s.Error! + s.Warning! + s.Cancelled! + s.Skipped!, applicable.length);

    for (const n of applicable) {
      const text = await file(run, `${n}.json`);
      assert.ok(text, `${n}.json is written`);
      results.set(n, JSON.parse(text) as ResultFile);
    }
    const report = [...results.values()].map((r) => `${r.name}: ${r.status} — ${r.summary}${r.advice ? ` [advice: ${r.advice}]` : ''}`).join('\n');
    console.log(report);

    const problem = (name: string, object: RegExp) => {
      const r = results.get(name)!;
      assert.ok(['failed', 'warning'].includes(r.status), `${name} is ${r.status}: ${r.summary}`);
      assert.ok(r.advice && r.advice.length > 20, `${name} says what to do`);
      assert.ok(r.findings.some((f) => object.test(f.object)), `${name} names ${object}: ${JSON.stringify(r.findings)}`);
      assert.ok(!r.findings.some((f) => /customers/.test(f.object)), `${name} does not name the table that is fine`);
    };
    problem('table-with-no-primary-key-or-unique-constraint', /notes/);
    problem('table-with-lob-but-without-primary-key-or-unique-constraint', /notes/);
    problem('full-lob-not-nullable-at-target', /notes\.body/);

    // No other check names the source's tables as a problem.
    for (const r of results.values()) {
      if (!['failed', 'warning'].includes(r.status)) continue;
      if (['table-with-no-primary-key-or-unique-constraint', 'table-with-lob-but-without-primary-key-or-unique-constraint', 'full-lob-not-nullable-at-target'].includes(r.name)) continue;
      assert.ok(!r.findings.some((f) => /\b(notes|customers)\b/.test(f.object)), `${r.name} (${r.status}) names a table: ${JSON.stringify(r.findings)}`);
    }
    // Checks that hold here pass: the types, the selection, and the server settings the local MariaDB has for CDC.
    for (const n of ['unsupported-data-types-in-source', 'all-check-source-selection-rules', 'mariadb-check-binlog-format', 'mariadb-check-binlog-image', 'mariadb-check-server-id', 'mariadb-check-table-storage-engine']) {
      if (results.has(n)) assert.equal(results.get(n)!.status, 'passed', `${n}: ${results.get(n)!.summary}`);
    }
    const individuals = (
      await dms.send(new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [run.ReplicationTaskAssessmentRunArn!] }] }))
    ).ReplicationTaskIndividualAssessments!;
    for (const i of individuals) assert.equal(i.Status, results.get(i.IndividualAssessmentName!)!.status);
  });

  it('writes summary.json and report.md beside the per-assessment files', async () => {
    const summary = JSON.parse((await file(run, 'summary.json'))!);
    assert.equal(summary['assessment-run-arn'], run.ReplicationTaskAssessmentRunArn);
    assert.equal(summary['overall-test-result'], run.Status);
    assert.equal(summary.assessments.length, results.size);
    assert.ok(summary.summary.failed.length + summary.summary.warning.length >= 3);
    const report = (await file(run, 'report.md'))!;
    assert.match(report, /notes/);
    assert.ok(report.includes('table-with-no-primary-key-or-unique-constraint'));
  });

  it('can be cancelled mid-way: unfinished assessments end cancelled, the run cancelled', async () => {
    const started = (
      await dms.send(
        new StartReplicationTaskAssessmentRunCommand({ ReplicationTaskArn: taskArn, ServiceAccessRoleArn: role, ResultLocationBucket: bucket, ResultLocationFolder: 'premigration', AssessmentRunName: uniqueName('cancelled') }),
      )
    ).ReplicationTaskAssessmentRun!;
    const cancelling = (await dms.send(new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: started.ReplicationTaskAssessmentRunArn! }))).ReplicationTaskAssessmentRun!;
    assert.equal(cancelling.Status, 'cancelling');
    const done = await runEnded(started.ReplicationTaskAssessmentRunArn!);
    assert.equal(done.Status, 'cancelled');
    assert.ok(done.ResultStatistic!.Cancelled! > 0, JSON.stringify(done.ResultStatistic));
    const s = done.ResultStatistic!;
    assert.equal(s.Passed! + s.Failed! + s.Error! + s.Warning! + s.Cancelled! + s.Skipped!, done.AssessmentProgress!.IndividualAssessmentCount);
    const summary = JSON.parse((await file(done, 'summary.json'))!);
    assert.equal(summary['overall-test-result'], 'cancelled');
    assert.equal(summary.statistics.cancelled, s.Cancelled);
  });

  it('DeleteReplicationTaskAssessmentRun removes the run but not its files', async () => {
    const before = await file(run, 'summary.json');
    const deleted = (await dms.send(new DeleteReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn! }))).ReplicationTaskAssessmentRun!;
    assert.equal(deleted.Status, 'deleting');
    assert.deepEqual(deleted.ResultStatistic, run.ResultStatistic);
    await assert.rejects(
      dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [run.ReplicationTaskAssessmentRunArn!] }] })),
      (err) => err instanceof ResourceNotFoundFault,
    );
    assert.equal(await file(run, 'summary.json'), before);
    for (const n of results.keys()) assert.ok(await file(run, `${n}.json`), `${n}.json stays`);
  });
});
