/** DescribeAccountAttributes through the real SDK client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationInstanceCommand,
  CreateReplicationSubnetGroupCommand,
  DeleteReplicationInstanceCommand,
  DescribeAccountAttributesCommand,
  waitUntilReplicationInstanceDeleted,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

async function quotas(client: DatabaseMigrationServiceClient): Promise<Map<string, { used: number; max: number }>> {
  const out = await client.send(new DescribeAccountAttributesCommand({}));
  return new Map(out.AccountQuotas?.map((q) => [q.AccountQuotaName!, { used: q.Used!, max: q.Max! }]));
}

describe('account attributes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ args: ['--quotas', 'ReplicationInstances=7,Endpoints=42'] });
  });
  after(() => server.stop());

  it('lists every quota with its configured maximum, unused in a fresh account', async () => {
    const q = await quotas(server.client({ accessKeyId: '100000000001' }));
    assert.deepEqual([...q.keys()].sort(), [
      'AllocatedStorage', 'Certificates', 'Endpoints', 'EndpointsPerInstance', 'EventSubscriptions', 'ReplicationInstances', 'ReplicationSubnetGroups',
      'ReplicationTasks', 'SubnetsPerReplicationSubnetGroup',
    ]);
    for (const [name, v] of q) assert.equal(v.used, 0, `${name} is unused`);
    assert.equal(q.get('ReplicationInstances')?.max, 7);
    assert.equal(q.get('Endpoints')?.max, 42);
    assert.equal(q.get('AllocatedStorage')?.max, 30000, 'DMS default');
    assert.equal(q.get('ReplicationSubnetGroups')?.max, 60, 'DMS default');
  });

  it('counts the real usage of instances, storage and subnet groups, and frees it on deletion', async () => {
    const client = server.client({ accessKeyId: '100000000002' });
    const group = uniqueName('grp');
    await client.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: group, ReplicationSubnetGroupDescription: 'g', SubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'] }));
    const a = await client.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: uniqueName('a'), ReplicationInstanceClass: 'dms.t3.micro', ReplicationSubnetGroupIdentifier: group }));
    await client.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: uniqueName('b'), ReplicationInstanceClass: 'dms.r5.large', ReplicationSubnetGroupIdentifier: group, AllocatedStorage: 120 }));
    let q = await quotas(client);
    assert.deepEqual(q.get('ReplicationInstances'), { used: 2, max: 7 });
    assert.deepEqual(q.get('AllocatedStorage'), { used: 170, max: 30000 });
    assert.equal(q.get('ReplicationSubnetGroups')?.used, 1);
    assert.equal(q.get('SubnetsPerReplicationSubnetGroup')?.used, 3);
    assert.equal(q.get('ReplicationTasks')?.used, 0);

    // Usage is per account: another account sees none of it.
    assert.equal((await quotas(server.client({ accessKeyId: '100000000003' }))).get('ReplicationInstances')?.used, 0);

    const arn = a.ReplicationInstance!.ReplicationInstanceArn!;
    await client.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }));
    await waitUntilReplicationInstanceDeleted({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
    q = await quotas(client);
    assert.deepEqual(q.get('ReplicationInstances'), { used: 1, max: 7 });
    assert.equal(q.get('AllocatedStorage')?.used, 120);
  });

  it('gives a UniqueAccountIdentifier that is stable per account and region and differs between them', async () => {
    const id = async (accessKeyId: string, region = 'us-east-1') =>
      (await server.client({ accessKeyId, region }).send(new DescribeAccountAttributesCommand({}))).UniqueAccountIdentifier!;
    const first = await id('100000000004');
    assert.match(first, /^c[a-z2-7]{11}$/);
    assert.equal(await id('100000000004'), first);
    assert.notEqual(await id('100000000005'), first);
    assert.notEqual(await id('100000000004', 'eu-west-1'), first);
  });
});
