/** Endpoints through the real SDK client: engines, settings blocks, secrets, SSL, filters, waiter. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointSettingsCommand,
  DescribeEndpointTypesCommand,
  DescribeEndpointsCommand,
  ImportCertificateCommand,
  ListTagsForResourceCommand,
  ModifyEndpointCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  paginateDescribeEndpoints,
  waitUntilEndpointDeleted,
  type CreateEndpointCommandInput,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { connectionKey, type ConnectionRecord } from '../../src/control/connections/record.js';
import { connectionParamsOf } from '../../src/control/endpoints/connection-params.js';
import { createRepositories } from '../../src/control/repositories.js';
import { Store } from '../../src/store/store.js';
import type { EndpointRecord } from '../../src/control/endpoints/record.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const PASSWORD = 'Sup3r-Secret-pw-7781';
const SASL_PASSWORD = 'kafka-sasl-secret-4410';

/** Records each raw response body, so tests search the wire text itself for secrets. */
function captureRawBodies(client: DatabaseMigrationServiceClient): string[] {
  const bodies: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const res = out.response as { body?: unknown };
      const chunks: Buffer[] = [];
      for await (const c of res.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
      const buf = Buffer.concat(chunks);
      bodies.push(buf.toString('utf8'));
      res.body = new Uint8Array(buf);
      return out;
    },
    // Inside the SDK's deserializer: sees the bytes before they are parsed.
    { step: 'deserialize', priority: 'low', name: 'captureRawBodies' },
  );
  return bodies;
}

const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;

