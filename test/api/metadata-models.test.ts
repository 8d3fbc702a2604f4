/**
 * The metadata-model requests through the real SDK client, with a small real MariaDB source
 * and PostgreSQL target per run: the request lifecycle, Describe filters and pagination,
 * the cancel rules, statement models, browsing, validation errors, and what a restart does
 * to requests it interrupted.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CancelMetadataModelConversionCommand,
  CancelMetadataModelCreationCommand,
  CreateDataProviderCommand,
  CreateInstanceProfileCommand,
  CreateMigrationProjectCommand,
  DescribeExtensionPackAssociationsCommand,
  DescribeMetadataModelChildrenCommand,
  DescribeMetadataModelCommand,
  DescribeMetadataModelConversionsCommand,
  DescribeMetadataModelCreationsCommand,
  DescribeMetadataModelExportsAsScriptCommand,
  DescribeMetadataModelImportsCommand,
  GetTargetSelectionRulesCommand,
  InvalidResourceStateFault,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  StartExtensionPackAssociationCommand,
  StartMetadataModelConversionCommand,
  StartMetadataModelCreationCommand,
  StartMetadataModelExportAsScriptCommand,
  StartMetadataModelImportCommand,
  waitUntilMetadataModelConverted,
  waitUntilMetadataModelCreated,
  waitUntilMetadataModelImported,
  type DatabaseMigrationServiceClient,
  type SchemaConversionRequest,
} from '@aws-sdk/client-database-migration-service';
import { requestKind } from '../../src/control/metadata-models/module.js';
import type { MetadataRequestRecord } from '../../src/control/metadata-models/record.js';
import { ResourceRepository } from '../../src/store/resource-repository.js';
import { Store } from '../../src/store/store.js';
import { mariaDropDatabase, mariaExec, pgCreateDatabase, pgDropDatabase, uniqueSuffix } from '../helpers/databases.js';
import { putLocalSecrets } from '../helpers/secrets.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SOURCE_HOST = '127.0.0.1';
const TARGET_HOST = 'localhost';
const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;
const waitFast = (client: DatabaseMigrationServiceClient) => ({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 60 });
const rules = (server: string, locator: Record<string, string>, action = 'explicit'): string =>
  JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'server-name': server, ...locator }, 'rule-action': action }] });

describe('metadata model requests', () => {
  const suffix = uniqueSuffix();
  const mariaDb = `mm_src_${suffix}`;
  const pgDb = `mm_tgt_${suffix}`;
  const name = (p: string) => `${p}-${suffix.replace(/_/g, '-')}`;
  const project = name('proj');
  const bare = name('bare'); // a project without an S3 location
  const schemaRules = rules(SOURCE_HOST, { 'schema-name': mariaDb });
  let server: TestServer;
  let dataDir: string;
  let dms: DatabaseMigrationServiceClient;

  const describeOne = async (id: string): Promise<SchemaConversionRequest> =>
    (await dms.send(new DescribeMetadataModelConversionsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id] }] }))).Requests![0]!;

  before(async () => {
    await mariaExec(`CREATE DATABASE \`${mariaDb}\``);
    await mariaExec(
      [
        'CREATE TABLE customer (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
        'CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT UNSIGNED NOT NULL, total DECIMAL(8,2), KEY idx_total (total), CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE)',
        'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100',
      ],
      { database: mariaDb },
    );
    await pgCreateDatabase(pgDb);
    server = await startTestServer({ keepDataDir: true });
    dataDir = server.dataDir;
    dms = server.client();
    // Secrets go to the local secret store of the server's data folder, as `opendms secrets put` does.
    putLocalSecrets(dataDir, { [`maria-${suffix}`]: { username: 'root', password: '' }, [`pg-${suffix}`]: { username: 'postgres', password: '' } });
    await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: name('ip') }));
    await dms.send(new CreateDataProviderCommand({ DataProviderName: name('src'), Engine: 'mariadb', Settings: { MariaDbSettings: { ServerName: SOURCE_HOST, Port: 3306, SslMode: 'none' } } }));
    await dms.send(new CreateDataProviderCommand({ DataProviderName: name('tgt'), Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: TARGET_HOST, Port: 5432, DatabaseName: pgDb, SslMode: 'none' } } }));
    for (const [p, s3] of [[project, true], [bare, false]] as const) {
      await dms.send(
        new CreateMigrationProjectCommand({
          MigrationProjectName: p,
          InstanceProfileIdentifier: name('ip'),
          SourceDataProviderDescriptors: [{ DataProviderIdentifier: name('src'), SecretsManagerSecretId: `maria-${suffix}` }],
          TargetDataProviderDescriptors: [{ DataProviderIdentifier: name('tgt'), SecretsManagerSecretId: `pg-${suffix}` }],
          ...(s3 ? { SchemaConversionApplicationAttributes: { S3BucketPath: `s3://opendms-mm/${p}` } } : {}),
        }),
      );
    }
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await mariaDropDatabase(mariaDb);
    await pgDropDatabase(pgDb);
  });

  it('refuses bad input before queuing anything', async () => {
    await assert.rejects(dms.send(new StartMetadataModelImportCommand({ MigrationProjectIdentifier: 'no-such-project', SelectionRules: schemaRules, Origin: 'SOURCE' })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new DescribeMetadataModelImportsCommand({ MigrationProjectIdentifier: 'no-such-project' })), ResourceNotFoundFault);
    await assert.rejects(
      dms.send(new StartMetadataModelImportCommand({ MigrationProjectIdentifier: project, SelectionRules: '{"rules": [', Origin: 'SOURCE' })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /SelectionRules/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new StartMetadataModelConversionCommand({ MigrationProjectIdentifier: project, SelectionRules: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'rule-action': 'explicit', 'object-locator': { 'schema-name': 'x' } }] }) })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /server-name/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new StartMetadataModelCreationCommand({ MigrationProjectIdentifier: project, SelectionRules: rules(SOURCE_HOST, { 'schema-name': mariaDb, 'table-name': 'orders' }), MetadataModelName: 'q', Properties: { StatementProperties: { Definition: 'SELECT 1' } } })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /schema-name/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new StartMetadataModelExportAsScriptCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, Origin: 'TARGET', FileName: '../escape' })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /FileName/.test((e as Error).message),
    );
  });

  it('imports: RECEIVED at once, then SUCCESS; filters by request-id and status', async () => {
    const { RequestIdentifier: id } = await dms.send(new StartMetadataModelImportCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, Origin: 'SOURCE' }));
    assert.match(id!, /^[0-9a-f-]{36}$/);
    await waitUntilMetadataModelImported(waitFast(dms), { MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id!] }] });
    const ok = await dms.send(new DescribeMetadataModelImportsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'status', Values: ['success'] }] }));
    assert.deepEqual(ok.Requests?.map((r) => r.RequestIdentifier), [id]);
    assert.match(ok.Requests![0]!.MigrationProjectArn!, /:migration-project:/);
    await assert.rejects(dms.send(new DescribeMetadataModelImportsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'status', Values: ['FAILED'] }] })), ResourceNotFoundFault);
    await assert.rejects(
      dms.send(new DescribeMetadataModelImportsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'engine', Values: ['x'] }] })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /request-id, status/.test((e as Error).message),
    );
    // The import request is not a conversion.
    await assert.rejects(dms.send(new DescribeMetadataModelConversionsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id!] }] })), ResourceNotFoundFault);

    // Browse the imported tree.
    const children = await dms.send(new DescribeMetadataModelChildrenCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, Origin: 'SOURCE' }));
    const names = children.MetadataModelChildren!.map((c) => c.MetadataModelName);
    assert.ok(names.includes('Tables') && names.includes('Views'), `categories: ${names.join(', ')}`);
    const tables = children.MetadataModelChildren!.find((c) => c.MetadataModelName === 'Tables')!;
    const inTables = await dms.send(new DescribeMetadataModelChildrenCommand({ MigrationProjectIdentifier: project, SelectionRules: tables.SelectionRules!, Origin: 'SOURCE' }));
    assert.deepEqual(inTables.MetadataModelChildren!.map((c) => c.MetadataModelName).sort(), ['customer', 'orders']);
    await assert.rejects(dms.send(new DescribeMetadataModelCommand({ MigrationProjectIdentifier: project, SelectionRules: rules(SOURCE_HOST, { 'schema-name': mariaDb, 'table-name': 'nope' }), Origin: 'SOURCE' })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new DescribeMetadataModelCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, Origin: 'TARGET' })), ResourceNotFoundFault);
  });

  it('fails a request with a message saying why', async () => {
    const { RequestIdentifier: id } = await dms.send(new StartMetadataModelImportCommand({ MigrationProjectIdentifier: project, SelectionRules: rules(SOURCE_HOST, { 'schema-name': `nothing_${suffix}` }), Origin: 'SOURCE' }));
    await assert.rejects(waitUntilMetadataModelImported(waitFast(dms), { MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id!] }] }));
    const failed = (await dms.send(new DescribeMetadataModelImportsCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id!] }] }))).Requests![0]!;
    assert.equal(failed.Status, 'FAILED');
    assert.match(failed.Error!.defaultErrorDetails!.Message!, /No objects were found/);
    assert.match(failed.Error!.defaultErrorDetails!.Message!, new RegExp(mariaDb), 'the message lists the schemas there are');

    const conv = await dms.send(new StartMetadataModelConversionCommand({ MigrationProjectIdentifier: bare, SelectionRules: schemaRules }));
    let bareConv: SchemaConversionRequest | undefined;
    for (let i = 0; i < 200 && bareConv?.Status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      bareConv = (await dms.send(new DescribeMetadataModelConversionsCommand({ MigrationProjectIdentifier: bare }))).Requests!.find((r) => r.RequestIdentifier === conv.RequestIdentifier);
    }
    assert.match(bareConv!.Error!.defaultErrorDetails!.Message!, /StartMetadataModelImport/);
  });

  it('converts, creates and converts statements, exports a script; cancel rules', async () => {
    const creation = await dms.send(
      new StartMetadataModelCreationCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, MetadataModelName: 'top_customers', Properties: { StatementProperties: { Definition: 'SELECT customer_id, SUM(total) FROM orders GROUP BY customer_id LIMIT 10' } } }),
    );
    await waitUntilMetadataModelCreated(waitFast(dms), { MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [creation.RequestIdentifier!] }] });
    await assert.rejects(
      dms.send(new StartMetadataModelCreationCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules, MetadataModelName: 'top_customers', Properties: { StatementProperties: { Definition: 'SELECT 1' } } })),
      ResourceAlreadyExistsFault,
    );
    await assert.rejects(dms.send(new CancelMetadataModelCreationCommand({ MigrationProjectIdentifier: project, RequestIdentifier: creation.RequestIdentifier })), InvalidResourceStateFault);

    await assert.rejects(dms.send(new GetTargetSelectionRulesCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules })), InvalidResourceStateFault);
    const { RequestIdentifier: id } = await dms.send(new StartMetadataModelConversionCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules }));
    await waitUntilMetadataModelConverted(waitFast(dms), { MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [id!] }] });
    assert.equal((await describeOne(id!)).Status, 'SUCCESS');

    await assert.rejects(dms.send(new CancelMetadataModelConversionCommand({ MigrationProjectIdentifier: project, RequestIdentifier: id })), (e: unknown) => e instanceof InvalidResourceStateFault && /SUCCESS/.test(e.message));
    await assert.rejects(dms.send(new CancelMetadataModelConversionCommand({ MigrationProjectIdentifier: project, RequestIdentifier: '00000000-0000-0000-0000-000000000000' })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new CancelMetadataModelConversionCommand({ MigrationProjectIdentifier: 'no-such-project', RequestIdentifier: id })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new CancelMetadataModelConversionCommand({ MigrationProjectIdentifier: bare, RequestIdentifier: id })), ResourceNotFoundFault, 'a request of another project');

    const target = (await dms.send(new GetTargetSelectionRulesCommand({ MigrationProjectIdentifier: project, SelectionRules: schemaRules }))).TargetSelectionRules!;
    const orders = await dms.send(new DescribeMetadataModelCommand({ MigrationProjectIdentifier: project, SelectionRules: rules(SOURCE_HOST, { 'schema-name': mariaDb, 'table-name': 'orders' }), Origin: 'SOURCE' }));
    assert.equal(orders.MetadataModelType, 'table');
    const targetOrders = orders.TargetMetadataModels![0]!;
    const converted = await dms.send(new DescribeMetadataModelCommand({ MigrationProjectIdentifier: project, SelectionRules: targetOrders.SelectionRules!, Origin: 'TARGET' }));
    assert.match(converted.Definition!, /CREATE TABLE/i);
    assert.doesNotMatch(converted.Definition!, /AUTO_INCREMENT/i, 'the target definition is PostgreSQL');

    const exp = await dms.send(new StartMetadataModelExportAsScriptCommand({ MigrationProjectIdentifier: project, SelectionRules: target, Origin: 'TARGET' }));
    let req: SchemaConversionRequest | undefined;
    for (let i = 0; i < 400 && !['SUCCESS', 'FAILED'].includes(req?.Status ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 25));
      req = (await dms.send(new DescribeMetadataModelExportsAsScriptCommand({ MigrationProjectIdentifier: project, Filters: [{ Name: 'request-id', Values: [exp.RequestIdentifier!] }] }))).Requests![0];
    }
    assert.equal(req?.Status, 'SUCCESS', req?.Error?.defaultErrorDetails?.Message);
    assert.equal(req!.ExportSqlDetails!.S3ObjectKey, `${project}/${project}-${exp.RequestIdentifier}.sql`);
    const sql = readFileSync(fileURLToPath(req!.ExportSqlDetails!.ObjectURL!), 'utf8');
    assert.equal((sql.match(/CREATE TABLE/gi) ?? []).length, 2);
    assert.match(sql, /statement .*top_customers/);

    // The project without an S3 location: the export fails and says what to set.
    const noS3 = await dms.send(new StartMetadataModelExportAsScriptCommand({ MigrationProjectIdentifier: bare, SelectionRules: target, Origin: 'TARGET' }));
    let failed: SchemaConversionRequest | undefined;
    for (let i = 0; i < 200 && failed?.Status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      failed = (await dms.send(new DescribeMetadataModelExportsAsScriptCommand({ MigrationProjectIdentifier: bare }))).Requests!.find((r) => r.RequestIdentifier === noS3.RequestIdentifier);
    }
    assert.match(failed!.Error!.defaultErrorDetails!.Message!, /S3BucketPath.*ModifyMigrationProject/);
    const creations = await dms.send(new DescribeMetadataModelCreationsCommand({ MigrationProjectIdentifier: project }));
    assert.deepEqual(creations.Requests!.map((r) => r.Status), ['SUCCESS']);
  });

  it('pages with Marker/MaxRecords (extension pack associations check the target connection)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push((await dms.send(new StartExtensionPackAssociationCommand({ MigrationProjectIdentifier: project }))).RequestIdentifier!);
    const first = await dms.send(new DescribeExtensionPackAssociationsCommand({ MigrationProjectIdentifier: project, MaxRecords: 20 }));
    assert.equal(first.Requests!.length, 20);
    assert.ok(first.Marker);
    const second = await dms.send(new DescribeExtensionPackAssociationsCommand({ MigrationProjectIdentifier: project, MaxRecords: 20, Marker: first.Marker }));
    assert.deepEqual([...first.Requests!, ...second.Requests!].map((r) => r.RequestIdentifier), ids);
    assert.equal(second.Marker, undefined);
    await assert.rejects(dms.send(new DescribeExtensionPackAssociationsCommand({ MigrationProjectIdentifier: project, MaxRecords: 5 })), (e: unknown) => errorName(e) === 'InvalidParameterValueException');
    for (let i = 0; ; i++) {
      const all = (await dms.send(new DescribeExtensionPackAssociationsCommand({ MigrationProjectIdentifier: project, MaxRecords: 100 }))).Requests!;
      if (all.every((r) => r.Status === 'SUCCESS')) break;
      assert.ok(!all.some((r) => r.Status === 'FAILED'), JSON.stringify(all.find((r) => r.Status === 'FAILED')));
      assert.ok(i < 400, 'the associations finish');
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it('settles requests a restart interrupted: FAILED with a message, CANCELED when being cancelled', async () => {
    const projectArn = (await describeOne((await dms.send(new DescribeMetadataModelConversionsCommand({ MigrationProjectIdentifier: project }))).Requests![0]!.RequestIdentifier!)).MigrationProjectArn!;
    await server.stop();
    const store = new Store(dataDir);
    const at = new Date().toISOString();
    try {
      const repo = new ResourceRepository<MetadataRequestRecord>(store, requestKind);
      for (const [id, status] of [['11111111-1111-4111-8111-111111111111', 'IN_PROGRESS'], ['22222222-2222-4222-8222-222222222222', 'CANCELING'], ['33333333-3333-4333-8333-333333333333', 'RECEIVED']] as const) {
        repo.insert({ account: '123456789012', region: 'us-east-1' }, { arn: `arn:aws:dms:us-east-1:123456789012:metadata-model-request:${id}`, identifier: id, requestId: id, kind: 'conversion', projectArn, status, input: { selectionRules: schemaRules }, createdAt: at, updatedAt: at });
      }
    } finally {
      store.close();
    }
    server = await startTestServer({ dataDir });
    dms = server.client();
    assert.equal((await describeOne('11111111-1111-4111-8111-111111111111')).Error?.defaultErrorDetails?.Message, 'The request was interrupted by a restart of OpenDMS; start it again.');
    assert.equal((await describeOne('22222222-2222-4222-8222-222222222222')).Status, 'CANCELED');
    assert.equal((await describeOne('33333333-3333-4333-8333-333333333333')).Status, 'FAILED');
  });
});
