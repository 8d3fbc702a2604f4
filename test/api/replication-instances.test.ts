/** Replication instances, their catalogue and maintenance, through the real SDK client. */
import assert from 'node:assert/strict';
import { until as untilAtMost } from '../helpers/wait.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  ApplyPendingMaintenanceActionCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationSubnetGroupCommand,
  DeleteReplicationInstanceCommand,
  DescribeEngineVersionsCommand,
  DescribeEventsCommand,
  DescribeOrderableReplicationInstancesCommand,
  DescribePendingMaintenanceActionsCommand,
  DescribeReplicationInstanceTaskLogsCommand,
  DescribeReplicationInstancesCommand,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyReplicationInstanceCommand,
  RebootReplicationInstanceCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  StorageQuotaExceededFault,
  paginateDescribeOrderableReplicationInstances,
  paginateDescribeReplicationInstances,
  waitUntilReplicationInstanceAvailable,
  waitUntilReplicationInstanceDeleted,
  type CreateReplicationInstanceCommandInput,
  type DatabaseMigrationServiceClient,
  type ReplicationInstance,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

/** Instance state changes here are quick: 5 s unless told. */
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> => untilAtMost(what, probe, timeoutMs);

const waiter = (client: DatabaseMigrationServiceClient) => ({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorNamed = (name: string, message?: RegExp) => (e: unknown) =>
  (e as { name?: string }).name === name && (message === undefined || message.test((e as Error).message));

/**
 * Creates an instance whose maintenance window is not open now (unless the input names one,
 * even as undefined to keep the server's default): the default window is Sunday 04:00 UTC, and
 * a suite run then would see deferred changes applied under its feet.
 */
async function create(dms: DatabaseMigrationServiceClient, input: Partial<CreateReplicationInstanceCommandInput> = {}): Promise<ReplicationInstance> {
  const window = 'PreferredMaintenanceWindow' in input ? {} : { PreferredMaintenanceWindow: windowClosedNow() };
  const out = await dms.send(
    new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: uniqueName('ri'), ReplicationInstanceClass: 'dms.t3.micro', ...window, ...input }),
  );
  return out.ReplicationInstance!;
}

async function describeOne(dms: DatabaseMigrationServiceClient, arn: string): Promise<ReplicationInstance> {
  const out = await dms.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] }));
  assert.equal(out.ReplicationInstances?.length, 1);
  return out.ReplicationInstances![0]!;
}