function selfSignedPem(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opendms-ep-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=opendms-test-ca'], { stdio: 'ignore' });
    return readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('endpoints', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let raw: string[];
  before(async () => {
    server = await startTestServer();
    dms = server.client();
    raw = captureRawBodies(dms);
  });
  after(() => server.stop());

  const create = (input: Partial<CreateEndpointCommandInput> & Pick<CreateEndpointCommandInput, 'EngineName' | 'EndpointType'>) =>
    dms.send(new CreateEndpointCommand({ EndpointIdentifier: uniqueName('ep'), ...input }));

  /** The stored record, as a connector would get it. */
  function storedRecord(arn: string): EndpointRecord {
    const db = new Database(join(server.dataDir, 'opendms.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT data FROM resources WHERE arn = ?').get(arn) as { data: string };
      return JSON.parse(row.data) as EndpointRecord;
    } finally {
      db.close();
    }
  }

  it('creates a postgres source: upper-case type, merged connection values, settings kept, password never returned', async () => {
    const id = uniqueName('Pg-Src');
    const before = raw.length;
    const out = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: id,
        EndpointType: 'source',
        EngineName: 'postgres',
        ServerName: 'db.example.com',
        Port: 5432,
        DatabaseName: 'shop',
        Username: 'dms_user',
        Password: PASSWORD,
        ExtraConnectionAttributes: 'heartbeatEnable=true;heartbeatFrequency=5;',
        PostgreSQLSettings: { HeartbeatEnable: true, SlotName: 'dms_slot', PluginName: 'pglogical', MapBooleanAsBoolean: true },
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    const e = out.Endpoint!;
    assert.equal(e.EndpointIdentifier, id.toLowerCase());
    assert.equal(e.EndpointType, 'SOURCE');
    assert.equal(e.EngineName, 'postgres');
    assert.equal(e.EngineDisplayName, 'PostgreSQL');
    assert.equal(e.Status, 'active');
    assert.equal(e.SslMode, 'none');
    assert.equal(e.ServerName, 'db.example.com');
    assert.equal(e.Port, 5432);
    assert.equal(e.DatabaseName, 'shop');
    assert.equal(e.Username, 'dms_user');
    assert.equal(e.ExtraConnectionAttributes, 'heartbeatEnable=true;heartbeatFrequency=5;');
    assert.match(e.EndpointArn!, /^arn:aws:dms:us-east-1:123456789012:endpoint:[A-Z2-7]{26}$/);
    assert.match(e.KmsKeyId!, /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
    assert.deepEqual(e.PostgreSQLSettings, {
      HeartbeatEnable: true,
      SlotName: 'dms_slot',
      PluginName: 'pglogical',
      MapBooleanAsBoolean: true,
      ServerName: 'db.example.com',
      Port: 5432,
      DatabaseName: 'shop',
      Username: 'dms_user',
    });
    assert.equal(e.MySQLSettings, undefined);

    const described = await dms.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [e.EndpointArn!] }] }));
    assert.deepEqual(described.Endpoints, [e]);
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: e.EndpointArn! }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['team', 'data']]);

    // The KMS key is the account's default for the region: the same for every endpoint.
    const other = await create({ EndpointType: 'target', EngineName: 'postgres', ServerName: 'h', Port: 5432 });
    assert.equal(other.Endpoint?.KmsKeyId, e.KmsKeyId);

    const responses = raw.slice(before);
    assert.ok(responses.length >= 3);
    for (const body of responses) assert.ok(!body.includes(PASSWORD), 'the password must never be in a response');
    assert.ok(responses[0]!.includes('"EndpointType":"SOURCE"'));

    // Stored for connectors, and found in one place.
    const params = connectionParamsOf(storedRecord(e.EndpointArn!));
    assert.deepEqual(
      { ...params, settings: undefined },
      {
        engineName: 'postgres',
        serverName: 'db.example.com',
        port: 5432,
        databaseName: 'shop',
        username: 'dms_user',
        password: PASSWORD,
        sslMode: 'none',
        extraConnectionAttributes: 'heartbeatEnable=true;heartbeatFrequency=5;',
        settings: undefined,
      },
    );
    assert.deepEqual(params.settings.PostgreSQLSettings, { HeartbeatEnable: true, SlotName: 'dms_slot', PluginName: 'pglogical', MapBooleanAsBoolean: true });
  });

  it('takes connection values given only in a mysql settings block, and shows them at top level', async () => {
    const before = raw.length;
    const out = await create({
      EndpointType: 'target',
      EngineName: 'mysql',
      MySQLSettings: { ServerName: 'mysql.internal', Port: 3306, Username: 'loader', Password: PASSWORD, ParallelLoadThreads: 4, TargetDbType: 'multiple-databases' },
    });
    const e = out.Endpoint!;
    assert.equal(e.EndpointType, 'TARGET');
    assert.equal(e.EngineDisplayName, 'MySQL');
    assert.equal(e.ServerName, 'mysql.internal');
    assert.equal(e.Port, 3306);
    assert.equal(e.Username, 'loader');
    assert.deepEqual(e.MySQLSettings, { ServerName: 'mysql.internal', Port: 3306, Username: 'loader', ParallelLoadThreads: 4, TargetDbType: 'multiple-databases' });
    assert.ok(!raw.slice(before).some((b) => b.includes(PASSWORD)));
    const params = connectionParamsOf(storedRecord(e.EndpointArn!));
    assert.equal(params.password, PASSWORD);
    assert.equal(params.serverName, 'mysql.internal');
    assert.equal(params.port, 3306);

    // The same value twice must agree.
    await assert.rejects(
      create({ EndpointType: 'target', EngineName: 'mysql', ServerName: 'a.example', MySQLSettings: { ServerName: 'b.example' } }),
      (err: unknown) => errorName(err) === 'InvalidParameterCombinationException' && /ServerName is given both/.test((err as Error).message),
    );
  });

  it('creates mariadb and moves it between MySQL-compatible engines only', async () => {
    const e = (await create({ EndpointType: 'target', EngineName: 'mariadb', ServerName: 'maria', Port: 3306, Username: 'u', Password: PASSWORD })).Endpoint!;
    assert.equal(e.EngineDisplayName, 'MariaDB');
    const moved = await dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, EngineName: 'aurora' }));
    assert.equal(moved.Endpoint?.EngineName, 'aurora');
    assert.equal(moved.Endpoint?.EngineDisplayName, 'Amazon Aurora MySQL');
    assert.equal(moved.Endpoint?.ServerName, 'maria');
    await assert.rejects(
      dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, EngineName: 'postgres' })),
      (err: unknown) => errorName(err) === 'InvalidParameterCombinationException' && /from aurora to postgres/.test((err as Error).message) && /mariadb/.test((err as Error).message),
    );
    // A target-only engine cannot become a source.
    const serverless = (await create({ EndpointType: 'target', EngineName: 'aurora-serverless', ServerName: 's' })).Endpoint!;
    await assert.rejects(
      dms.send(new ModifyEndpointCommand({ EndpointArn: serverless.EndpointArn!, EndpointType: 'source' })),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /cannot be a source/.test((err as Error).message),
    );
  });

  it('round-trips S3 and Kafka settings exactly, without their secrets', async () => {
    const s3Settings = {
      ServiceAccessRoleArn: 'arn:aws:iam::123456789012:role/my-s3-access-role',
      BucketName: 'my-corp-data',
      BucketFolder: 'sourcedata',
      CsvDelimiter: ',',
      CsvRowDelimiter: '\\n',
      CompressionType: 'gzip' as const,
      DataFormat: 'parquet' as const,
      EnableStatistics: true,
      CdcMaxBatchInterval: 120,
      ExternalTableDefinition: '{"TableCount":"1"}',
    };
    const s3 = (await create({ EndpointType: 'source', EngineName: 's3', S3Settings: s3Settings })).Endpoint!;
    assert.equal(s3.EngineDisplayName, 'Amazon S3');
    assert.deepEqual(s3.S3Settings, s3Settings);
    assert.equal(s3.ServiceAccessRoleArn, s3Settings.ServiceAccessRoleArn);
    assert.equal(s3.ServerName, undefined);

    const kafkaSettings = {
      Broker: 'b-1.kafka.example:9092,b-2.kafka.example:9092',
      Topic: 'dms-changes',
      MessageFormat: 'json' as const,
      IncludeTransactionDetails: true,
      MessageMaxBytes: 1000000,
      SecurityProtocol: 'sasl-ssl' as const,
      SaslUsername: 'dms',
      SaslMechanism: 'scram-sha-512' as const,
    };
    const before = raw.length;
    const kafka = (await create({ EndpointType: 'target', EngineName: 'kafka', KafkaSettings: { ...kafkaSettings, SaslPassword: SASL_PASSWORD } })).Endpoint!;
    assert.deepEqual(kafka.KafkaSettings, kafkaSettings);
    const described = await dms.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [kafka.EndpointArn!] }] }));
    assert.deepEqual(described.Endpoints?.[0]?.KafkaSettings, kafkaSettings);
    assert.ok(!raw.slice(before).some((b) => b.includes(SASL_PASSWORD)));
    assert.equal(storedRecord(kafka.EndpointArn!).settings.KafkaSettings?.SaslPassword, SASL_PASSWORD);

    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'kafka', KafkaSettings: kafkaSettings }),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /kafka cannot be a source endpoint; DMS supports it as a target only/.test((err as Error).message),
    );
  });

  it('modifies members, merges settings, or replaces them with ExactSettings', async () => {
    const e = (
      await create({ EndpointType: 'source', EngineName: 'postgres', ServerName: 'old', Port: 5432, Username: 'u', Password: 'first-pw', PostgreSQLSettings: { HeartbeatEnable: true, SlotName: 's1' } })
    ).Endpoint!;
    const before = raw.length;
    const merged = (
      await dms.send(
        new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, ServerName: 'new', Password: PASSWORD, PostgreSQLSettings: { HeartbeatFrequency: 10 }, ExactSettings: false }),
      )
    ).Endpoint!;
    assert.equal(merged.ServerName, 'new');
    assert.equal(merged.Port, 5432);
    assert.deepEqual(merged.PostgreSQLSettings, { HeartbeatEnable: true, SlotName: 's1', HeartbeatFrequency: 10, ServerName: 'new', Port: 5432, Username: 'u' });
    assert.ok(!raw.slice(before).some((b) => b.includes(PASSWORD)));
    assert.equal(storedRecord(e.EndpointArn!).password, PASSWORD);

    const exact = (await dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, PostgreSQLSettings: { CaptureDdls: false }, ExactSettings: true }))).Endpoint!;
    assert.deepEqual(exact.PostgreSQLSettings, { CaptureDdls: false, ServerName: 'new', Port: 5432, Username: 'u' });

    const renamed = (await dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, EndpointIdentifier: 'Renamed-Endpoint-1' }))).Endpoint!;
    assert.equal(renamed.EndpointIdentifier, 'renamed-endpoint-1');
    const taken = (await create({ EndpointType: 'source', EngineName: 'postgres' })).Endpoint!;
    await assert.rejects(
      dms.send(new ModifyEndpointCommand({ EndpointArn: taken.EndpointArn!, EndpointIdentifier: 'renamed-endpoint-1' })),
      (err: unknown) => err instanceof ResourceAlreadyExistsFault && err.resourceArn === e.EndpointArn,
    );
    await assert.rejects(
      dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, MySQLSettings: { ParallelLoadThreads: 2 } })),
      (err: unknown) => errorName(err) === 'InvalidParameterCombinationException' && /MySQLSettings cannot be used with engine postgres/.test((err as Error).message),
    );
    await assert.rejects(
      dms.send(new ModifyEndpointCommand({ EndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:NOPE', Port: 1 })),
      ResourceNotFoundFault,
    );
  });

  it('refuses unknown engines, foreign settings blocks, bad identifiers, bad attributes and duplicates', async () => {
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'postgresql' }),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /EngineName 'postgresql' is not valid; valid engine names: .*aurora-postgresql.*postgres,/.test((err as Error).message),
    );
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'postgres', KafkaSettings: { Broker: 'b:9092' } }),
      (err: unknown) => errorName(err) === 'InvalidParameterCombinationException' && /KafkaSettings cannot be used with engine postgres/.test((err as Error).message) && /PostgreSQLSettings/.test((err as Error).message),
    );
    await assert.rejects(
      create({ EndpointIdentifier: 'bad--id', EndpointType: 'source', EngineName: 'postgres' }),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /EndpointIdentifier 'bad--id' is not valid/.test((err as Error).message),
    );
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'postgres', ExtraConnectionAttributes: 'heartbeatEnable=true;oops' }),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /at 'oops'/.test((err as Error).message),
    );
    await assert.rejects(create({ EndpointType: 'source', EngineName: 'postgres', Port: 70000 }), /Port 70000 is not valid/);

    const id = uniqueName('dup');
    const first = (await create({ EndpointIdentifier: id, EndpointType: 'source', EngineName: 'postgres' })).Endpoint!;
    await assert.rejects(
      create({ EndpointIdentifier: id.toUpperCase(), EndpointType: 'target', EngineName: 'mysql' }),
      (err: unknown) => err instanceof ResourceAlreadyExistsFault && err.resourceArn === first.EndpointArn,
    );

    const named = (await create({ EndpointType: 'source', EngineName: 'postgres', ResourceIdentifier: 'My-Source-Pg' })).Endpoint!;
    assert.equal(named.EndpointArn, 'arn:aws:dms:us-east-1:123456789012:endpoint:My-Source-Pg');
    await assert.rejects(create({ EndpointType: 'source', EngineName: 'postgres', ResourceIdentifier: 'My-Source-Pg' }), ResourceAlreadyExistsFault);
    await assert.rejects(create({ EndpointType: 'source', EngineName: 'postgres', ResourceIdentifier: '9bad' }), /ResourceIdentifier '9bad' is not valid/);
  });

  it('checks SslMode against the engine and needs an imported certificate for verify-ca/verify-full', async () => {
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'postgres', SslMode: 'verify-full' }),
      (err: unknown) => errorName(err) === 'InvalidParameterCombinationException' && /verify-full needs a CertificateArn/.test((err as Error).message),
    );
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'postgres', SslMode: 'verify-ca', CertificateArn: 'arn:aws:dms:us-east-1:123456789012:cert:MISSING' }),
      (err: unknown) => err instanceof ResourceNotFoundFault && /cert:MISSING/.test(err.message),
    );
    await assert.rejects(
      create({ EndpointType: 'source', EngineName: 'mysql', SslMode: 'require' }),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /SslMode require is not supported for engine mysql; supported: none, verify-ca, verify-full/.test((err as Error).message),
    );
    await assert.rejects(create({ EndpointType: 'target', EngineName: 'kinesis', SslMode: 'require' }), /must be none/);

    const cert = await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('ca'), CertificatePem: selfSignedPem() }));
    const e = (
      await create({ EndpointType: 'source', EngineName: 'postgres', SslMode: 'verify-full', CertificateArn: cert.Certificate!.CertificateArn! })
    ).Endpoint!;
    assert.equal(e.SslMode, 'verify-full');
    assert.equal(e.CertificateArn, cert.Certificate!.CertificateArn);
    const params = connectionParamsOf(storedRecord(e.EndpointArn!));
    assert.equal(params.sslMode, 'verify-full');
    assert.equal(params.certificateArn, cert.Certificate!.CertificateArn);
    const pgRequire = (await dms.send(new ModifyEndpointCommand({ EndpointArn: e.EndpointArn!, SslMode: 'require' }))).Endpoint!;
    assert.equal(pgRequire.SslMode, 'require');
  });

  it('filters (endpoint-type case-insensitively), paginates, and answers no match with ResourceNotFoundFault', async () => {
    const client = server.client({ accessKeyId: '222222222222' });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = `page-${String(i).padStart(2, '0')}`;
      ids.push(id);
      await client.send(new CreateEndpointCommand({ EndpointIdentifier: id, EndpointType: i % 5 === 0 ? 'target' : 'source', EngineName: i % 2 ? 'postgres' : 'mysql' }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeEndpoints({ client, pageSize: 20 }, {})) {
      pages++;
      seen.push(...(page.Endpoints ?? []).map((e) => e.EndpointIdentifier!));
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen, ids);

    const targets = await client.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-type', Values: ['TARGET'] }] }));
    assert.deepEqual(targets.Endpoints?.map((e) => e.EndpointIdentifier), ['page-00', 'page-05', 'page-10', 'page-15', 'page-20']);
    const lower = await client.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-type', Values: ['target'] }] }));
    assert.equal(lower.Endpoints?.length, 5);
    const both = await client.send(
      new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-type', Values: ['target'] }, { Name: 'engine-name', Values: ['postgres'] }] }),
    );
    assert.deepEqual(both.Endpoints?.map((e) => e.EndpointIdentifier), ['page-05', 'page-15']);
    const byId = await client.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-id', Values: ['page-03', 'PAGE-04'] }] }));
    assert.deepEqual(byId.Endpoints?.map((e) => e.EndpointIdentifier), ['page-03', 'page-04']);

    await assert.rejects(
      client.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'engine-name', Values: ['oracle'] }] })),
      (err: unknown) => err instanceof ResourceNotFoundFault && err.message === 'No Endpoints found matching provided filters',
    );
    await assert.rejects(client.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'status', Values: ['active'] }] })), /valid names: endpoint-arn, endpoint-type, endpoint-id, engine-name/);
    // Other accounts see none of these.
    const other = await server.client({ accessKeyId: '333333333333' }).send(new DescribeEndpointsCommand({}));
    assert.deepEqual(other.Endpoints, []);
  });

  it('deletes: returns the endpoint as deleting, removes it and its tags; the EndpointDeleted waiter succeeds', async () => {
    const e = (await create({ EndpointType: 'source', EngineName: 'postgres', Password: PASSWORD, Tags: [{ Key: 'k', Value: 'v' }] })).Endpoint!;
    const before = raw.length;
    const deleted = await dms.send(new DeleteEndpointCommand({ EndpointArn: e.EndpointArn! }));
    assert.equal(deleted.Endpoint?.Status, 'deleting');
    assert.equal(deleted.Endpoint?.EndpointType, 'SOURCE');
    assert.equal(deleted.Endpoint?.EndpointArn, e.EndpointArn);
    assert.ok(!raw.slice(before).some((b) => b.includes(PASSWORD)));
    const waited = await waitUntilEndpointDeleted(
      { client: dms, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
      { Filters: [{ Name: 'endpoint-arn', Values: [e.EndpointArn!] }] },
    );
    assert.equal(waited.state, 'SUCCESS');
    await assert.rejects(dms.send(new DeleteEndpointCommand({ EndpointArn: e.EndpointArn! })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: e.EndpointArn! })), ResourceNotFoundFault);
  });

  it('deleting an endpoint removes its connections and keeps the others', async () => {
    const scope = { account: '123456789012', region: 'us-east-1' };
    const gone = (await create({ EndpointType: 'source', EngineName: 'postgres' })).Endpoint!;
    const kept = (await create({ EndpointType: 'target', EngineName: 'mysql' })).Endpoint!;
    const instanceArn = 'arn:aws:dms:us-east-1:123456789012:rep:CONNTESTINSTANCE';
    // Cast: the connection record belongs to the connections module and may grow; cleanup reads the ARNs only.
    const connection = (endpointArn: string): ConnectionRecord =>
      ({
        arn: connectionKey(instanceArn, endpointArn),
        identifier: connectionKey(instanceArn, endpointArn),
        instanceArn,
        endpointArn,
        endpointIdentifier: 'e',
        instanceIdentifier: 'i',
        status: 'successful',
        testedAt: new Date().toISOString(),
        attemptId: 'test',
      }) as unknown as ConnectionRecord;
    // No TestConnection here: the connections are written to the data folder directly.
    const store = new Store(server.dataDir);
    try {
      const repos = createRepositories(store);
      repos.connections.insert(scope, connection(gone.EndpointArn!));
      repos.connections.insert(scope, connection(kept.EndpointArn!));
    } finally {
      store.close();
    }
    await dms.send(new DeleteEndpointCommand({ EndpointArn: gone.EndpointArn! }));
    const after = new Store(server.dataDir);
    try {
      const left = createRepositories(after).connections.list(scope).filter((c) => c.instanceArn === instanceArn);
      assert.deepEqual(left.map((c) => c.endpointArn), [kept.EndpointArn]);
    } finally {
      after.close();
    }
  });

  it('the EndpointDeleted waiter does not succeed while the endpoint is active', async () => {
    const e = (await create({ EndpointType: 'source', EngineName: 'postgres' })).Endpoint!;
    await assert.rejects(
      waitUntilEndpointDeleted({ client: dms, maxWaitTime: 3, minDelay: 1, maxDelay: 1 }, { Filters: [{ Name: 'endpoint-arn', Values: [e.EndpointArn!] }] }),
      (err: unknown) => /FAILURE/.test(JSON.stringify((err as { result?: unknown }).result ?? (err as Error).message)),
    );
  });

  it('enforces the Endpoints quota', async () => {
    const small = await startTestServer({ args: ['--quotas', 'Endpoints=2'] });
    try {
      const c = small.client();
      await c.send(new CreateEndpointCommand({ EndpointIdentifier: 'q1', EndpointType: 'source', EngineName: 'postgres' }));
      await c.send(new CreateEndpointCommand({ EndpointIdentifier: 'q2', EndpointType: 'source', EngineName: 'postgres' }));
      await assert.rejects(
        c.send(new CreateEndpointCommand({ EndpointIdentifier: 'q3', EndpointType: 'source', EngineName: 'postgres' })),
        (err: unknown) => err instanceof ResourceQuotaExceededFault && /Endpoints \(2\)/.test(err.message),
      );
    } finally {
      await small.stop();
    }
  });

  it('describes endpoint types for every engine and role', async () => {
    const mysql = await dms.send(new DescribeEndpointTypesCommand({ Filters: [{ Name: 'engine-name', Values: ['mysql'] }] }));
    assert.deepEqual(mysql.SupportedEndpointTypes, [
      { EngineName: 'mysql', SupportsCDC: true, EndpointType: 'source', EngineDisplayName: 'MySQL' },
      { EngineName: 'mysql', SupportsCDC: true, EndpointType: 'target', EngineDisplayName: 'MySQL' },
    ]);
    const all = [];
    for (let marker: string | undefined, first = true; first || marker; first = false) {
      const page = await dms.send(new DescribeEndpointTypesCommand({ MaxRecords: 20, ...(marker ? { Marker: marker } : {}) }));
      all.push(...page.SupportedEndpointTypes!);
      marker = page.Marker;
    }
    const names = new Set(all.map((t) => t.EngineName));
    for (const n of ['mysql', 'oracle', 'postgres', 'mariadb', 'aurora', 'aurora-postgresql', 'opensearch', 'redshift', 's3', 'db2', 'db2-zos', 'azuredb', 'sybase', 'dynamodb', 'mongodb', 'kinesis', 'kafka', 'elasticsearch', 'docdb', 'sqlserver', 'neptune', 'babelfish', 'redshift-serverless', 'aurora-serverless', 'aurora-postgresql-serverless', 'gcp-mysql', 'azure-sql-managed-instance', 'redis', 'dms-transfer', 'timestream']) {
      assert.ok(names.has(n), `engine ${n} is listed`);
    }
    assert.deepEqual(all.filter((t) => t.EngineName === 'kafka').map((t) => t.EndpointType), ['target']);
    assert.equal(all.find((t) => t.EngineName === 'neptune')?.SupportsCDC, false);
    const sources = await dms.send(new DescribeEndpointTypesCommand({ Filters: [{ Name: 'endpoint-type', Values: ['SOURCE'] }] }));
    assert.ok(sources.SupportedEndpointTypes!.every((t) => t.EndpointType === 'source'));
    assert.ok(sources.SupportedEndpointTypes!.some((t) => t.EngineName === 'mongodb'));
  });

  it('describes endpoint settings derived from the model, with postgres defaults', async () => {
    const pg = await dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'postgres', MaxRecords: 100 }));
    const byName = new Map(pg.EndpointSettings!.map((s) => [s.Name, s]));
    assert.deepEqual(byName.get('HeartbeatFrequency'), { Name: 'HeartbeatFrequency', Type: 'integer', Sensitive: false, Units: 'minutes', Applicability: 'source', IntValueMin: 1, DefaultValue: '5' });
    assert.deepEqual(byName.get('PluginName'), { Name: 'PluginName', Type: 'enum', EnumValues: ['no-preference', 'test-decoding', 'pglogical'], Sensitive: false, Applicability: 'source', DefaultValue: 'pglogical' });
    assert.equal(byName.get('CaptureDdls')?.Type, 'boolean');
    assert.equal(byName.get('CaptureDdls')?.DefaultValue, 'true');
    assert.equal(byName.get('Password'), undefined);
    assert.equal(byName.get('ServerName'), undefined);

    const mysql = await dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'mysql' }));
    const threads = mysql.EndpointSettings!.find((s) => s.Name === 'ParallelLoadThreads');
    assert.deepEqual(threads, { Name: 'ParallelLoadThreads', Type: 'integer', Sensitive: false, Applicability: 'target', IntValueMin: 1, DefaultValue: '1' });

    const kafka = await dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'kafka' }));
    const sasl = kafka.EndpointSettings!.find((s) => s.Name === 'SaslPassword');
    assert.equal(sasl?.Sensitive, true);
    assert.equal(sasl?.Applicability, 'target');
    assert.equal(kafka.EndpointSettings!.find((s) => s.Name === 'Broker')?.Sensitive, false);

    // Oracle has more settings than one page of 20.
    const first = await dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'oracle', MaxRecords: 20 }));
    assert.equal(first.EndpointSettings?.length, 20);
    assert.ok(first.Marker);
    const second = await dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'oracle', MaxRecords: 20, Marker: first.Marker }));
    assert.ok((second.EndpointSettings?.length ?? 0) > 0);
    assert.ok(!second.EndpointSettings!.some((s) => first.EndpointSettings!.some((f) => f.Name === s.Name)));

    await assert.rejects(
      dms.send(new DescribeEndpointSettingsCommand({ EngineName: 'nosuch' })),
      (err: unknown) => errorName(err) === 'InvalidParameterValueException' && /EngineName 'nosuch' is not valid/.test((err as Error).message),
    );
  });
});
