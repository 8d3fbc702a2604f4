/** Data providers through the real SDK client. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateDataProviderCommand,
  CreateInstanceProfileCommand,
  CreateMigrationProjectCommand,
  DeleteDataProviderCommand,
  DeleteMigrationProjectCommand,
  DescribeDataProvidersCommand,
  ImportCertificateCommand,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyDataProviderCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  paginateDescribeDataProviders,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { rawCall } from '../helpers/raw.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;
const invalidValue = (pattern: RegExp) => (e: unknown) => errorName(e) === 'InvalidParameterValueException' && pattern.test((e as Error).message);

describe('data providers', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
  });
  after(async () => {
    await server.stop();
  });

  it('creates providers of every connectable engine with their settings member, and returns them as given', async () => {
    const cases = [
      { Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: 'pg.example.com', Port: 5432, DatabaseName: 'app', SslMode: 'require' as const } } },
      { Engine: 'aurora-postgresql', Settings: { PostgreSqlSettings: { ServerName: 'apg.example.com', DatabaseName: 'app' } } },
      { Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'my.example.com', Port: 3306 } } },
      { Engine: 'aurora', Settings: { MySqlSettings: { ServerName: 'amy.example.com' } } },
      { Engine: 'mariadb', Settings: { MariaDbSettings: { ServerName: 'maria.example.com', Port: 3307, S3Path: 's3://bucket/schemas' } } },
      // Engines without a connector are stored too, as DMS allows.
      { Engine: 'oracle', Settings: { OracleSettings: { ServerName: 'ora.example.com', Port: 1521, DatabaseName: 'ORCL' } } },
    ];
    for (const c of cases) {
      const name = uniqueName(c.Engine);
      const before = Date.now();
      const p = (await dms.send(new CreateDataProviderCommand({ DataProviderName: name, Description: `a ${c.Engine}`, ...c, Tags: [{ Key: 'engine', Value: c.Engine }] }))).DataProvider!;
      assert.equal(p.DataProviderName, name);
      assert.match(p.DataProviderArn!, /^arn:aws:dms:us-east-1:123456789012:data-provider:[A-Z2-7]{26}$/);
      assert.equal(p.Engine, c.Engine);
      assert.equal(p.Virtual, false);
      assert.equal(p.Description, `a ${c.Engine}`);
      assert.deepEqual(p.Settings, c.Settings);
      assert.ok(Math.abs(p.DataProviderCreationTime!.getTime() - before) < 5000);
      const described = await dms.send(new DescribeDataProvidersCommand({ Filters: [{ Name: 'data-provider-identifier', Values: [p.DataProviderArn!] }] }));
      assert.deepEqual(described.DataProviders![0]!.Settings, c.Settings);
      const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: p.DataProviderArn! }));
      assert.deepEqual(tags.TagList?.map((t) => t.Value), [c.Engine]);
    }
    const raw = await rawCall(server.url, 'AmazonDMSv20160101.DescribeDataProviders', '{}');
    assert.match((raw.body.DataProviders as Record<string, unknown>[])[0]!.DataProviderCreationTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('refuses settings of another engine, unknown engines, missing server names, bad ports and S3 paths', async () => {
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'postgres', Settings: { MySqlSettings: { ServerName: 'h' } } })),
      invalidValue(/Settings\.MySqlSettings does not match Engine postgres: a postgres data provider takes Settings\.PostgreSqlSettings/),
    );
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'mysql', Settings: { MariaDbSettings: { ServerName: 'h' } } })),
      invalidValue(/takes Settings\.MySqlSettings/),
    );
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'cockroach', Settings: { PostgreSqlSettings: { ServerName: 'h' } } })),
      invalidValue(/Engine 'cockroach' is not valid .*postgres/),
    );
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'postgres', Settings: { PostgreSqlSettings: { DatabaseName: 'd' } } })),
      invalidValue(/Settings\.PostgreSqlSettings\.ServerName is required/),
    );
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h', Port: 70000 } } })),
      invalidValue(/Port 70000 is not valid/),
    );
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h', S3Path: 'not a bucket!' } } })),
      invalidValue(/S3Path 'not a bucket!' is not an S3 location/),
    );
    // The union must have exactly one member: the protocol layer says so.
    await assert.rejects(
      // Two members on purpose: the SDK's union type forbids it, the server must too.
      dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h' }, PostgreSqlSettings: { ServerName: 'h' } } as never })),
      (e: unknown) => errorName(e) === 'ValidationException',
    );
    // A virtual provider needs no server.
    const v = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('virtual'), Engine: 'postgres', Virtual: true, Settings: { PostgreSqlSettings: {} } })))
      .DataProvider!;
    assert.equal(v.Virtual, true);
    const name = uniqueName('dup');
    await dms.send(new CreateDataProviderCommand({ DataProviderName: name, Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h' } } }));
    await assert.rejects(
      dms.send(new CreateDataProviderCommand({ DataProviderName: name, Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h' } } })),
      ResourceAlreadyExistsFault,
    );
  });

  it('checks SSL modes against imported certificates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opendms-dp-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '2', '-subj', '/CN=dp-ca'], { cwd: dir, stdio: 'ignore' });
      const cert = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('dpca'), CertificatePem: readFileSync(join(dir, 'c.pem'), 'utf8') }))).Certificate!;
      await assert.rejects(
        dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: 'h', DatabaseName: 'd', SslMode: 'verify-full' } } })),
        (e: unknown) => errorName(e) === 'InvalidParameterCombinationException' && /verify-full needs a CertificateArn/.test((e as Error).message),
      );
      const missing = cert.CertificateArn!.replace(/cert:.*/, 'cert:NOSUCHCERT');
      await assert.rejects(
        dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('x'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h', SslMode: 'verify-ca', CertificateArn: missing } } })),
        (e: unknown) => e instanceof ResourceNotFoundFault && e.message.includes('NOSUCHCERT'),
      );
      const ok = (
        await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('ssl'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h', SslMode: 'verify-ca', CertificateArn: cert.CertificateArn! } } }))
      ).DataProvider!;
      assert.equal(ok.Settings?.MySqlSettings?.CertificateArn, cert.CertificateArn);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('modifies with merged settings by default and replaced settings with ExactSettings', async () => {
    const name = uniqueName('mod');
    const p = (await dms.send(new CreateDataProviderCommand({ DataProviderName: name, Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: 'a', Port: 5433, DatabaseName: 'one' } } })))
      .DataProvider!;
    const merged = (await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, Settings: { PostgreSqlSettings: { DatabaseName: 'two', SslMode: 'require' } } }))).DataProvider!;
    assert.deepEqual(merged.Settings, { PostgreSqlSettings: { ServerName: 'a', Port: 5433, DatabaseName: 'two', SslMode: 'require' } });
    const exact = (
      await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: p.DataProviderArn!, ExactSettings: true, Settings: { PostgreSqlSettings: { ServerName: 'b', DatabaseName: 'three' } } }))
    ).DataProvider!;
    assert.deepEqual(exact.Settings, { PostgreSqlSettings: { ServerName: 'b', DatabaseName: 'three' } });
    // Exact settings without a ServerName: the result must still be valid.
    await assert.rejects(
      dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, ExactSettings: true, Settings: { PostgreSqlSettings: { DatabaseName: 'x' } } })),
      invalidValue(/ServerName is required/),
    );
    // Same family, same settings member: the engine may change alone.
    const aurora = (await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, Engine: 'aurora-postgresql', Description: 'moved' }))).DataProvider!;
    assert.equal(aurora.Engine, 'aurora-postgresql');
    assert.equal(aurora.Description, 'moved');
    await assert.rejects(
      dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, Engine: 'mysql' })),
      (e: unknown) => errorName(e) === 'InvalidParameterCombinationException' && /Engine mysql needs Settings\.MySqlSettings/.test((e as Error).message),
    );
    const mysql = (await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'm' } } }))).DataProvider!;
    assert.deepEqual(mysql.Settings, { MySqlSettings: { ServerName: 'm' } });
    const renamed = uniqueName('renamed');
    assert.equal((await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, DataProviderName: renamed }))).DataProvider!.DataProviderName, renamed);
    await assert.rejects(dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: name, Description: 'gone' })), ResourceNotFoundFault);
    assert.equal(mysql.DataProviderCreationTime?.getTime(), p.DataProviderCreationTime?.getTime());
  });

  it('refuses to delete a provider used by a project; pages and filters', async () => {
    const profile = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('prof') }))).InstanceProfile!;
    const src = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('src'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h' } } }))).DataProvider!;
    const tgt = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('tgt'), Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: 'h', DatabaseName: 'd' } } })))
      .DataProvider!;
    const project = (
      await dms.send(
        new CreateMigrationProjectCommand({
          MigrationProjectName: uniqueName('proj'),
          InstanceProfileIdentifier: profile.InstanceProfileArn!,
          SourceDataProviderDescriptors: [{ DataProviderIdentifier: src.DataProviderName! }],
          TargetDataProviderDescriptors: [{ DataProviderIdentifier: tgt.DataProviderName! }],
        }),
      )
    ).MigrationProject!;
    for (const p of [src, tgt]) {
      await assert.rejects(
        dms.send(new DeleteDataProviderCommand({ DataProviderIdentifier: p.DataProviderArn! })),
        (e: unknown) => e instanceof InvalidResourceStateFault && e.message.includes(project.MigrationProjectName!),
      );
    }
    await dms.send(new DeleteMigrationProjectCommand({ MigrationProjectIdentifier: project.MigrationProjectName! }));
    assert.equal((await dms.send(new DeleteDataProviderCommand({ DataProviderIdentifier: src.DataProviderName! }))).DataProvider!.DataProviderArn, src.DataProviderArn);
    await assert.rejects(dms.send(new DeleteDataProviderCommand({ DataProviderIdentifier: src.DataProviderArn! })), ResourceNotFoundFault);

    const other = server.client({ region: 'eu-west-1' });
    const names: string[] = [];
    for (let i = 0; i < 21; i++) {
      const n = uniqueName(`p${i}`);
      names.push(n);
      await other.send(new CreateDataProviderCommand({ DataProviderName: n, Engine: i % 2 ? 'mysql' : 'mariadb', Settings: i % 2 ? { MySqlSettings: { ServerName: 'h' } } : { MariaDbSettings: { ServerName: 'h' } } }));
    }
    const seen: string[] = [];
    for await (const page of paginateDescribeDataProviders({ client: other, pageSize: 20 }, {})) seen.push(...page.DataProviders!.map((p) => p.DataProviderName!));
    assert.deepEqual(seen, names);
    const maria = await other.send(new DescribeDataProvidersCommand({ Filters: [{ Name: 'engine', Values: ['mariadb'] }] }));
    assert.equal(maria.DataProviders!.length, 11);
    await assert.rejects(dms.send(new DescribeDataProvidersCommand({ Filters: [{ Name: 'data-provider-identifier', Values: [names[0]!] }] })), ResourceNotFoundFault);
    await assert.rejects(other.send(new DescribeDataProvidersCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })), invalidValue(/data-provider-identifier/));
  });
});
