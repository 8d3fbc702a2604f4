/**
 * Migration projects and their conversion configuration through the real SDK client, and the
 * ProjectContext the metadata-model requests use: connections to the real local PostgreSQL and
 * MariaDB with credentials from the local secret store (put with `opendms secrets` while the
 * server runs).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateDataProviderCommand,
  CreateInstanceProfileCommand,
  CreateMigrationProjectCommand,
  DeleteMigrationProjectCommand,
  DescribeConversionConfigurationCommand,
  DescribeMigrationProjectsCommand,
  ListTagsForResourceCommand,
  ModifyConversionConfigurationCommand,
  ModifyDataProviderCommand,
  ModifyMigrationProjectCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  paginateDescribeMigrationProjects,
  type DataProvider,
  type DatabaseMigrationServiceClient,
  type InstanceProfile,
} from '@aws-sdk/client-database-migration-service';
import { rawCall } from '../helpers/raw.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));
const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;
const invalidValue = (pattern: RegExp) => (e: unknown) => errorName(e) === 'InvalidParameterValueException' && pattern.test((e as Error).message);
const rules = JSON.stringify({ rules: [{ 'rule-type': 'transformation', 'rule-id': '1', 'rule-name': '1', 'rule-action': 'convert-lowercase', 'rule-target': 'table', 'object-locator': { 'schema-name': '%', 'table-name': '%' } }] });

describe('migration projects', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let profile: InstanceProfile;
  let mysqlSource: DataProvider;
  let pgTarget: DataProvider;
  const secretPassword = `pw-${Math.random().toString(36).slice(2)}-never-shown`;

  /** `opendms secrets ...` against the running server's data folder; returns its output. */
  const secrets = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [bin, 'secrets', ...args, '--data-dir', server.dataDir], { input: input ?? '', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout + r.stderr;
  };

  before(async () => {
    server = await startTestServer();
    dms = server.client();
    profile = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('profile') }))).InstanceProfile!;
    mysqlSource = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('maria'), Engine: 'mariadb', Settings: { MariaDbSettings: { ServerName: '127.0.0.1', Port: 3306 } } })))
      .DataProvider!;
    pgTarget = (
      await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('pg'), Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: '127.0.0.1', DatabaseName: 'postgres' } } }))
    ).DataProvider!;
  });
  after(async () => {
    await server.stop();
  });

  const create = (over: Record<string, unknown> = {}) =>
    dms.send(
      new CreateMigrationProjectCommand({
        MigrationProjectName: uniqueName('proj'),
        InstanceProfileIdentifier: profile.InstanceProfileName!,
        SourceDataProviderDescriptors: [{ DataProviderIdentifier: mysqlSource.DataProviderName! }],
        TargetDataProviderDescriptors: [{ DataProviderIdentifier: pgTarget.DataProviderArn! }],
        ...over,
      }),
    );

  it('creates a project from names and ARNs and describes it with the current names and RFC 3339 time', async () => {
    const name = uniqueName('sakila');
    const p = (
      await create({
        MigrationProjectName: name,
        Description: 'sakila to postgres',
        TransformationRules: rules,
        SchemaConversionApplicationAttributes: { S3BucketPath: 's3://reports-bucket/sakila', S3BucketRoleArn: 'arn:aws:iam::123456789012:role/dms-s3' },
        SourceDataProviderDescriptors: [
          { DataProviderIdentifier: mysqlSource.DataProviderName!, SecretsManagerSecretId: 'sakila/source', SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' },
        ],
        Tags: [{ Key: 'app', Value: 'sakila' }],
      })
    ).MigrationProject!;
    assert.equal(p.MigrationProjectName, name);
    assert.match(p.MigrationProjectArn!, /^arn:aws:dms:us-east-1:123456789012:migration-project:[A-Z2-7]{26}$/);
    assert.deepEqual(p.SourceDataProviderDescriptors, [
      {
        DataProviderArn: mysqlSource.DataProviderArn,
        DataProviderName: mysqlSource.DataProviderName,
        SecretsManagerSecretId: 'sakila/source',
        SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets',
      },
    ]);
    assert.deepEqual(p.TargetDataProviderDescriptors, [{ DataProviderArn: pgTarget.DataProviderArn, DataProviderName: pgTarget.DataProviderName }]);
    assert.equal(p.InstanceProfileArn, profile.InstanceProfileArn);
    assert.equal(p.InstanceProfileName, profile.InstanceProfileName);
    assert.equal(p.TransformationRules, rules);
    assert.equal(p.Description, 'sakila to postgres');
    assert.deepEqual(p.SchemaConversionApplicationAttributes, { S3BucketPath: 's3://reports-bucket/sakila', S3BucketRoleArn: 'arn:aws:iam::123456789012:role/dms-s3' });
    assert.deepEqual((await dms.send(new ListTagsForResourceCommand({ ResourceArn: p.MigrationProjectArn! }))).TagList?.map((t) => t.Key), ['app']);
    const raw = await rawCall(server.url, 'AmazonDMSv20160101.DescribeMigrationProjects', JSON.stringify({ Filters: [{ Name: 'migration-project-identifier', Values: [name] }] }));
    assert.match((raw.body.MigrationProjects as Record<string, unknown>[])[0]!.MigrationProjectCreationTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    // A renamed data provider shows under its new name.
    const renamed = uniqueName('maria-renamed');
    await dms.send(new ModifyDataProviderCommand({ DataProviderIdentifier: mysqlSource.DataProviderArn!, DataProviderName: renamed }));
    const described = (await dms.send(new DescribeMigrationProjectsCommand({ Filters: [{ Name: 'migration-project-identifier', Values: [p.MigrationProjectArn!] }] }))).MigrationProjects!;
    assert.equal(described[0]!.SourceDataProviderDescriptors![0]!.DataProviderName, renamed);
    mysqlSource = { ...mysqlSource, DataProviderName: renamed };
    await assert.rejects(create({ MigrationProjectName: name }), ResourceAlreadyExistsFault);
  });

  it('refuses missing references, several providers per side, bad rules, S3 paths and role ARNs', async () => {
    await assert.rejects(create({ InstanceProfileIdentifier: 'no-such-profile' }), (e: unknown) => e instanceof ResourceNotFoundFault && /Instance profile no-such-profile/.test(e.message));
    await assert.rejects(
      create({ SourceDataProviderDescriptors: [{ DataProviderIdentifier: 'no-such-provider' }] }),
      (e: unknown) => e instanceof ResourceNotFoundFault && /SourceDataProviderDescriptors no-such-provider/.test(e.message),
    );
    await assert.rejects(
      create({ TargetDataProviderDescriptors: [{ DataProviderIdentifier: pgTarget.DataProviderArn! }, { DataProviderIdentifier: mysqlSource.DataProviderArn! }] }),
      invalidValue(/TargetDataProviderDescriptors has 2 data providers; .*exactly one source and one target/),
    );
    await assert.rejects(create({ SourceDataProviderDescriptors: [] }), (e: unknown) => /SourceDataProviderDescriptors/.test((e as Error).message));
    await assert.rejects(create({ TransformationRules: '{"rules": ' }), invalidValue(/TransformationRules is not valid JSON/));
    await assert.rejects(create({ TransformationRules: '{"rule": []}' }), invalidValue(/TransformationRules must be a JSON object with a "rules" array/));
    await assert.rejects(create({ SchemaConversionApplicationAttributes: { S3BucketPath: 'http://example.com/x' } }), invalidValue(/S3BucketPath 'http:\/\/example.com\/x' is not an S3 location/));
    await assert.rejects(create({ SchemaConversionApplicationAttributes: { S3BucketRoleArn: 'my-role' } }), invalidValue(/S3BucketRoleArn 'my-role' is not an IAM role ARN/));
  });

  it('modifies members, keeps the rest, and clears optional ones with an empty string', async () => {
    const p = (await create({ TransformationRules: rules, SchemaConversionApplicationAttributes: { S3BucketPath: 'bucket-one/x' } })).MigrationProject!;
    const profile2 = (await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('profile2') }))).InstanceProfile!;
    const newName = uniqueName('moved');
    const m = (
      await dms.send(
        new ModifyMigrationProjectCommand({
          MigrationProjectIdentifier: p.MigrationProjectName!,
          MigrationProjectName: newName,
          InstanceProfileIdentifier: profile2.InstanceProfileArn!,
          TargetDataProviderDescriptors: [{ DataProviderIdentifier: pgTarget.DataProviderName!, SecretsManagerSecretId: 'target/secret' }],
          SchemaConversionApplicationAttributes: { S3BucketPath: '' },
          Description: 'changed',
        }),
      )
    ).MigrationProject!;
    assert.equal(m.MigrationProjectName, newName);
    assert.equal(m.InstanceProfileName, profile2.InstanceProfileName);
    assert.equal(m.TargetDataProviderDescriptors![0]!.SecretsManagerSecretId, 'target/secret');
    assert.deepEqual(m.SourceDataProviderDescriptors, p.SourceDataProviderDescriptors);
    assert.equal(m.TransformationRules, rules);
    assert.equal(m.SchemaConversionApplicationAttributes, undefined);
    assert.equal(m.Description, 'changed');
    assert.equal(m.MigrationProjectCreationTime?.getTime(), p.MigrationProjectCreationTime?.getTime());
    await assert.rejects(dms.send(new ModifyMigrationProjectCommand({ MigrationProjectIdentifier: p.MigrationProjectName!, Description: 'x' })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ModifyMigrationProjectCommand({ MigrationProjectIdentifier: newName, TransformationRules: '[]' })), invalidValue(/"rules" array/));
    const deleted = (await dms.send(new DeleteMigrationProjectCommand({ MigrationProjectIdentifier: newName }))).MigrationProject!;
    assert.equal(deleted.MigrationProjectArn, p.MigrationProjectArn);
    await assert.rejects(dms.send(new DeleteMigrationProjectCommand({ MigrationProjectIdentifier: p.MigrationProjectArn! })), ResourceNotFoundFault);
  });

  it('describes the default conversion configuration and merges modifications', async () => {
    const p = (await create()).MigrationProject!;
    const d = await dms.send(new DescribeConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectName! }));
    assert.equal(d.MigrationProjectIdentifier, p.MigrationProjectArn);
    assert.deepEqual(JSON.parse(d.ConversionConfiguration!), { targetVersion: null });
    const m = await dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn!, ConversionConfiguration: '{"targetVersion": "16.2", "notes": {"a": 1}}' }));
    assert.equal(m.MigrationProjectIdentifier, p.MigrationProjectArn);
    await dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn!, ConversionConfiguration: '{"notes": {"b": 2}}' }));
    const after = await dms.send(new DescribeConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn! }));
    assert.deepEqual(JSON.parse(after.ConversionConfiguration!), { targetVersion: '16.2', notes: { a: 1, b: 2 } });
    assert.equal(server.app.projects.project({ account: '123456789012', region: 'us-east-1' }, p.MigrationProjectName!).conversionConfiguration, after.ConversionConfiguration);
    await assert.rejects(
      dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn!, ConversionConfiguration: 'targetVersion=16' })),
      invalidValue(/ConversionConfiguration is not valid JSON/),
    );
    await assert.rejects(
      dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn!, ConversionConfiguration: '[1]' })),
      invalidValue(/must be a JSON object/),
    );
    await assert.rejects(
      dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: p.MigrationProjectArn!, ConversionConfiguration: '{"targetVersion": 16}' })),
      invalidValue(/targetVersion must be null or a version string/),
    );
    await assert.rejects(dms.send(new DescribeConversionConfigurationCommand({ MigrationProjectIdentifier: 'no-such-project' })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ModifyConversionConfigurationCommand({ MigrationProjectIdentifier: 'no-such-project', ConversionConfiguration: '{}' })), ResourceNotFoundFault);
  });

  it('filters by project, profile and data providers, and pages', async () => {
    const other = server.client({ accessKeyId: '345678901234' });
    const prof = (await other.send(new CreateInstanceProfileCommand({ InstanceProfileName: uniqueName('op') }))).InstanceProfile!;
    const a = (await other.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('a'), Engine: 'mysql', Settings: { MySqlSettings: { ServerName: 'h' } } }))).DataProvider!;
    const b = (await other.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('b'), Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: 'h' } } }))).DataProvider!;
    const names: string[] = [];
    for (let i = 0; i < 22; i++) {
      const [s, t] = i % 2 ? [a, b] : [b, a];
      const n = uniqueName(`mp${i}`);
      names.push(n);
      await other.send(
        new CreateMigrationProjectCommand({
          MigrationProjectName: n,
          InstanceProfileIdentifier: prof.InstanceProfileName!,
          SourceDataProviderDescriptors: [{ DataProviderIdentifier: s!.DataProviderArn! }],
          TargetDataProviderDescriptors: [{ DataProviderIdentifier: t!.DataProviderArn! }],
        }),
      );
    }
    const seen: string[] = [];
    for await (const page of paginateDescribeMigrationProjects({ client: other, pageSize: 20 }, {})) seen.push(...page.MigrationProjects!.map((p) => p.MigrationProjectName!));
    assert.deepEqual(seen, names);
    const count = async (Name: string, value: string) => (await other.send(new DescribeMigrationProjectsCommand({ Filters: [{ Name, Values: [value] }] }))).MigrationProjects!.length;
    assert.equal(await count('source-data-provider-identifier', a.DataProviderName!), 11);
    assert.equal(await count('target-data-provider-identifier', a.DataProviderArn!), 11);
    assert.equal(await count('data-provider-identifier', b.DataProviderName!), 22);
    assert.equal(await count('instance-profile-identifier', prof.InstanceProfileArn!), 22);
    assert.equal(await count('migration-project-identifier', names[3]!), 1);
    await assert.rejects(dms.send(new DescribeMigrationProjectsCommand({ Filters: [{ Name: 'migration-project-identifier', Values: [names[3]!] }] })), ResourceNotFoundFault);
    await assert.rejects(other.send(new DescribeMigrationProjectsCommand({ Filters: [{ Name: 'engine', Values: ['mysql'] }] })), invalidValue(/source-data-provider-identifier/));
  });

  it('resolves connections with the secret store: real connections, clear failures, never the secret in Describe', async () => {
    const scope = { account: '123456789012', region: 'us-east-1' };
    const p = (
      await create({
        SourceDataProviderDescriptors: [{ DataProviderIdentifier: mysqlSource.DataProviderArn!, SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:maria/root-Ab12Cd' }],
        TargetDataProviderDescriptors: [{ DataProviderIdentifier: pgTarget.DataProviderArn!, SecretsManagerSecretId: 'pg/admin' }],
      })
    ).MigrationProject!;
    const view = server.app.projects.project(scope, p.MigrationProjectArn!);
    assert.equal(view.source.engine, 'mariadb');
    assert.equal(view.target.databaseName, 'postgres');
    assert.equal(server.app.projects.projectByArn(p.MigrationProjectArn!)?.name, p.MigrationProjectName);
    // The server's own fault class (in-process), not the SDK's.
    assert.throws(() => server.app.projects.project(scope, 'nope'), (e: unknown) => (e as { code?: string }).code === 'ResourceNotFoundFault' && /Migration project nope/.test((e as Error).message));

    // No secret yet: a clear message naming it and the command.
    const missing = server.app.projects.connection(view, 'target');
    assert.equal(missing.ok, false);
    assert.match((missing as { message: string }).message, /secret pg\/admin .* not in OpenDMS's secret store.*opendms secrets put pg\/admin/);

    // Put while the server runs; the ARN with its Secrets Manager suffix resolves to the bare name.
    const signal = AbortSignal.timeout(20_000);
    assert.match(secrets(['put', 'maria/root', '--value', JSON.stringify({ username: 'root', password: secretPassword })]), /Secret maria\/root created/);
    const wrong = server.app.projects.connection(view, 'source');
    assert.ok(wrong.ok, 'resolved');
    assert.deepEqual({ ...wrong.params, password: undefined }, { engineName: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', password: undefined, ssl: { mode: 'none' } });
    // MariaDB checks the password: the secret's one is really used.
    const refused = await wrong.connector.testConnection(wrong.params, signal).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(refused, 'a wrong password must be refused');
    assert.match(refused.message, /access denied|password/i);
    assert.ok(!refused.message.includes(secretPassword), 'the password never appears in an error');
    secrets(['put', 'maria/root', '--value', '{"username": "root", "password": ""}']);
    const right = server.app.projects.connection(view, 'source');
    assert.ok(right.ok);
    await right.connector.testConnection(right.params, signal);

    // PostgreSQL (trust): the user name comes from the secret.
    secrets(['put', 'pg/admin', '--username', 'no_such_role_opendms', '--password-stdin'], `${secretPassword}\n`);
    const noRole = server.app.projects.connection(view, 'target');
    assert.ok(noRole.ok);
    assert.equal(noRole.params.password, secretPassword, 'one trailing newline of --password-stdin is not part of the password');
    await assert.rejects(noRole.connector.testConnection(noRole.params, signal), /no_such_role_opendms/);
    secrets(['put', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pg/admin-XyZ123', '--username', 'postgres', '--password-stdin'], secretPassword);
    const pgOk = server.app.projects.connection(view, 'target');
    assert.ok(pgOk.ok);
    assert.deepEqual({ ...pgOk.params, password: undefined }, { engineName: 'postgres', host: '127.0.0.1', port: 5432, database: 'postgres', username: 'postgres', password: undefined, ssl: { mode: 'none' } });
    await pgOk.connector.testConnection(pgOk.params, signal);

    // The API never returns a secret value.
    for (const op of ['DescribeMigrationProjects', 'DescribeDataProviders', 'DescribeInstanceProfiles']) {
      const raw = await rawCall(server.url, `AmazonDMSv20160101.${op}`, '{}');
      assert.equal(raw.status, 200);
      assert.ok(!raw.text.includes(secretPassword), `${op} leaks the secret`);
    }

    // Providers OpenDMS cannot reach say why.
    const oracle = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('ora'), Engine: 'oracle', Settings: { OracleSettings: { ServerName: 'o', DatabaseName: 'ORCL' } } }))).DataProvider!;
    const virtual = (await dms.send(new CreateDataProviderCommand({ DataProviderName: uniqueName('virt'), Engine: 'postgres', Virtual: true, Settings: { PostgreSqlSettings: {} } }))).DataProvider!;
    const q = (await create({
      SourceDataProviderDescriptors: [{ DataProviderIdentifier: oracle.DataProviderArn!, SecretsManagerSecretId: 'pg/admin' }],
      TargetDataProviderDescriptors: [{ DataProviderIdentifier: virtual.DataProviderArn! }],
    })).MigrationProject!;
    const qv = server.app.projects.project(scope, q.MigrationProjectName!);
    assert.match((server.app.projects.connection(qv, 'source') as { message: string }).message, /Schema conversion with oracle .* is not supported: OpenDMS connects to .*postgres/);
    assert.match((server.app.projects.connection(qv, 'target') as { message: string }).message, /is virtual: it has no database to connect to/);
    const noSecret = (await create()).MigrationProject!;
    assert.match(
      (server.app.projects.connection(server.app.projects.project(scope, noSecret.MigrationProjectArn!), 'source') as { message: string }).message,
      /No SecretsManagerSecretId is set for the source data provider .*opendms secrets put/,
    );
  });
});
