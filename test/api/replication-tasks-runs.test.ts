/**
 * Runs of replication tasks through the real SDK client and the real full-load engine:
 * PostgreSQL -> PostgreSQL and MariaDB -> PostgreSQL full loads end `stopped` with
 * FULL_LOAD_ONLY_FINISHED, with ReplicationTaskStats and DescribeTableStatistics filled; the
 * start types after a first run; StopReplicationTask of a running load.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeEventsCommand,
  DescribeReplicationInstanceTaskLogsCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  waitUntilReplicationTaskReady,
  waitUntilReplicationTaskRunning,
  waitUntilReplicationTaskStopped,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mariaDropDatabase, mariaExec, pgCreateDatabase, pgDropDatabase, pgExec, pgQuery } from '../helpers/databases.js';
import { createEndpoint, createInstance, createTask, describeTask, suffix, taskArnFilter, untilStatus, waiter } from './replication-tasks.fixtures.js';

const sfx = suffix();
const srcDb = `opendms_runs_src_${sfx}`;
const tgtDb = `opendms_runs_tgt_${sfx}`;
const mariaDb = `opendms_runs_${sfx}`;

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let base: { instanceArn: string; sourceArn: string; targetArn: string };
let mariaSourceArn: string;

const tableRule = (schema: string, table: string) =>
  JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': schema, 'table-name': table }, 'rule-action': 'include' }] });

async function start(arn: string, type: 'start-replication' | 'resume-processing' | 'reload-target'): Promise<ReplicationTask> {
  return (await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: type }))).ReplicationTask!;
}

/** The run's end: stopped or failed. */
const ended = (arn: string): Promise<ReplicationTask> => untilStatus(dms, arn, ['stopped', 'failed'], 120_000);

before(async () => {
  await pgCreateDatabase(srcDb);
  await pgCreateDatabase(tgtDb);
  await pgExec(
    `CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL);
     INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 5) g;
     CREATE TABLE public.docs (id int PRIMARY KEY, body text);
     INSERT INTO public.docs SELECT g, repeat('x', 1000 * g) FROM generate_series(1, 4) g;
     CREATE TABLE public.big (id int PRIMARY KEY, payload text NOT NULL);
     INSERT INTO public.big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 1500000) g;`,
    srcDb,
  );
  await mariaExec(`CREATE DATABASE ${mariaDb}`);
  await mariaExec(`CREATE TABLE ${mariaDb}.colors (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)`);
  await mariaExec(`INSERT INTO ${mariaDb}.colors VALUES (1, 'red'), (2, 'green'), (3, 'blue')`);
  server = await startTestServer();
  dms = server.client();
  const instance = await createInstance(dms);
  const source = await createEndpoint(dms, { EndpointType: 'source', DatabaseName: srcDb });
  const target = await createEndpoint(dms, { EndpointType: 'target', DatabaseName: tgtDb });
  mariaSourceArn = (await createEndpoint(dms, { EndpointType: 'source', EngineName: 'mariadb', Port: 3306, Username: 'root', DatabaseName: mariaDb })).arn;
  base = { instanceArn: instance.arn, sourceArn: source.arn, targetArn: target.arn };
});

after(async () => {
  await server?.stop();
  await pgDropDatabase(srcDb);
  await pgDropDatabase(tgtDb);
  await mariaDropDatabase(mariaDb);
});

