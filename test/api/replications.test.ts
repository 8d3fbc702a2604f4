/**
 * DMS Serverless replications through the real SDK client against real PostgreSQL (issue 6
 * "done means"): a PG -> PG full-load-and-cdc replication config is started, walks the
 * serverless statuses to `running` with its provisioned capacity, loads the source and carries
 * live changes; StopReplication answers the seed's members (stopping -> stopped, ProvisionData
 * kept, ReplicationStats, StopReason, RecoveryCheckpoint); changes made while stopped arrive
 * after resume-processing. Error cases: stop when not running, unknown config, config changes
 * while running, start types. Deleting the config drops the replication slot.
 */
import assert from 'node:assert/strict';
import { until } from '../helpers/wait.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationConfigCommand,
  DeleteReplicationConfigCommand,
  DescribeReplicationTableStatisticsCommand,
  DescribeReplicationTasksCommand,
  DescribeReplicationsCommand,
  ModifyReplicationConfigCommand,
  ReloadReplicationTablesCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  type DatabaseMigrationServiceClient,
  type Replication,
} from '@aws-sdk/client-database-migration-service';
import { dropTaskSlot } from '../helpers/cdc-workload.js';
import { pgCreateDatabase, pgDropDatabase, pgExec, pgQuery } from '../helpers/databases.js';
import { expectFault, startTestServer, uniqueName, type TestServer } from '../helpers/server.js';
import { describeReplication } from './replications.fixtures.js';
import { createEndpoint, includeAll, suffix } from './replication-tasks.fixtures.js';

const sfx = suffix();
const srcDb = `opendms_repl_src_${sfx}`;
const tgtDb = `opendms_repl_tgt_${sfx}`;
const srcDb2 = `opendms_repl_src2_${sfx}`;
const tgtDb2 = `opendms_repl_tgt2_${sfx}`;

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let sourceArn: string;
let targetArn: string;
const slots: string[] = [];


const replicationOf = (configArn: string, client = dms): Promise<Replication> => describeReplication(client, configArn);


const targetCount = async (db = tgtDb): Promise<number> => {
  const rows = await pgQuery<{ n: string }>(db, `SELECT count(*) AS n FROM public.items`).catch(() => [{ n: '-1' }]);
  return Number(rows[0]!.n);
};

async function createConfig(max = 4, endpoints = { sourceArn, targetArn }, client = dms): Promise<string> {
  const out = await client.send(
    new CreateReplicationConfigCommand({
      ReplicationConfigIdentifier: uniqueName('repl'),
      SourceEndpointArn: endpoints.sourceArn,
      TargetEndpointArn: endpoints.targetArn,
      ReplicationType: 'full-load-and-cdc',
      TableMappings: includeAll('public'),
      // INFO lines in the task log show the run's parallelism.
      ReplicationSettings: JSON.stringify({ Logging: { EnableLogging: true } }),
      ComputeConfig: { MinCapacityUnits: 1, MaxCapacityUnits: max },
    }),
  );
  const arn = out.ReplicationConfig!.ReplicationConfigArn!;
  slots.push(`replication-${arn.slice(arn.lastIndexOf(':') + 1).toLowerCase()}`);
  return arn;
}

before(async () => {
  for (const db of [srcDb, tgtDb, srcDb2, tgtDb2]) await pgCreateDatabase(db);
  for (const db of [srcDb, srcDb2]) {
    await pgExec(
      `CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL);
       INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 1000) g; ANALYZE;`,
      db,
    );
  }
  server = await startTestServer();
  dms = server.client();
  sourceArn = (await createEndpoint(dms, { EndpointType: 'source', DatabaseName: srcDb })).arn;
  targetArn = (await createEndpoint(dms, { EndpointType: 'target', DatabaseName: tgtDb })).arn;
});

after(async () => {
  await server?.stop();
  for (const s of slots) await dropTaskSlot(s);
  for (const db of [srcDb, tgtDb, srcDb2, tgtDb2]) await pgDropDatabase(db);
});

