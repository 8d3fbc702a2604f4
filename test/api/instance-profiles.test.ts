/** Instance profiles through the real SDK client (and one raw call for the wire form of the creation time). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateDataProviderCommand,
  CreateInstanceProfileCommand,
  CreateMigrationProjectCommand,
  CreateReplicationSubnetGroupCommand,
  DeleteInstanceProfileCommand,
  DeleteMigrationProjectCommand,
  DescribeInstanceProfilesCommand,
  type DataProviderSettings,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyInstanceProfileCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  paginateDescribeInstanceProfiles,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { rawCall } from '../helpers/raw.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;

describe('instance profiles', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
  });
  after(async () => {
    await server.stop();
  });

  it('creates a profile with defaults, tags and an RFC 3339 creation time, and finds it by name or ARN', async () => {
    const name = uniqueName('Profile');
    const before = Date.now();
    const p = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Description: 'schema conversion', Tags: [{ Key: 'team', Value: 'db' }] })))
      .InstanceProfile!;
    assert.equal(p.InstanceProfileName, name);
    assert.match(p.InstanceProfileArn!, /^arn:aws:dms:us-east-1:123456789012:instance-profile:[A-Z2-7]{26}$/);
    assert.equal(p.Description, 'schema conversion');
    assert.equal(p.PubliclyAccessible, true);
    assert.equal(p.NetworkType, 'IPV4');
    assert.match(p.AvailabilityZone!, /^us-east-1[a-f]$/);
    assert.equal(p.KmsKeyArn, undefined, 'no key is named when DMS uses its AWS owned key');
    assert.ok(p.InstanceProfileCreationTime!.getTime() >= before - 1000 && p.InstanceProfileCreationTime!.getTime() <= Date.now() + 1000);
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: p.InstanceProfileArn! }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['team', 'db']]);

    // Iso8601DateTime goes out as an RFC 3339 string, not epoch seconds.
    const raw = await rawCall(server.url, 'AmazonDMSv20160101.DescribeInstanceProfiles', JSON.stringify({ Filters: [{ Name: 'instance-profile-identifier', Values: [name] }] }));
    const wire = (raw.body.InstanceProfiles as Record<string, unknown>[])[0]!.InstanceProfileCreationTime;
    assert.equal(typeof wire, 'string');
    assert.match(wire as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    for (const id of [name, p.InstanceProfileArn!]) {
      const found = await dms.send(new DescribeInstanceProfilesCommand({ Filters: [{ Name: 'instance-profile-identifier', Values: [id] }] }));
      assert.deepEqual(found.InstanceProfiles?.map((x) => x.InstanceProfileArn), [p.InstanceProfileArn]);
    }
    await assert.rejects(dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: name })), (e: unknown) => e instanceof ResourceAlreadyExistsFault && e.message.includes(name));
  });

  it('places the profile in its subnet group, checks zone, network type, security groups and KMS key', async () => {
    const group = uniqueName('grp');
    await dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: group, ReplicationSubnetGroupDescription: 'd', SubnetIds: ['subnet-0a1', 'subnet-0b2'] }));
    const p = (
      await dms.send(
        new CreateInstanceProfileCommand({
          InstanceProfileName: uniqueName('grouped'),
          SubnetGroupIdentifier: group.toUpperCase(),
          NetworkType: 'DUAL',
          PubliclyAccessible: false,
          VpcSecurityGroups: ['sg-0123456789abcdef0'],
          KmsKeyArn: 'alias/my-key',
        }),
      )
    ).InstanceProfile!;
    assert.equal(p.SubnetGroupIdentifier, group.toLowerCase());
    assert.match(p.AvailabilityZone!, /^us-east-1[ab]$/, 'a zone of the two-subnet group');
    assert.equal(p.NetworkType, 'DUAL');
    assert.equal(p.PubliclyAccessible, false);
    assert.deepEqual(p.VpcSecurityGroups, ['sg-0123456789abcdef0']);
    assert.equal(p.KmsKeyArn, 'arn:aws:kms:us-east-1:123456789012:alias/my-key');

    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('nogrp'), SubnetGroupIdentifier: 'no-such-group' })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /no-such-group/.test(e.message),
    );
    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('zone'), SubnetGroupIdentifier: group, AvailabilityZone: 'us-east-1f' })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /us-east-1f/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('v6'), SubnetGroupIdentifier: group, NetworkType: 'IPV6' })),
      (e: unknown) => errorName(e) === 'InvalidParameterCombinationException' && /IPV6/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('net'), NetworkType: 'IPX' })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /NetworkType 'IPX'/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('sg'), VpcSecurityGroups: ['default'] })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /'default' is not a security group id/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'bad--name' })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /InstanceProfileName 'bad--name'/.test((e as Error).message),
    );
  });

  it('modifies name, description and network settings, keeping what is not given', async () => {
    const name = uniqueName('mod');
    const p = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Description: 'one', AvailabilityZone: 'us-east-1c' }))).InstanceProfile!;
    const renamed = uniqueName('renamed');
    const m = (await dms.send(new ModifyInstanceProfileCommand({ InstanceProfileIdentifier: p.InstanceProfileArn!, InstanceProfileName: renamed, PubliclyAccessible: false })))
      .InstanceProfile!;
    assert.equal(m.InstanceProfileName, renamed);
    assert.equal(m.Description, 'one');
    assert.equal(m.AvailabilityZone, 'us-east-1c');
    assert.equal(m.PubliclyAccessible, false);
    assert.equal(m.InstanceProfileCreationTime?.getTime(), p.InstanceProfileCreationTime?.getTime());
    const m2 = (await dms.send(new ModifyInstanceProfileCommand({ InstanceProfileIdentifier: renamed, Description: 'two' }))).InstanceProfile!;
    assert.equal(m2.Description, 'two');
    await assert.rejects(dms.send(new DescribeInstanceProfilesCommand({ Filters: [{ Name: 'instance-profile-identifier', Values: [name] }] })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ModifyInstanceProfileCommand({ InstanceProfileIdentifier: name, Description: 'x' })), ResourceNotFoundFault);
    const other = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('other') }))).InstanceProfile!;
    await assert.rejects(
      dms.send(new ModifyInstanceProfileCommand({ InstanceProfileIdentifier: other.InstanceProfileArn!, InstanceProfileName: renamed })),
      ResourceAlreadyExistsFault,
    );
  });

  it('refuses to delete a profile used by a migration project, then deletes it', async () => {
    const profile = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('used') }))).InstanceProfile!;
    const provider = (engine: string, settings: DataProviderSettings) =>
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName(engine), Engine: engine, Settings: settings }));
    const src = (await provider('mysql', { MySqlSettings: { ServerName: '127.0.0.1', Port: 3306 } })).DataProvider!;
    const tgt = (await provider('postgres', { PostgreSqlSettings: { ServerName: '127.0.0.1', Port: 5432, DatabaseName: 'postgres' } })).DataProvider!;
    const project = (
      await dms.send(
        new CreateMigrationProjectCommand({
          MigrationProjectName: uniqueName('proj'),
          InstanceProfileIdentifier: profile.InstanceProfileName!,
          SourceDataProviderDescriptors: [{ DataProviderIdentifier: src.DataProviderArn! }],
          TargetDataProviderDescriptors: [{ DataProviderIdentifier: tgt.DataProviderArn! }],
        }),
      )
    ).MigrationProject!;
    await assert.rejects(
      dms.send(new DeleteInstanceProfileCommand({ InstanceProfileIdentifier: profile.InstanceProfileArn! })),
      (e: unknown) => e instanceof InvalidResourceStateFault && e.message.includes(project.MigrationProjectName!),
    );
    await dms.send(new DeleteMigrationProjectCommand({ MigrationProjectIdentifier: project.MigrationProjectArn! }));
    const deleted = (await dms.send(new DeleteInstanceProfileCommand({ InstanceProfileIdentifier: profile.InstanceProfileName! }))).InstanceProfile!;
    assert.equal(deleted.InstanceProfileArn, profile.InstanceProfileArn);
    await assert.rejects(dms.send(new DeleteInstanceProfileCommand({ InstanceProfileIdentifier: profile.InstanceProfileArn! })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: profile.InstanceProfileArn! })), ResourceNotFoundFault);
  });

  it('pages with Marker/MaxRecords, refuses unknown filters, and keeps accounts apart', async () => {
    const other = server.client({ accessKeyId: '210987654321' });
    const names: string[] = [];
    for (let i = 0; i < 23; i++) {
      const n = uniqueName(`page${i}`);
      names.push(n);
      await other.send(new CreateInstanceProfileCommand({ InstanceProfileName: n }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstanceProfiles({ client: other, pageSize: 20 }, {})) {
      pages++;
      seen.push(...page.InstanceProfiles!.map((p) => p.InstanceProfileName!));
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen, names);
    await assert.rejects(other.send(new DescribeInstanceProfilesCommand({ MaxRecords: 5 })), (e: unknown) => errorName(e) === 'InvalidParameterValueException');
    await assert.rejects(
      other.send(new DescribeInstanceProfilesCommand({ Filters: [{ Name: 'profile-colour', Values: ['x'] }] })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /instance-profile-identifier/.test((e as Error).message),
    );
    // The first account sees none of them.
    const mine = await dms.send(new DescribeInstanceProfilesCommand({}));
    assert.ok(mine.InstanceProfiles!.every((p) => !names.includes(p.InstanceProfileName!)));
    await assert.rejects(dms.send(new DescribeInstanceProfilesCommand({ Filters: [{ Name: 'instance-profile-identifier', Values: [names[0]!] }] })), ResourceNotFoundFault);
  });
});
