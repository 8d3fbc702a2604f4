/**
 * A running replication's capacity is re-evaluated from its observed change rate (issue 6 §2):
 * a burst of changes beyond what the provisioned DCUs apply sets ProvisionData's
 * IsNewProvisioningAvailable with the date and the reason; the capacity stays until the next
 * start, which provisions the new one. Real SDK client, real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateReplicationConfigCommand,
  DeleteReplicationConfigCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  type DatabaseMigrationServiceClient,
  type Replication,
} from '@aws-sdk/client-database-migration-service';
import { dropTaskSlot } from '../helpers/cdc-workload.js';
import { pgCreateDatabase, pgDropDatabase, pgExec, pgQuery } from '../helpers/databases.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { describeReplication } from './replications.fixtures.js';
import { createEndpoint, includeAll, suffix } from './replication-tasks.fixtures.js';

const sfx = suffix();
const srcDb = `opendms_replcap_src_${sfx}`;
const tgtDb = `opendms_replcap_tgt_${sfx}`;
let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let slot: string | undefined;

const replicationOf = (configArn: string): Promise<Replication> => describeReplication(dms, configArn);

const targetCount = async (): Promise<number> => Number((await pgQuery<{ n: string }>(tgtDb, 'SELECT count(*) AS n FROM public.items').catch(() => [{ n: '-1' }]))[0]!.n);

before(async () => {
  for (const db of [srcDb, tgtDb]) await pgCreateDatabase(db);
  await pgExec(`CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO public.items VALUES (1, 'one'); ANALYZE;`, srcDb);
  server = await startTestServer();
  dms = server.client();
});

after(async () => {
  await server?.stop();
  if (slot) await dropTaskSlot(slot);
  for (const db of [srcDb, tgtDb]) await pgDropDatabase(db);
});

it('a burst of changes while running offers a new provisioning; the next start provisions it', async () => {
  const sourceArn = (await createEndpoint(dms, { EndpointType: 'source', DatabaseName: srcDb })).arn;
  const targetArn = (await createEndpoint(dms, { EndpointType: 'target', DatabaseName: tgtDb })).arn;
  const configArn = (
    await dms.send(
      new CreateReplicationConfigCommand({
        ReplicationConfigIdentifier: uniqueName('replcap'),
        SourceEndpointArn: sourceArn,
        TargetEndpointArn: targetArn,
        ReplicationType: 'full-load-and-cdc',
        TableMappings: includeAll('public'),
        ComputeConfig: { MinCapacityUnits: 1, MaxCapacityUnits: 4 },
      }),
    )
  ).ReplicationConfig!.ReplicationConfigArn!;
  slot = `replication-${configArn.slice(configArn.lastIndexOf(':') + 1).toLowerCase()}`;
  await dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication' }));
  const running = await until('running', async () => {
    const r = await replicationOf(configArn);
    assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
    return r.Status === 'running' ? r : undefined;
  });
  assert.equal(running.ProvisionData?.ProvisionedCapacityUnits, 1);
  assert.equal(running.ProvisionData?.IsNewProvisioningAvailable, false);
  await until('the full load', async () => ((await targetCount()) === 1 ? true : undefined));
  // The first read of the change count (after 5 s) is the baseline; then a burst.
  await sleep(6_000);
  await pgExec(`INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(2, 40001) g;`, srcDb);
  await until('the burst on the target', async () => ((await targetCount()) === 40001 ? true : undefined), 60_000);
  const offered = await until(
    'IsNewProvisioningAvailable',
    async () => {
      const r = await replicationOf(configArn);
      return r.ProvisionData?.IsNewProvisioningAvailable ? r : undefined;
    },
    30_000,
  );
  const pd = offered.ProvisionData!;
  assert.equal(pd.ProvisionedCapacityUnits, 1, 'the capacity stays until the next start');
  assert.ok(pd.DateNewProvisioningDataAvailable instanceof Date);
  assert.match(pd.ReasonForNewProvisioningData ?? '', /^Peak change rate [\d.]+\/s needs \d+ DCU .* instead of the 1 DCU provisioned/);
  const offeredUnits = Number(/: (\d+) DCU \(between/.exec(pd.ReasonForNewProvisioningData!)![1]);
  assert.ok(offeredUnits > 1 && offeredUnits <= 4, pd.ReasonForNewProvisioningData);

  await dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
  await until('stopped', async () => ((await replicationOf(configArn)).Status === 'stopped' ? true : undefined));
  await dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'resume-processing' }));
  const again = await until('running again', async () => {
    const r = await replicationOf(configArn);
    assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
    return r.Status === 'running' ? r : undefined;
  });
  assert.equal(again.ProvisionData?.ProvisionedCapacityUnits, offeredUnits, 'the next start provisions the new capacity');
  assert.equal(again.ProvisionData?.IsNewProvisioningAvailable, false);
  await dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
  await until('stopped again', async () => ((await replicationOf(configArn)).Status === 'stopped' ? true : undefined));
  await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn }));
});
