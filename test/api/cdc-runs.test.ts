/**
 * The ongoing-replication issue's "done means" through the real SDK against a real
 * `opendms serve` process: a full-load-and-cdc task keeps its target equal to its source,
 * row for row, under a live random workload, across a `kill -9` of the server during the full
 * load and another during change data capture (the restarted server resumes the task by
 * itself), and across a stop and a resume-processing. Deleting the task drops its
 * replication slot.
 */
import assert from 'node:assert/strict';
import { until } from '../helpers/wait.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DeleteReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { pgQuery } from '../helpers/databases.js';
import { Workload, converged, dropTaskSlot } from '../helpers/cdc-workload.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';
import { TestDb, type Engine } from '../integration/engine-helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const clientOf = (s: ServerProcess): DatabaseMigrationServiceClient =>
  new DatabaseMigrationServiceClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });

async function taskOf(c: DatabaseMigrationServiceClient, arn: string): Promise<ReplicationTask> {
  return (await c.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }))).ReplicationTasks![0]!;
}

async function tableStates(c: DatabaseMigrationServiceClient, arn: string): Promise<Map<string, { state: string; inserts: number }>> {
  const out = await c.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
  return new Map((out.TableStatistics ?? []).map((t) => [t.TableName!, { state: t.TableState!, inserts: t.Inserts ?? 0 }]));
}