describe('full-load runs', () => {
  it('PostgreSQL -> PostgreSQL: stopped with FULL_LOAD_ONLY_FINISHED, statistics, then resume and reload', async () => {
    const task = await createTask(dms, base, { TableMappings: tableRule('public', 'items'), ReplicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: true } }) });
    const arn = task.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    const starting = await start(arn, 'start-replication');
    assert.equal(starting.Status, 'starting');
    assert.ok(starting.ReplicationTaskStartDate instanceof Date);

    const done = await ended(arn);
    assert.equal(done.Status, 'stopped', done.LastFailureMessage);
    await waitUntilReplicationTaskStopped(waiter(dms), taskArnFilter(arn));
    assert.equal(done.StopReason, 'Stop Reason FULL_LOAD_ONLY_FINISHED');
    const stats = done.ReplicationTaskStats!;
    assert.equal(stats.FullLoadProgressPercent, 100);
    assert.equal(stats.TablesLoaded, 1);
    assert.equal(stats.TablesErrored, 0);
    assert.ok(stats.FreshStartDate instanceof Date && stats.StartDate instanceof Date && stats.StopDate instanceof Date);
    assert.ok(stats.ElapsedTimeMillis! >= 0);

    const table = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    assert.equal(table.ReplicationTaskArn, arn);
    assert.equal(table.TableStatistics!.length, 1);
    const items = table.TableStatistics![0]!;
    assert.equal(items.SchemaName, 'public');
    assert.equal(items.TableName, 'items');
    assert.equal(items.TableState, 'Table completed');
    assert.equal(items.FullLoadRows, 5);
    assert.equal(items.FullLoadErrorRows, 0);
    assert.equal(items.Inserts, 0);
    assert.equal(items.ValidationState, 'Not enabled');
    assert.ok(items.LastUpdateTime instanceof Date);
    const filtered = await dms.send(
      new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn, Filters: [{ Name: 'table-state', Values: ['Table completed'] }, { Name: 'schema-name', Values: ['public'] }] }),
    );
    assert.equal(filtered.TableStatistics!.length, 1);
    const none = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn, Filters: [{ Name: 'table-name', Values: ['nope'] }] }));
    assert.deepEqual(none.TableStatistics, []);
    const rows = await pgQuery<{ n: string }>(tgtDb, 'SELECT count(*) AS n FROM public.items');
    assert.equal(rows[0]!.n, '5');

    const again = await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' })).catch((e: Error) => e);
    assert.ok(again instanceof Error);
    assert.equal(again.name, 'InvalidParameterValueException');
    assert.match(again.message, /has run before/);

    await start(arn, 'resume-processing');
    const resumed = await untilStatus(dms, arn, ['stopped', 'failed'], 120_000);
    assert.equal(resumed.Status, 'stopped', resumed.LastFailureMessage);
    assert.equal(resumed.ReplicationTaskStats!.FreshStartDate!.getTime(), stats.FreshStartDate!.getTime(), 'a resume is not a fresh start');

    await start(arn, 'reload-target');
    const reloaded = await untilStatus(dms, arn, ['stopped', 'failed'], 120_000);
    assert.equal(reloaded.Status, 'stopped', reloaded.LastFailureMessage);
    assert.ok(reloaded.ReplicationTaskStats!.FreshStartDate!.getTime() > stats.FreshStartDate!.getTime());
    const after = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    assert.equal(after.TableStatistics![0]!.FullLoadRows, 5);

    const logs = await dms.send(new DescribeReplicationInstanceTaskLogsCommand({ ReplicationInstanceArn: base.instanceArn }));
    const log = logs.ReplicationInstanceTaskLogs!.find((l) => l.ReplicationTaskArn === arn);
    assert.ok(log && log.ReplicationInstanceTaskLogSize! > 0, 'the run wrote a task log');
    const res = await fetch(`${server.url}/tasks/${task.ReplicationTaskIdentifier}/log`);
    assert.equal(res.status, 200);
    assert.ok((await res.text()).length > 0);

    const events = await dms.send(new DescribeEventsCommand({ Duration: 60 }));
    const messages = events.Events!.filter((e) => e.SourceIdentifier === task.ReplicationTaskIdentifier).map((e) => e.Message);
    assert.ok(messages.includes('The replication task has started.'));
    assert.ok(messages.includes('The replication task has stopped.'));
  });

  it('limited LOB mode truncation is in the statistics (ValidationStateDetails) and the log, never silent', async () => {
    const settings = { TargetMetadata: { LimitedSizeLobMode: true, LobMaxSize: 2 }, Logging: { EnableLogging: true } };
    const task = await createTask(dms, base, { TableMappings: tableRule('public', 'docs'), ReplicationTaskSettings: JSON.stringify(settings) });
    const arn = task.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    await start(arn, 'start-replication');
    const done = await ended(arn);
    assert.equal(done.Status, 'stopped', done.LastFailureMessage);
    const docs = (await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }))).TableStatistics![0]!;
    assert.equal(docs.FullLoadRows, 4);
    assert.equal(docs.ValidationState, 'Not enabled');
    // Rows 3 and 4 hold 3000 and 4000 characters: over the 2 KB limit.
    assert.match(docs.ValidationStateDetails ?? '', /2 LOB values truncated to 2 KB .*body: 2/);
    const lengths = await pgQuery<{ id: number; n: number }>(tgtDb, 'SELECT id, length(body) AS n FROM public.docs ORDER BY id');
    assert.deepEqual(lengths.map((r) => r.n), [1000, 2000, 2048, 2048]);
    const log = await fetch(`${server.url}/tasks/${task.ReplicationTaskIdentifier}/log`).then((r) => r.text());
    assert.match(log, /W:  .*docs.*2 LOB values truncated to 2 KB/);
  });

  it('MariaDB -> PostgreSQL full load', async () => {
    const task = await createTask(dms, { ...base, sourceArn: mariaSourceArn }, { TableMappings: tableRule(mariaDb, 'colors') });
    const arn = task.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    await start(arn, 'start-replication');
    const done = await ended(arn);
    assert.equal(done.Status, 'stopped', done.LastFailureMessage);
    assert.equal(done.StopReason, 'Stop Reason FULL_LOAD_ONLY_FINISHED');
    const table = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    assert.deepEqual(table.TableStatistics!.map((s) => [s.SchemaName, s.TableName, s.FullLoadRows, s.TableState]), [[mariaDb, 'colors', 3, 'Table completed']]);
  });

  it('StopReplicationTask stops a running load: stopping, then stopped with Stop Reason NORMAL', async () => {
    const task = await createTask(dms, base, { TableMappings: tableRule('public', 'big'), ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { CommitRate: 1000 } }) });
    const arn = task.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    await start(arn, 'start-replication');
    await waitUntilReplicationTaskRunning(waiter(dms), taskArnFilter(arn));
    const stopping = await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
    assert.equal(stopping.ReplicationTask!.Status, 'stopping');
    await waitUntilReplicationTaskStopped(waiter(dms, 120), taskArnFilter(arn));
    const stopped = await describeTask(dms, arn);
    assert.equal(stopped.StopReason, 'Stop Reason NORMAL');
    assert.ok(stopped.ReplicationTaskStats!.StopDate instanceof Date);
  });
});