async function available(dms: DatabaseMigrationServiceClient, arn: string): Promise<ReplicationInstance> {
  await waitUntilReplicationInstanceAvailable(waiter(dms), { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
  return describeOne(dms, arn);
}


/** A maintenance window that is open now (UTC), for applying deferred changes in a test. */
/** A 30-minute window three days from now. */
function windowClosedNow(): string {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const d = new Date(Date.now() + 3 * 86_400_000);
  const at = (x: Date) => `${days[x.getUTCDay()]}:${String(x.getUTCHours()).padStart(2, '0')}:${String(x.getUTCMinutes()).padStart(2, '0')}`;
  return `${at(d)}-${at(new Date(d.getTime() + 30 * 60_000))}`;
}

function windowOpenNow(): string {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const at = (d: Date) => `${days[d.getUTCDay()]}:${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const now = Date.now();
  return `${at(new Date(now - 5 * 60_000))}-${at(new Date(now + 55 * 60_000))}`;
}

describe('replication instances', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
  });
  after(() => server.stop());

  it('creates an instance (creating), which the Available waiter sees become available', async () => {
    const id = uniqueName('Inst');
    const ri = await create(dms, { ReplicationInstanceIdentifier: id, Tags: [{ Key: 'team', Value: 'data' }], PreferredMaintenanceWindow: undefined });
    assert.equal(ri.ReplicationInstanceIdentifier, id.toLowerCase());
    assert.equal(ri.ReplicationInstanceStatus, 'creating');
    assert.match(ri.ReplicationInstanceArn ?? '', /^arn:aws:dms:us-east-1:123456789012:rep:[A-Z2-7]{26}$/);
    assert.equal(ri.ReplicationInstanceClass, 'dms.t3.micro');
    assert.equal(ri.AllocatedStorage, 50, 'T classes default to 50 GiB');
    assert.equal(ri.EngineVersion, '3.5.4', 'the newest prod version is the default');
    assert.equal(ri.ReplicationSubnetGroup?.ReplicationSubnetGroupIdentifier, 'default');
    const zones = ri.ReplicationSubnetGroup?.Subnets?.map((s) => s.SubnetAvailabilityZone?.Name) ?? [];
    assert.ok(zones.includes(ri.AvailabilityZone), `${ri.AvailabilityZone} is one of ${zones.join(',')}`);
    assert.equal(ri.MultiAZ, false);
    assert.equal(ri.SecondaryAvailabilityZone, undefined);
    assert.equal(ri.PubliclyAccessible, true);
    assert.equal(ri.AutoMinorVersionUpgrade, true);
    assert.equal(ri.NetworkType, 'IPV4');
    assert.equal(ri.PreferredMaintenanceWindow, 'sun:04:00-sun:04:30');
    assert.match(ri.KmsKeyId ?? '', /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
    assert.deepEqual(ri.ReplicationInstancePrivateIpAddresses, ['127.0.0.1']);
    assert.match(ri.VpcSecurityGroups?.[0]?.VpcSecurityGroupId ?? '', /^sg-[0-9a-f]+$/);
    assert.deepEqual(ri.PendingModifiedValues, {});
    assert.equal(ri.InstanceCreateTime, undefined, 'no creation time while creating');

    const second = await create(dms);
    assert.equal(second.KmsKeyId, ri.KmsKeyId, 'the default KMS key is stable per account and region');

    const done = await available(dms, ri.ReplicationInstanceArn!);
    assert.equal(done.ReplicationInstanceStatus, 'available');
    assert.ok(done.InstanceCreateTime instanceof Date);
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: ri.ReplicationInstanceArn }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['team', 'data']]);
  });

  it('keeps the given settings: ResourceIdentifier, subnet group, zone, window, KMS key, DNS, network type, Kerberos', async () => {
    const group = uniqueName('grp');
    await dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: group, ReplicationSubnetGroupDescription: 'g', SubnetIds: ['subnet-1a', 'subnet-2b', 'subnet-3c'] }));
    const ri = await create(dms, {
      ResourceIdentifier: 'My-Instance-1',
      ReplicationSubnetGroupIdentifier: group,
      AvailabilityZone: 'us-east-1c',
      PreferredMaintenanceWindow: 'Tue:04:00-Tue:04:30',
      KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      PubliclyAccessible: false,
      DnsNameServers: '1.1.1.1, 8.8.8.8',
      NetworkType: 'DUAL',
      AllocatedStorage: 120,
      ReplicationInstanceClass: 'dms.r5.large',
      EngineVersion: '3.5.3',
      AutoMinorVersionUpgrade: false,
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      KerberosAuthenticationSettings: { KeyCacheSecretId: 'krb-cache', KeyCacheSecretIamArn: 'arn:aws:iam::123456789012:role/krb', Krb5FileContents: '[libdefaults]' },
    });
    assert.equal(ri.ReplicationInstanceArn, 'arn:aws:dms:us-east-1:123456789012:rep:My-Instance-1');
    assert.equal(ri.ReplicationSubnetGroup?.ReplicationSubnetGroupIdentifier, group);
    assert.equal(ri.AvailabilityZone, 'us-east-1c');
    assert.equal(ri.PreferredMaintenanceWindow, 'tue:04:00-tue:04:30');
    assert.equal(ri.KmsKeyId, 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    assert.equal(ri.PubliclyAccessible, false);
    assert.equal(ri.DnsNameServers, '1.1.1.1,8.8.8.8');
    assert.equal(ri.NetworkType, 'DUAL');
    assert.deepEqual(ri.ReplicationInstanceIpv6Addresses, ['::1']);
    assert.equal(ri.AllocatedStorage, 120);
    assert.equal(ri.EngineVersion, '3.5.3');
    assert.equal(ri.AutoMinorVersionUpgrade, false);
    assert.deepEqual(ri.VpcSecurityGroups, [{ VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' }]);
    assert.deepEqual(ri.KerberosAuthenticationSettings, { KeyCacheSecretId: 'krb-cache', KeyCacheSecretIamArn: 'arn:aws:iam::123456789012:role/krb', Krb5FileContents: '[libdefaults]' });

    const multi = await create(dms, { ReplicationSubnetGroupIdentifier: group, MultiAZ: true });
    assert.equal(multi.MultiAZ, true);
    assert.ok(multi.SecondaryAvailabilityZone && multi.SecondaryAvailabilityZone !== multi.AvailabilityZone);
  });

  it('refuses bad classes, storage, zones, identifiers, versions, windows and duplicates with clear messages', async () => {
    await assert.rejects(create(dms, { ReplicationInstanceClass: 'dms.t9.huge' }), errorNamed('InvalidParameterValueException', /dms\.t9\.huge.*dms\.t3\.micro/));
    await assert.rejects(create(dms, { AllocatedStorage: 2 }), errorNamed('InvalidParameterValueException', /AllocatedStorage 2 .*from 5 to 6144/));
    await assert.rejects(create(dms, { AllocatedStorage: 7000 }), errorNamed('InvalidParameterValueException', /from 5 to 6144/));
    await assert.rejects(create(dms, { AvailabilityZone: 'us-east-1q' }), errorNamed('InvalidParameterValueException', /us-east-1q.*not covered.*us-east-1a/));
    await assert.rejects(create(dms, { AvailabilityZone: 'us-east-1a', MultiAZ: true }), errorNamed('InvalidParameterCombinationException', /AvailabilityZone.*Multi-AZ/));
    await assert.rejects(create(dms, { ReplicationInstanceIdentifier: '9lives' }), errorNamed('InvalidParameterValueException', /begin with a letter/));
    await assert.rejects(create(dms, { ReplicationInstanceIdentifier: `a${'b'.repeat(63)}` }), errorNamed('InvalidParameterValueException', /1 to 63/));
    await assert.rejects(create(dms, { ReplicationInstanceIdentifier: 'two--hyphens' }), errorNamed('InvalidParameterValueException', /consecutive hyphens/));
    await assert.rejects(create(dms, { EngineVersion: '9.9.9' }), errorNamed('InvalidParameterValueException', /9\.9\.9.*3\.5\.4/));
    await assert.rejects(create(dms, { EngineVersion: '3.4.7' }), errorNamed('InvalidParameterValueException', /deprecated/));
    await assert.rejects(create(dms, { PreferredMaintenanceWindow: 'someday:04:00' }), errorNamed('InvalidParameterValueException', /ddd:hh24:mi-ddd:hh24:mi/));
    await assert.rejects(create(dms, { PreferredMaintenanceWindow: 'mon:04:00-mon:04:10' }), errorNamed('InvalidParameterValueException', /at least 30 minutes/));
    await assert.rejects(create(dms, { ReplicationSubnetGroupIdentifier: 'no-such-group' }), ResourceNotFoundFault);
    await assert.rejects(create(dms, { NetworkType: 'IPV6' }), errorNamed('InvalidParameterValueException', /IPV4 or DUAL/));
    await assert.rejects(create(dms, { DnsNameServers: 'not-an-ip' }), errorNamed('InvalidParameterValueException', /DnsNameServers/));
    await assert.rejects(create(dms, { ResourceIdentifier: 'bad_id' }), errorNamed('InvalidParameterValueException', /ResourceIdentifier/));

    const id = uniqueName('dup');
    const first = await create(dms, { ReplicationInstanceIdentifier: id });
    await assert.rejects(
      create(dms, { ReplicationInstanceIdentifier: id.toUpperCase() }),
      (e: unknown) => e instanceof ResourceAlreadyExistsFault && e.resourceArn === first.ReplicationInstanceArn,
    );
  });

  it('describes with filters, refuses unknown filter names, and answers ResourceNotFoundFault when nothing matches', async () => {
    const client = server.client({ accessKeyId: '222222222222' });
    const a = await create(client, { ReplicationInstanceClass: 'dms.c5.large' });
    const b = await create(client, { EngineVersion: '3.5.2' });
    const ids = async (Name: string, Values: string[]) =>
      ((await client.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name, Values }] }))).ReplicationInstances ?? []).map((r) => r.ReplicationInstanceIdentifier);
    assert.deepEqual(await ids('replication-instance-class', ['dms.c5.large']), [a.ReplicationInstanceIdentifier]);
    assert.deepEqual(await ids('engine-version', ['3.5.2']), [b.ReplicationInstanceIdentifier]);
    assert.deepEqual(await ids('replication-instance-id', [a.ReplicationInstanceIdentifier!, b.ReplicationInstanceIdentifier!]), [a.ReplicationInstanceIdentifier, b.ReplicationInstanceIdentifier]);
    assert.deepEqual(await ids('replication-instance-arn', [b.ReplicationInstanceArn!]), [b.ReplicationInstanceIdentifier]);
    await assert.rejects(
      client.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'replication-instance-id', Values: ['nope'] }] })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /No replication instances found matching provided filters/.test(e.message),
    );
    await assert.rejects(client.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })), errorNamed('InvalidParameterValueException', /colour.*replication-instance-arn/));
    // The instances of another account are invisible.
    await assert.rejects(dms.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [a.ReplicationInstanceArn!] }] })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: a.ReplicationInstanceArn })), ResourceNotFoundFault);
  });

  it('paginates instances with Marker and MaxRecords', async () => {
    const client = server.client({ accessKeyId: '333333333333' });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await create(client, { ReplicationInstanceIdentifier: `page-${i}` })).ReplicationInstanceIdentifier!);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeReplicationInstances({ client, pageSize: 20 }, {})) {
      pages++;
      seen.push(...(page.ReplicationInstances ?? []).map((r) => r.ReplicationInstanceIdentifier!));
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen, ids);
    await assert.rejects(client.send(new DescribeReplicationInstancesCommand({ MaxRecords: 10 })), /MaxRecords must be between 20 and 100/);
  });

  it('modifies with ApplyImmediately (modifying -> applied) and without it (pending until applied)', async () => {
    const ri = await create(dms);
    const arn = ri.ReplicationInstanceArn!;
    await assert.rejects(
      dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 60, ApplyImmediately: true })),
      (e: unknown) => e instanceof InvalidResourceStateFault && /status is creating/.test(e.message),
    );
    await available(dms, arn);

    const deferred = (await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, ReplicationInstanceClass: 'dms.t3.medium' }))).ReplicationInstance!;
    assert.equal(deferred.ReplicationInstanceStatus, 'available');
    assert.equal(deferred.ReplicationInstanceClass, 'dms.t3.micro');
    assert.deepEqual(deferred.PendingModifiedValues, { ReplicationInstanceClass: 'dms.t3.medium' });

    const now = (await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 80, ApplyImmediately: true }))).ReplicationInstance!;
    assert.equal(now.ReplicationInstanceStatus, 'modifying');
    assert.deepEqual(now.PendingModifiedValues, { ReplicationInstanceClass: 'dms.t3.medium', AllocatedStorage: 80 });
    await assert.rejects(dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 90 })), InvalidResourceStateFault);
    await assert.rejects(dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn })), (e: unknown) => e instanceof InvalidResourceStateFault && /status is modifying/.test(e.message));

    const applied = await available(dms, arn);
    assert.equal(applied.ReplicationInstanceClass, 'dms.t3.medium');
    assert.equal(applied.AllocatedStorage, 80);
    assert.deepEqual(applied.PendingModifiedValues, {});

    await assert.rejects(
      dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 60, ApplyImmediately: true })),
      errorNamed('InvalidParameterValueException', /can only grow/),
    );
    await assert.rejects(dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, EngineVersion: '3.5.1' })), errorNamed('InvalidParameterValueException', /downgrade/));
    await assert.rejects(
      dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, EngineVersion: '3.6.1', ApplyImmediately: true })),
      errorNamed('InvalidParameterCombinationException', /AllowMajorVersionUpgrade/),
    );
    const major = (await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, EngineVersion: '3.6.1', AllowMajorVersionUpgrade: true, ApplyImmediately: true }))).ReplicationInstance!;
    assert.equal(major.ReplicationInstanceStatus, 'modifying');
    assert.equal((await available(dms, arn)).EngineVersion, '3.6.1');

    // Settings without an outage apply at once, whatever ApplyImmediately says.
    const newId = uniqueName('renamed');
    const renamed = (await dms.send(
      new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, ReplicationInstanceIdentifier: newId, PreferredMaintenanceWindow: 'Wed:01:00-Wed:02:00', AutoMinorVersionUpgrade: false }),
    )).ReplicationInstance!;
    assert.equal(renamed.ReplicationInstanceIdentifier, newId.toLowerCase());
    assert.equal(renamed.PreferredMaintenanceWindow, 'wed:01:00-wed:02:00');
    assert.equal(renamed.AutoMinorVersionUpgrade, false);
    assert.equal(renamed.ReplicationInstanceStatus, 'available');
    const other = await create(dms);
    await available(dms, other.ReplicationInstanceArn!);
    await assert.rejects(
      dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: other.ReplicationInstanceArn, ReplicationInstanceIdentifier: newId })),
      ResourceAlreadyExistsFault,
    );
  });

  it('applies deferred changes when the maintenance window opens', async () => {
    const ri = await create(dms);
    const arn = ri.ReplicationInstanceArn!;
    await available(dms, arn);
    // A window far from now: the change waits.
    const waiting = (await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 70 }))).ReplicationInstance!;
    assert.deepEqual(waiting.PendingModifiedValues, { AllocatedStorage: 70 });
    // Moving the window over the current time opens it: the change is applied in it.
    await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, PreferredMaintenanceWindow: windowOpenNow() }));
    const applied = await until('the window to apply the storage change', async () => {
      const r = await describeOne(dms, arn);
      return r.ReplicationInstanceStatus === 'available' && r.AllocatedStorage === 70 ? r : undefined;
    });
    assert.deepEqual(applied.PendingModifiedValues, {});
  });

  it('reboots (applying deferred changes), fails over Multi-AZ instances, and refuses failover without Multi-AZ', async () => {
    const ri = await create(dms);
    const arn = ri.ReplicationInstanceArn!;
    await available(dms, arn);
    await assert.rejects(
      dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn, ForceFailover: true })),
      errorNamed('InvalidParameterCombinationException', /not a Multi-AZ/),
    );
    await dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, MultiAZ: true }));
    const rebooting = (await dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn }))).ReplicationInstance!;
    assert.equal(rebooting.ReplicationInstanceStatus, 'rebooting');
    await assert.rejects(dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn })), InvalidResourceStateFault);
    const multi = await available(dms, arn);
    assert.equal(multi.MultiAZ, true);
    assert.ok(multi.SecondaryAvailabilityZone && multi.SecondaryAvailabilityZone !== multi.AvailabilityZone);

    await assert.rejects(
      dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn, ForceFailover: true, ForcePlannedFailover: true })),
      errorNamed('InvalidParameterCombinationException', /cannot both be true/),
    );
    await dms.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn, ForcePlannedFailover: true }));
    const failedOver = await available(dms, arn);
    assert.equal(failedOver.AvailabilityZone, multi.SecondaryAvailabilityZone);
    assert.equal(failedOver.SecondaryAvailabilityZone, multi.AvailabilityZone);
  });

  it('lists a pending db-upgrade for older engine versions and applies it on opt-in', async () => {
    const old = await create(dms, { EngineVersion: '3.5.2' });
    const current = await create(dms);
    const arn = old.ReplicationInstanceArn!;
    await available(dms, arn);
    await available(dms, current.ReplicationInstanceArn!);

    const listed = await dms.send(new DescribePendingMaintenanceActionsCommand({ ReplicationInstanceArn: arn }));
    assert.deepEqual(listed.PendingMaintenanceActions, [
      { ResourceIdentifier: arn, PendingMaintenanceActionDetails: [{ Action: 'db-upgrade', Description: 'Upgrade to AWS DMS version 3.5.4' }] },
    ]);
    const none = await dms.send(new DescribePendingMaintenanceActionsCommand({ ReplicationInstanceArn: current.ReplicationInstanceArn }));
    assert.deepEqual(none.PendingMaintenanceActions, []);

    const apply = (OptInType: string, ApplyAction = 'db-upgrade', ReplicationInstanceArn = arn) =>
      dms.send(new ApplyPendingMaintenanceActionCommand({ ReplicationInstanceArn, ApplyAction, OptInType }));
    const later = (await apply('next-maintenance')).ResourcePendingMaintenanceActions!;
    assert.equal(later.PendingMaintenanceActionDetails?.[0]?.OptInStatus, 'next-maintenance');
    assert.ok(later.PendingMaintenanceActionDetails?.[0]?.CurrentApplyDate instanceof Date);
    assert.ok(later.PendingMaintenanceActionDetails[0].CurrentApplyDate.getTime() > Date.now(), 'applied in the next window, not now');
    const undone = (await apply('undo-opt-in')).ResourcePendingMaintenanceActions!;
    assert.equal(undone.PendingMaintenanceActionDetails?.[0]?.OptInStatus, undefined);

    await assert.rejects(apply('whenever'), errorNamed('InvalidParameterValueException', /immediate, next-maintenance or undo-opt-in/));
    await assert.rejects(apply('immediate', 'os-upgrade'), (e: unknown) => e instanceof ResourceNotFoundFault && /os-upgrade/.test(e.message));
    await assert.rejects(apply('immediate', 'db-upgrade', 'arn:aws:dms:us-east-1:123456789012:rep:NOSUCHINSTANCE'), ResourceNotFoundFault);

    await apply('immediate');
    assert.equal((await describeOne(dms, arn)).ReplicationInstanceStatus, 'upgrading');
    const upgraded = await available(dms, arn);
    assert.equal(upgraded.EngineVersion, '3.5.4');
    assert.deepEqual((await dms.send(new DescribePendingMaintenanceActionsCommand({ ReplicationInstanceArn: arn }))).PendingMaintenanceActions, []);
    await assert.rejects(dms.send(new DescribePendingMaintenanceActionsCommand({ ReplicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:NOSUCH' })), ResourceNotFoundFault);
  });

  it('deletes (deleting -> gone), which the Deleted waiter sees, and removes the tags', async () => {
    const ri = await create(dms, { Tags: [{ Key: 'k', Value: 'v' }] });
    const arn = ri.ReplicationInstanceArn!;
    await available(dms, arn);
    const deleting = (await dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }))).ReplicationInstance!;
    assert.equal(deleting.ReplicationInstanceStatus, 'deleting');
    await assert.rejects(dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn })), (e: unknown) => e instanceof InvalidResourceStateFault && /status is deleting/.test(e.message));
    await assert.rejects(dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 60 })), InvalidResourceStateFault);
    await waitUntilReplicationInstanceDeleted(waiter(dms), { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
    await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: arn })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn })), ResourceNotFoundFault);
    // The identifier is free again.
    await create(dms, { ReplicationInstanceIdentifier: ri.ReplicationInstanceIdentifier! });
  });

  it('lists orderable classes per engine version, with storage bounds and the region zones, paged', async () => {
    const all = [];
    let pages = 0;
    for await (const page of paginateDescribeOrderableReplicationInstances({ client: dms, pageSize: 100 }, {})) {
      pages++;
      all.push(...(page.OrderableReplicationInstances ?? []));
    }
    assert.ok(pages > 1, 'the catalogue spans several pages');
    const t3 = all.find((o) => o.ReplicationInstanceClass === 'dms.t3.micro' && o.EngineVersion === '3.5.4');
    assert.deepEqual(t3, {
      EngineVersion: '3.5.4', ReplicationInstanceClass: 'dms.t3.micro', StorageType: 'gp2', MinAllocatedStorage: 5, MaxAllocatedStorage: 6144,
      DefaultAllocatedStorage: 50, IncludedAllocatedStorage: 50, ReleaseStatus: 'prod',
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
    });
    assert.equal(all.find((o) => o.ReplicationInstanceClass === 'dms.r5.large')?.DefaultAllocatedStorage, 100);
    assert.equal(all.find((o) => o.EngineVersion === '3.6.1')?.ReleaseStatus, 'beta');
    assert.ok(!all.some((o) => o.EngineVersion === '3.4.7'), 'deprecated versions are not orderable');
    const west = await server.client({ region: 'eu-west-1' }).send(new DescribeOrderableReplicationInstancesCommand({ MaxRecords: 20 }));
    assert.equal(west.OrderableReplicationInstances?.[0]?.AvailabilityZones?.[0], 'eu-west-1a');
  });

  it('describes engine versions with their lifecycle and upgrades', async () => {
    const out = await dms.send(new DescribeEngineVersionsCommand({}));
    const byVersion = new Map(out.EngineVersions?.map((v) => [v.Version, v]));
    assert.equal(byVersion.get('3.5.4')?.Lifecycle, 'DEFAULT_VERSION');
    assert.equal(byVersion.get('3.5.4')?.ReleaseStatus, 'prod');
    assert.equal(byVersion.get('3.6.1')?.ReleaseStatus, 'beta');
    assert.equal(byVersion.get('3.4.7')?.Lifecycle, 'DEPRECATED');
    assert.ok(byVersion.get('3.5.2')?.LaunchDate instanceof Date);
    assert.deepEqual(byVersion.get('3.5.2')?.AvailableUpgrades, ['3.5.3', '3.5.4', '3.6.1']);
    assert.deepEqual(byVersion.get('3.6.1')?.AvailableUpgrades, []);
  });

  it('describes task logs of an existing instance (none until tasks exist)', async () => {
    const ri = await create(dms);
    const logs = await dms.send(new DescribeReplicationInstanceTaskLogsCommand({ ReplicationInstanceArn: ri.ReplicationInstanceArn }));
    assert.equal(logs.ReplicationInstanceArn, ri.ReplicationInstanceArn);
    assert.deepEqual(logs.ReplicationInstanceTaskLogs, []);
    await assert.rejects(dms.send(new DescribeReplicationInstanceTaskLogsCommand({ ReplicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:NOSUCH' })), ResourceNotFoundFault);
  });

  it('records lifecycle events', async (t: TestContext) => {
    const client = server.client({ accessKeyId: '444444444444' });
    const ri = await create(client);
    const arn = ri.ReplicationInstanceArn!;
    await available(client, arn);
    await client.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, AllocatedStorage: 60, ApplyImmediately: true }));
    await available(client, arn);
    await client.send(new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn }));
    await available(client, arn);
    await client.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }));
    await waitUntilReplicationInstanceDeleted(waiter(client), { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
    const expected = [
      [['creation'], 'A replication instance is being created.'],
      [['creation'], 'A replication instance is created.'],
      [['configuration change'], 'The storage for the replication instance is being increased.'],
      [['configuration change'], 'The storage for the replication instance has been increased.'],
      [[], 'Replication application shutdown'],
      [[], 'Replication application restarted'],
      [['deletion'], 'The replication instance is being deleted.'],
      [['deletion'], 'The replication instance is deleted.'],
    ];

    const out = await client.send(new DescribeEventsCommand({ SourceType: 'replication-instance', SourceIdentifier: ri.ReplicationInstanceIdentifier, Duration: 60 }));
    const events = (out.Events ?? []).map((e) => ({ categories: e.EventCategories ?? [], message: e.Message ?? '', id: e.SourceIdentifier ?? '' }));
    assert.deepEqual(events.map((e) => [e.categories, e.message]), expected);
    assert.ok(events.every((e) => e.id === ri.ReplicationInstanceIdentifier));
  });
});

describe('replication instance quotas', () => {
  it('refuses instances and storage beyond the account quotas', async () => {
    const server = await startTestServer({ args: ['--quotas', 'ReplicationInstances=2,AllocatedStorage=150'] });
    try {
      const dms = server.client();
      await create(dms, { AllocatedStorage: 50 });
      await assert.rejects(create(dms, { AllocatedStorage: 101 }), (e: unknown) => e instanceof StorageQuotaExceededFault && /AllocatedStorage \(150 GiB\)/.test(e.message));
      const second = await create(dms, { AllocatedStorage: 100 });
      await assert.rejects(create(dms), (e: unknown) => e instanceof ResourceQuotaExceededFault && /ReplicationInstances \(2\)/.test(e.message));
      await available(dms, second.ReplicationInstanceArn!);
      await assert.rejects(
        dms.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: second.ReplicationInstanceArn, AllocatedStorage: 101, ApplyImmediately: true })),
        StorageQuotaExceededFault,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('replication instances across a restart', () => {
  it('keeps the instances, and a creating instance whose step fell due while down becomes available after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opendms-ri-restart-'));
    try {
      const delay = ['--provisioning-delay-ms', '1500'];
      const first = await startTestServer({ dataDir, args: delay });
      const dms1 = first.client();
      const ri = await create(dms1, { Tags: [{ Key: 'keep', Value: 'me' }] });
      const arn = ri.ReplicationInstanceArn!;
      await first.stop();
      await sleep(1700);

      const second = await startTestServer({ dataDir, args: delay });
      try {
        const dms2 = second.client();
        const restartedAt = Date.now();
        const ready = await until('the due step to run after the restart', async () => {
          const r = await describeOne(dms2, arn);
          return r.ReplicationInstanceStatus === 'available' ? r : undefined;
        });
        assert.ok(Date.now() - restartedAt < 1000, 'the due step ran at start, not after a new provisioning delay');
        assert.equal(ready.ReplicationInstanceIdentifier, ri.ReplicationInstanceIdentifier);
        assert.deepEqual((await dms2.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).TagList?.map((t) => [t.Key, t.Value]), [['keep', 'me']]);

        // A deferred change survives a restart too.
        await dms2.send(new ModifyReplicationInstanceCommand({ ReplicationInstanceArn: arn, ReplicationInstanceClass: 'dms.c5.large' }));
        await second.stop();
        const third = await startTestServer({ dataDir, args: delay });
        try {
          assert.deepEqual((await describeOne(third.client(), arn)).PendingModifiedValues, { ReplicationInstanceClass: 'dms.c5.large' });
        } finally {
          await third.stop();
        }
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