for (const engine of ['postgres', 'mariadb'] as const satisfies readonly Engine[]) {
  describe(`full-load-and-cdc ${engine} -> postgres through the API`, () => {
    it('stays equal to the source under a live workload across kill -9 during the full load and during CDC, and a stop / resume', async () => {
      const src = await TestDb.create(engine, 'apicdcsrc');
      const dst = await TestDb.create('postgres', 'apicdcdst');
      const dataDir = mkdtempSync(join(tmpdir(), 'opendms-cdc-api-'));
      const identifier = `cdcapi-${engine}-${process.pid}`;
      let server: ServerProcess | undefined;
      let background: Promise<void> | undefined;
      let running = true;
      try {
        await src.exec(
          engine === 'postgres'
            ? `CREATE TABLE ${src.q('items')} (id bigint PRIMARY KEY, name text, qty integer NOT NULL, price numeric(10,2) NOT NULL);
               INSERT INTO ${src.q('items')} SELECT g, 'seed ' || g, g % 50, g * 1.25 FROM generate_series(1, 300000) g;
               CREATE TABLE ${src.q('notes')} (id integer PRIMARY KEY, body text);
               INSERT INTO ${src.q('notes')} SELECT g, repeat('n', g) FROM generate_series(1, 50) g; ANALYZE;`
            : `CREATE TABLE ${src.q('items')} (id bigint PRIMARY KEY, name text, qty int NOT NULL, price decimal(10,2) NOT NULL);
               INSERT INTO ${src.q('items')} SELECT seq, CONCAT('seed ', seq), seq % 50, seq * 1.25 FROM seq_1_to_300000;
               CREATE TABLE ${src.q('notes')} (id int PRIMARY KEY, body text);
               INSERT INTO ${src.q('notes')} SELECT seq, REPEAT('n', seq) FROM seq_1_to_50;`,
        );
        const work = new Workload(src, 23);
        for (const r of await src.rows(`SELECT id FROM ${src.q('items')} WHERE id > 299000`)) work.ids.add(Number(r[0]));

        server = await spawnServer(dataDir, ['--provisioning-delay-ms', '0']);
        let dms = clientOf(server);
        const ri = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'cdc-ri', ReplicationInstanceClass: 'dms.t3.medium' }));
        const riArn = ri.ReplicationInstance!.ReplicationInstanceArn!;
        const endpoint = async (id: string, type: 'source' | 'target', db: TestDb): Promise<string> =>
          (
            await dms.send(
              new CreateEndpointCommand({
                EndpointIdentifier: id,
                EndpointType: type,
                EngineName: db.engine,
                ServerName: '127.0.0.1',
                Port: db.engine === 'postgres' ? 5432 : 3306,
                Username: db.engine === 'postgres' ? 'postgres' : 'root',
                ...(db.engine === 'postgres' || type === 'source' ? { DatabaseName: db.database } : {}),
              }),
            )
          ).Endpoint!.EndpointArn!;
        const srcArn = await endpoint('cdc-src', 'source', src);
        const dstArn = await endpoint('cdc-dst', 'target', dst);
        await until('the instance', async () => ((await dms.send(new (await import('@aws-sdk/client-database-migration-service')).DescribeReplicationInstancesCommand({}))).ReplicationInstances?.[0]?.ReplicationInstanceStatus === 'available' ? true : undefined));
        const created = await dms.send(
          new CreateReplicationTaskCommand({
            ReplicationTaskIdentifier: identifier,
            ReplicationInstanceArn: riArn,
            SourceEndpointArn: srcArn,
            TargetEndpointArn: dstArn,
            MigrationType: 'full-load-and-cdc',
            TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': src.schema, 'table-name': '%' }, 'rule-action': 'include' }] }),
            ReplicationTaskSettings: JSON.stringify({ TargetMetadata: { TargetSchema: dst.schema }, FullLoadSettings: { CommitRate: 5000 } }),
          }),
        );
        const arn = created.ReplicationTask!.ReplicationTaskArn!;
        await until('ready', async () => ((await taskOf(dms, arn)).Status === 'ready' ? true : undefined));
        await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' }));
        background = (async () => {
          while (running) {
            await work.run(5);
            await sleep(10);
          }
        })();

        // kill -9 while items loads.
        await until('items loading', async () => ((await tableStates(dms, arn)).get('items')?.state === 'Full load' ? true : undefined));
        server.child.kill('SIGKILL');
        await server.exited;
        server = await spawnServer(dataDir, ['--provisioning-delay-ms', '0']);
        dms = clientOf(server);
        // The restarted server resumes the task by itself and finishes the full load.
        await until('the resumed full load', async () => {
          const t = await taskOf(dms, arn);
          assert.notEqual(t.Status, 'failed', t.LastFailureMessage);
          const s = await tableStates(dms, arn);
          return t.Status === 'running' && s.get('items')?.state === 'Table completed' && s.get('notes')?.state === 'Table completed' ? true : undefined;
        }, 120_000);
        await sleep(1500);

        // kill -9 while changes flow.
        server.child.kill('SIGKILL');
        await server.exited;
        await sleep(500);
        server = await spawnServer(dataDir, ['--provisioning-delay-ms', '0']);
        dms = clientOf(server);
        await until('running again', async () => ((await taskOf(dms, arn)).Status === 'running' ? true : undefined));
        await sleep(1500);
        running = false;
        await background;
        const log = (): string => `task: ${arn}`;
        await converged(src, dst, 'after two kill -9', log);

        // Stop, change, resume-processing.
        await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
        const stopped = await until('stopped', async () => {
          const t = await taskOf(dms, arn);
          return t.Status === 'stopped' ? t : undefined;
        });
        assert.match(stopped.RecoveryCheckpoint ?? '', /^pg:|^mysql:/);
        await work.run(100);
        await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'resume-processing' }));
        await until('running after resume', async () => ((await taskOf(dms, arn)).Status === 'running' ? true : undefined));
        await converged(src, dst, 'after resume-processing', log);
        assert.ok(((await tableStates(dms, arn)).get('items')?.inserts ?? 0) > 0, 'Inserts are counted');
        // The same, and the latency, for a Prometheus scrape.
        await work.run(20);
        await converged(src, dst, 'before the scrape', log);
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        assert.match(metrics, new RegExp(`opendms_task_running\\{task="${identifier}",status="running",migration_type="full-load-and-cdc"\\} 1`));
        const inserts = new RegExp(`opendms_table_changes_applied_total\\{task="${identifier}",schema="${src.schema}",table="items",kind="insert"\\} (\\d+)`).exec(metrics);
        assert.ok(inserts && Number(inserts[1]) > 0, metrics);
        assert.match(metrics, new RegExp(`opendms_task_cdc_latency_seconds\\{task="${identifier}"\\} \\d`));

        await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
        await until('stopped again', async () => ((await taskOf(dms, arn)).Status === 'stopped' ? true : undefined));
        await dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }));
        if (engine === 'postgres') {
          await until('the slot dropped', async () => ((await pgQuery('postgres', `SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE 'opendms_cdcapi_%${process.pid}'`)).length === 0 ? true : undefined), 20_000);
        }
      } finally {
        running = false;
        await background?.catch(() => undefined);
        if (server) {
          server.child.kill('SIGKILL');
          await server.exited;
        }
        rmSync(dataDir, { recursive: true, force: true });
        if (engine === 'postgres') await dropTaskSlot(identifier);
        await src.drop();
        await dst.drop();
      }
    });
  });
}