describe('DMS Serverless replications', () => {
  it('start, running with provisioned capacity, live changes, stop (the seed), changes while stopped, resume-processing', async () => {
    const configArn = await createConfig(4);
    const unknown = configArn.replace(/:[^:]+$/, ':NOSUCHCONFIG');

    // Nothing runs yet.
    await expectFault(dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn })), 'InvalidResourceStateFault', /status is created/);
    await expectFault(dms.send(new StopReplicationCommand({ ReplicationConfigArn: unknown })), 'ResourceNotFoundFault', /NOSUCHCONFIG/);
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: unknown, StartReplicationType: 'start-replication' })), 'ResourceNotFoundFault', /NOSUCHCONFIG/);
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'resume-processing' })), 'InvalidParameterValueException', /never run/);
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'sideways' })), 'InvalidParameterValueException', /StartReplicationType/);
    await expectFault(
      dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication', PremigrationAssessmentSettings: '{"Bogus":1}' })),
      'InvalidParameterValueException',
      /keys DMS does not know: Bogus/,
    );
    assert.deepEqual((await dms.send(new DescribeReplicationsCommand({}))).Replications, []);

    const started = (await dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication' }))).Replication!;
    assert.equal(started.Status, 'initializing');
    assert.equal(started.StartReplicationType, 'start-replication');
    assert.equal(started.ReplicationType, 'full-load-and-cdc');
    assert.equal(started.SourceEndpointArn, sourceArn);

    // The serverless statuses, then running with its capacity.
    const seen = new Set<string>();
    const running = await until('running', async () => {
      const r = await replicationOf(configArn);
      seen.add(r.Status!);
      assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
      return r.Status === 'running' ? r : undefined;
    });
    assert.ok(seen.has('calculating_capacity') || seen.has('provisioning_capacity') || seen.has('replication_starting'), [...seen].join(','));
    assert.equal(running.ProvisionData?.ProvisionState, 'provisioned');
    const units = running.ProvisionData?.ProvisionedCapacityUnits ?? 0;
    assert.ok(units >= 1 && units <= 4, `ProvisionedCapacityUnits ${units}`);
    assert.equal(running.ProvisionData?.IsNewProvisioningAvailable, false);
    assert.ok(running.ProvisionData?.DateProvisioned instanceof Date);
    // The provisioned capacity bounds the run's parallelism (a small source: 1 DCU, one table at a time).
    assert.equal(units, 1);
    const taskArn = configArn.replace(/:replication-config:([^:]+)$/, ':task:$1--replication');
    const log = await until('the task log', async () => {
      const text = await (await fetch(`${server.url}/tasks/${encodeURIComponent(taskArn)}/log`)).text();
      return /Full load of 1 tables started/.test(text) ? text : undefined;
    });
    assert.match(log, /Full load of 1 tables started .*MaxFullLoadSubTasks 1,/);
    // The task behind the replication is not a replication task of the account.
    assert.deepEqual((await dms.send(new DescribeReplicationTasksCommand({}))).ReplicationTasks, []);

    // The config cannot change or go while the replication runs; a second start is refused.
    await expectFault(dms.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: configArn, ComputeConfig: { MaxCapacityUnits: 8 } })), 'InvalidResourceStateFault', /replication is running/);
    await expectFault(dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn })), 'InvalidResourceStateFault', /replication is running/);
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'reload-target' })), 'InvalidResourceStateFault', /status is running/);

    // Full load, then live changes.
    await until('the full load', async () => ((await targetCount()) === 1000 ? true : undefined));
    await pgExec(`INSERT INTO public.items SELECT g, 'live ' || g FROM generate_series(1001, 1010) g`, srcDb);
    await until('live changes', async () => ((await targetCount()) === 1010 ? true : undefined));
    const stats = await dms.send(new DescribeReplicationTableStatisticsCommand({ ReplicationConfigArn: configArn }));
    assert.equal(stats.ReplicationConfigArn, configArn);
    const items = stats.ReplicationTableStatistics?.find((t) => t.TableName === 'items');
    assert.equal(items?.TableState, 'Table completed');
    assert.equal(items?.FullLoadRows, 1000);
    await until('inserts counted', async () => {
      const s = await dms.send(new DescribeReplicationTableStatisticsCommand({ ReplicationConfigArn: configArn, Filters: [{ Name: 'table-name', Values: ['items'] }] }));
      return (s.ReplicationTableStatistics?.[0]?.Inserts ?? 0) >= 10 ? true : undefined;
    });
    // ReloadReplicationTables is the task runtime's ReloadTables: it reloads during the full load;
    // once the run captures changes the engine refuses, in the replication's words.
    await expectFault(
      dms.send(new ReloadReplicationTablesCommand({ ReplicationConfigArn: configArn, TablesToReload: [{ SchemaName: 'public', TableName: 'items' }] })),
      'InvalidResourceStateFault',
      /replication of config .*ReloadReplicationTables works only while the replication is running; start it with StartReplicationType reload-target/,
    );
    await expectFault(
      dms.send(new ReloadReplicationTablesCommand({ ReplicationConfigArn: configArn, TablesToReload: [] })),
      'InvalidParameterValueException',
      /TablesToReload must name 1 to 10 tables/,
    );

    // StopReplication: the seed's members.
    const stopping = (await dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }))).Replication!;
    assert.ok(['stopping', 'stopped'].includes(stopping.Status!), stopping.Status);
    assert.equal(stopping.ReplicationConfigArn, configArn);
    assert.equal(stopping.ProvisionData?.ProvisionedCapacityUnits, units, 'a stop does not deprovision');
    assert.ok(stopping.ReplicationStats, 'ReplicationStats');
    assert.equal(stopping.ReplicationStats.TablesLoaded, 1);
    assert.ok(stopping.ReplicationStats.FreshStartDate instanceof Date);
    assert.ok(stopping.ReplicationCreateTime instanceof Date && stopping.ReplicationUpdateTime instanceof Date);
    const stopped = await until('stopped', async () => {
      const r = await replicationOf(configArn);
      return r.Status === 'stopped' ? r : undefined;
    });
    assert.equal(stopped.StopReason, 'Stop Reason NORMAL');
    assert.match(stopped.RecoveryCheckpoint ?? '', /^pg:/);
    assert.ok(stopped.ReplicationLastStopTime instanceof Date);
    assert.ok(stopped.ReplicationDeprovisionTime instanceof Date && stopped.ReplicationDeprovisionTime > stopped.ReplicationLastStopTime);
    assert.equal(stopped.ProvisionData?.ProvisionState, 'provisioned');
    assert.ok(stopped.ReplicationStats?.StopDate instanceof Date);
    await expectFault(dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn })), 'InvalidResourceStateFault', /status is stopped/);

    // Changes while stopped arrive after resume-processing; a stopped config may change.
    await pgExec(`INSERT INTO public.items SELECT g, 'offline ' || g FROM generate_series(1011, 1020) g; UPDATE public.items SET name = 'changed' WHERE id = 1`, srcDb);
    await dms.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: configArn, ComputeConfig: { MaxCapacityUnits: 2 } }));
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication' })), 'InvalidParameterValueException', /has run before/);
    const resumed = (await dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'resume-processing' }))).Replication!;
    assert.equal(resumed.StartReplicationType, 'resume-processing');
    const runningAgain = await until('running again', async () => {
      const r = await replicationOf(configArn);
      assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
      return r.Status === 'running' ? r : undefined;
    });
    assert.ok((runningAgain.ProvisionData?.ProvisionedCapacityUnits ?? 0) <= 2, 'provisioned again within the new maximum');
    await until('the changes made while stopped', async () => {
      const changed = await pgQuery<{ name: string }>(tgtDb, `SELECT name FROM public.items WHERE id = 1`);
      return (await targetCount()) === 1020 && changed[0]?.name === 'changed' ? true : undefined;
    });

    // Describe filters and pagination.
    const second = await createConfig(1);
    await dms.send(new StartReplicationCommand({ ReplicationConfigArn: second, StartReplicationType: 'start-replication' }));
    const byId = await dms.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-id', Values: [running.ReplicationConfigIdentifier!.toUpperCase()] }] }));
    assert.deepEqual(byId.Replications?.map((r) => r.ReplicationConfigArn), [configArn]);
    const page1 = await dms.send(new DescribeReplicationsCommand({ MaxRecords: 20 }));
    assert.equal(page1.Replications?.length, 2);
    await expectFault(dms.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [unknown] }] })), 'ResourceNotFoundFault', /No replications found/);
    // Stopped during its serverless steps or its run: either way it ends stopped.
    await until('second stoppable', async () => ((await replicationOf(second)).Status !== 'initializing' ? true : undefined));
    await dms.send(new StopReplicationCommand({ ReplicationConfigArn: second }));
    await until('second stopped', async () => ((await replicationOf(second)).Status === 'stopped' ? true : undefined));

    // Stop, then delete the config: the replication and its replication slot go with it.
    await dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
    await until('stopped again', async () => ((await replicationOf(configArn)).Status === 'stopped' ? true : undefined));
    await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn }));
    await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: second }));
    assert.deepEqual((await dms.send(new DescribeReplicationsCommand({}))).Replications, []);
    await until(
      'the slot dropped',
      async () => ((await pgQuery('postgres', `SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [`opendms_${slots[0]!.replace(/-/g, '_')}`])).length === 0 ? true : undefined),
      20_000,
    );
  });

  it('a restart resumes a running replication; a stopped one deprovisions after the idle time and provisions again when started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opendms-repl-'));
    const args = ['--replication-deprovision-ms', '1500'];
    let own = await startTestServer({ dataDir, args });
    try {
      let c = own.client();
      const endpoints = {
        sourceArn: (await createEndpoint(c, { EndpointType: 'source', DatabaseName: srcDb2 })).arn,
        targetArn: (await createEndpoint(c, { EndpointType: 'target', DatabaseName: tgtDb2 })).arn,
      };
      const configArn = await createConfig(2, endpoints, c);
      await c.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication' }));
      await until('running', async () => ((await replicationOf(configArn, c)).Status === 'running' ? true : undefined));
      await until('the full load', async () => ((await targetCount(tgtDb2)) === 1000 ? true : undefined));

      // The server goes away while the replication runs; the next one resumes it from its checkpoint.
      await own.stop();
      await pgExec(`INSERT INTO public.items SELECT g, 'while down ' || g FROM generate_series(1001, 1005) g`, srcDb2);
      own = await startTestServer({ dataDir, args });
      c = own.client();
      await until('running after the restart', async () => ((await replicationOf(configArn, c)).Status === 'running' ? true : undefined));
      await until('the changes made while the server was down', async () => ((await targetCount(tgtDb2)) === 1005 ? true : undefined));

      // Stopped, then idle past the deprovision time: deprovisioned; a start provisions again.
      await c.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
      const stopped = await until('stopped', async () => {
        const r = await replicationOf(configArn, c);
        return r.Status === 'stopped' ? r : undefined;
      });
      assert.equal(stopped.ReplicationDeprovisionTime!.getTime() - stopped.ReplicationLastStopTime!.getTime(), 1500);
      const gone = await until('deprovisioned', async () => {
        const r = await replicationOf(configArn, c);
        return r.Status === 'deprovisioned' ? r : undefined;
      });
      assert.equal(gone.ProvisionData?.ProvisionState, 'deprovisioned');
      await pgExec(`INSERT INTO public.items VALUES (1006, 'after deprovisioning')`, srcDb2);
      await c.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'resume-processing' }));
      const again = await until('running again', async () => {
        const r = await replicationOf(configArn, c);
        assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
        return r.Status === 'running' ? r : undefined;
      });
      assert.equal(again.ProvisionData?.ProvisionState, 'provisioned');
      assert.ok(again.ProvisionData!.DateProvisioned! > gone.ProvisionData!.DateProvisioned!);
      await until('the change', async () => ((await targetCount(tgtDb2)) === 1006 ? true : undefined));
      await c.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
      await until('stopped at the end', async () => ((await replicationOf(configArn, c)).Status === 'stopped' ? true : undefined));
      await c.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn }));
    } finally {
      await own.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
