/** Replication subnet groups through the real SDK client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationSubnetGroupCommand,
  DeleteReplicationSubnetGroupCommand,
  DescribeReplicationSubnetGroupsCommand,
  ModifyReplicationSubnetGroupCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsFault,
  ReplicationSubnetGroupDoesNotCoverEnoughAZs,
  InvalidSubnet,
  ResourceNotFoundFault,
  paginateDescribeReplicationSubnetGroups,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

describe('replication subnet groups', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
  });
  after(() => server.stop());

  it('creates, describes, modifies and deletes a group with tags', async () => {
    const id = uniqueName('Grp');
    const created = await dms.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: id,
        ReplicationSubnetGroupDescription: 'two zones',
        SubnetIds: ['subnet-0a1', 'subnet-0b2'],
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    const g = created.ReplicationSubnetGroup!;
    assert.equal(g.ReplicationSubnetGroupIdentifier, id.toLowerCase());
    assert.equal(g.SubnetGroupStatus, 'Complete');
    assert.deepEqual(g.Subnets?.map((s) => [s.SubnetIdentifier, s.SubnetAvailabilityZone?.Name, s.SubnetStatus]), [
      ['subnet-0a1', 'us-east-1a', 'Active'],
      ['subnet-0b2', 'us-east-1b', 'Active'],
    ]);
    assert.match(g.VpcId ?? '', /^vpc-[0-9a-f]+$/);
    const arn = `arn:aws:dms:us-east-1:123456789012:subgrp:${id.toLowerCase()}`;
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['team', 'data']]);

    await assert.rejects(
      dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id, ReplicationSubnetGroupDescription: 'x', SubnetIds: ['subnet-1', 'subnet-2'] })),
      (e: unknown) => e instanceof ResourceAlreadyExistsFault && e.resourceArn === arn,
    );

    const modified = await dms.send(
      new ModifyReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id, ReplicationSubnetGroupDescription: 'three', SubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'] }),
    );
    assert.equal(modified.ReplicationSubnetGroup?.ReplicationSubnetGroupDescription, 'three');
    assert.equal(modified.ReplicationSubnetGroup?.Subnets?.length, 3);

    await dms.send(new DeleteReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id }));
    await assert.rejects(
      dms.send(new DescribeReplicationSubnetGroupsCommand({ Filters: [{ Name: 'replication-subnet-group-id', Values: [id.toLowerCase()] }] })),
      ResourceNotFoundFault,
    );
    await assert.rejects(dms.send(new DeleteReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: arn })), ResourceNotFoundFault);
  });

  it('refuses groups that cannot cover two zones, bad subnet ids and bad identifiers', async () => {
    await assert.rejects(
      dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: uniqueName('one'), ReplicationSubnetGroupDescription: 'x', SubnetIds: ['subnet-1'] })),
      ReplicationSubnetGroupDoesNotCoverEnoughAZs,
    );
    await assert.rejects(
      dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: uniqueName('bad'), ReplicationSubnetGroupDescription: 'x', SubnetIds: ['subnet-1', 'sn 2'] })),
      (e: unknown) => e instanceof InvalidSubnet && /sn 2/.test(e.message),
    );
    await assert.rejects(
      dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: '1-starts-with-digit', ReplicationSubnetGroupDescription: 'x', SubnetIds: ['subnet-1', 'subnet-2'] })),
      (e: unknown) => (e as { name?: string }).name === 'InvalidParameterValueException' && /begin with a letter/.test((e as Error).message),
    );
  });

  it('paginates with Marker and MaxRecords within the documented bounds', async () => {
    const client = server.client({ accessKeyId: '999999999999' });
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      const id = `page-${i}`;
      ids.push(id);
      await client.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id, ReplicationSubnetGroupDescription: 'p', SubnetIds: ['subnet-1', 'subnet-2'] }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeReplicationSubnetGroups({ client, pageSize: 20 }, {})) {
      pages++;
      seen.push(...(page.ReplicationSubnetGroups ?? []).map((g) => g.ReplicationSubnetGroupIdentifier!));
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ids);
    await assert.rejects(
      client.send(new DescribeReplicationSubnetGroupsCommand({ MaxRecords: 5 })),
      (e: unknown) => /MaxRecords must be between 20 and 100/.test((e as Error).message),
    );
    await assert.rejects(client.send(new DescribeReplicationSubnetGroupsCommand({ Marker: 'garbage' })), /not a marker returned by/);
  });
});
