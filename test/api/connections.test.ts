/**
 * TestConnection, DescribeConnections and DeleteConnection through the real SDK client,
 * against the real local PostgreSQL and MariaDB (see scripts/services/setup.sh).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  DeleteConnectionCommand,
  DeleteEndpointCommand,
  DescribeConnectionsCommand,
  ImportCertificateCommand,
  InvalidResourceStateFault,
  ResourceNotFoundFault,
  TestConnectionCommand,
  waitUntilReplicationInstanceAvailable,
  waitUntilTestConnectionSucceeds,
  type Connection,
  type CreateEndpointCommandInput,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { pgCreateDatabase, pgDropDatabase, pgExec, uniqueSuffix } from '../helpers/databases.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';
import { blackHole } from '../helpers/network.js';

const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));

const suffix = uniqueSuffix();
const db = `opendms_api_conn_${suffix}`;
const role = `opendms_pw_conn_${suffix}`;
const password = `Pw-${suffix}`;

const waiter = (client: DatabaseMigrationServiceClient, maxWaitTime = 30) => ({ client, maxWaitTime, minDelay: 1, maxDelay: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Forwards a port to the local PostgreSQL. */
async function proxyToPostgres(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(5432, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

async function createInstance(dms: DatabaseMigrationServiceClient, wait = true): Promise<{ arn: string; id: string }> {
  const id = uniqueName('ri');
  const out = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: id, ReplicationInstanceClass: 'dms.t3.micro' }));
  const arn = out.ReplicationInstance!.ReplicationInstanceArn!;
  if (wait) await waitUntilReplicationInstanceAvailable(waiter(dms), { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
  return { arn, id: id.toLowerCase() };
}

async function createEndpoint(dms: DatabaseMigrationServiceClient, input: Partial<CreateEndpointCommandInput>): Promise<{ arn: string; id: string }> {
  const id = uniqueName('ep');
  const out = await dms.send(
    new CreateEndpointCommand({
      EndpointIdentifier: id,
      EndpointType: 'source',
      EngineName: 'postgres',
      ServerName: '127.0.0.1',
      Port: 5432,
      DatabaseName: db,
      Username: role,
      Password: password,
      ...input,
    }),
  );
  return { arn: out.Endpoint!.EndpointArn!, id: id.toLowerCase() };
}

const pairFilter = (endpointArn: string, instanceArn: string) => ({
  Filters: [
    { Name: 'endpoint-arn', Values: [endpointArn] },
    { Name: 'replication-instance-arn', Values: [instanceArn] },
  ],
});

async function settled(dms: DatabaseMigrationServiceClient, endpointArn: string, instanceArn: string): Promise<Connection> {
  for (let i = 0; i < 150; i++) {
    const out = await dms.send(new DescribeConnectionsCommand(pairFilter(endpointArn, instanceArn)));
    const c = out.Connections![0]!;
    if (c.Status !== 'testing') return c;
    await sleep(100);
  }
  throw new Error('connection test did not finish in 15 s');
}

describe('connections', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let instance: { arn: string; id: string };

  before(async () => {
    await pgCreateDatabase(db);
    await pgExec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE opendms_password_auth`);
    server = await startTestServer();
    dms = server.client();
    instance = await createInstance(dms);
  });
  after(async () => {
    await server.stop();
    await pgDropDatabase(db);
    await pgExec(`DROP ROLE IF EXISTS ${role}`);
  });

  it('tests a PostgreSQL endpoint: testing, then successful (waitUntilTestConnectionSucceeds)', async () => {
    const ep = await createEndpoint(dms, {});
    const out = await dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
    assert.deepEqual(out.Connection, {
      ReplicationInstanceArn: instance.arn,
      EndpointArn: ep.arn,
      Status: 'testing',
      EndpointIdentifier: ep.id,
      ReplicationInstanceIdentifier: instance.id,
    });
    const waited = await waitUntilTestConnectionSucceeds(waiter(dms), pairFilter(ep.arn, instance.arn));
    assert.equal(waited.state, 'SUCCESS');
    const [c] = (await dms.send(new DescribeConnectionsCommand(pairFilter(ep.arn, instance.arn)))).Connections!;
    assert.equal(c!.Status, 'successful');
    assert.equal(c!.LastFailureMessage, undefined);
    assert.ok(!JSON.stringify(out).includes(password), 'the password is never returned');

    // Testing again refreshes the same record.
    const again = await dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
    assert.equal(again.Connection?.Status, 'testing');
    assert.equal((await settled(dms, ep.arn, instance.arn)).Status, 'successful');
    const all = await dms.send(new DescribeConnectionsCommand(pairFilter(ep.arn, instance.arn)));
    assert.equal(all.Connections?.length, 1);
  });

  it('a wrong password ends failed with the reason and what to check; the waiter fails', async () => {
    const ep = await createEndpoint(dms, { Password: 'not-the-password' });
    await dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
    const c = await settled(dms, ep.arn, instance.arn);
    assert.equal(c.Status, 'failed');
    assert.match(c.LastFailureMessage ?? '', /password authentication failed for user/);
    assert.match(c.LastFailureMessage ?? '', /Username and Password/);
    assert.doesNotMatch(c.LastFailureMessage ?? '', /not-the-password/);
    await assert.rejects(waitUntilTestConnectionSucceeds(waiter(dms, 5), pairFilter(ep.arn, instance.arn)), /FAILURE/);
  });

  it('explains wrong ports, unknown databases, TLS problems and engines without a connector', async () => {
    const ca = await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('ca'), CertificatePem: readFileSync('/etc/opendms-test/ca.pem', 'utf8') }));
    const other = await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('other'), CertificatePem: readFileSync('/etc/opendms-test/other-ca.pem', 'utf8') }));
    const hole = await blackHole();
    await hole.close();
    const cases: [Partial<CreateEndpointCommandInput>, string, RegExp][] = [
      [{ Port: hole.port }, 'failed', /refused.*ServerName and Port/],
      [{ DatabaseName: `${db}_missing` }, 'failed', /does not exist.*DatabaseName/],
      [{ SslMode: 'require' }, 'successful', /^$/],
      [{ SslMode: 'verify-ca', CertificateArn: ca.Certificate!.CertificateArn! }, 'successful', /^$/],
      [{ SslMode: 'verify-full', CertificateArn: ca.Certificate!.CertificateArn! }, 'successful', /^$/],
      [{ SslMode: 'verify-ca', CertificateArn: other.Certificate!.CertificateArn! }, 'failed', /could not be verified.*CertificateArn/],
      [{ EngineName: 'mariadb', Port: 3306, Username: 'root', Password: '', DatabaseName: undefined }, 'successful', /^$/],
      // DMS offers MySQL-family endpoints none, verify-ca and verify-full; this MariaDB has SSL off.
      [{ EngineName: 'mariadb', Port: 3306, Username: 'root', Password: '', DatabaseName: undefined, SslMode: 'verify-ca', CertificateArn: ca.Certificate!.CertificateArn! }, 'failed', /does not support SSL.*SslMode/],
      [{ EngineName: 'oracle', Port: 1521, DatabaseName: 'ORCL' }, 'failed', /Connection tests for oracle are not supported yet/],
      // Credentials in a secret the local store does not hold: say which and how to add it,
      // rather than try without a password.
      [
        { Password: undefined, PostgreSQLSettings: { SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pg-abc', SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' } },
        'failed',
        /secret arn:aws:secretsmanager:.*pg-abc of endpoint .* is not in OpenDMS's secret store.*opendms secrets put/,
      ],
      // The same with the secret put by `opendms secrets` (ARN suffix and all): the password comes from it.
      [
        { Username: undefined, Password: undefined, PostgreSQLSettings: { SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:conn/pg-Xy12Zw', SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' } },
        'successful',
        /^$/,
      ],
    ];
    const put = spawnSync(process.execPath, [bin, 'secrets', 'put', 'conn/pg', '--value', JSON.stringify({ username: role, password }), '--data-dir', server.dataDir], { encoding: 'utf8' });
    assert.equal(put.status, 0, put.stderr);
    const eps = await Promise.all(cases.map(([input]) => createEndpoint(dms, input)));
    await Promise.all(eps.map((ep) => dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }))));
    for (const [i, [input, status, message]] of cases.entries()) {
      const c = await settled(dms, eps[i]!.arn, instance.arn);
      assert.equal(c.Status, status, `${JSON.stringify(input)}: ${c.LastFailureMessage}`);
      assert.match(c.LastFailureMessage ?? '', message, JSON.stringify(input));
    }
  });

  it('refuses unknown endpoints and instances (naming which) and instances that are not available', async () => {
    const ep = await createEndpoint(dms, {});
    const missingEp = ep.arn.replace(/:endpoint:.*/, ':endpoint:NOSUCHENDPOINT');
    const missingRi = instance.arn.replace(/:rep:.*/, ':rep:NOSUCHINSTANCE');
    await assert.rejects(
      dms.send(new TestConnectionCommand({ EndpointArn: missingEp, ReplicationInstanceArn: instance.arn })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /Endpoint .*NOSUCHENDPOINT/.test(e.message),
    );
    await assert.rejects(
      dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: missingRi })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /Replication instance .*NOSUCHINSTANCE/.test(e.message),
    );
    // Another account cannot use this account's resources.
    await assert.rejects(
      server.client({ accessKeyId: '210987654321' }).send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn })),
      ResourceNotFoundFault,
    );
    const creating = await createInstance(dms, false);
    await assert.rejects(
      dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: creating.arn })),
      (e: unknown) => e instanceof InvalidResourceStateFault && /is creating; TestConnection needs it to be available/.test(e.message),
    );
  });

  it('filters DescribeConnections by endpoint and instance, and paginates', async () => {
    const client = server.client({ accessKeyId: '333333333333' });
    const ri = await createInstance(client);
    const ri2 = await createInstance(client);
    const eps = [];
    for (let i = 0; i < 22; i++) eps.push(await createEndpoint(client, { EngineName: 'oracle', Port: 1521, DatabaseName: 'ORCL' }));
    for (const ep of eps) await client.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: ri.arn }));
    await client.send(new TestConnectionCommand({ EndpointArn: eps[0]!.arn, ReplicationInstanceArn: ri2.arn }));

    const byEndpoint = await client.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [eps[0]!.arn] }] }));
    assert.deepEqual(byEndpoint.Connections?.map((c) => c.ReplicationInstanceArn).sort(), [ri.arn, ri2.arn].sort());
    const byInstance = await client.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'replication-instance-arn', Values: [ri2.arn] }] }));
    assert.deepEqual(byInstance.Connections?.map((c) => c.EndpointArn), [eps[0]!.arn]);

    const first = await client.send(new DescribeConnectionsCommand({ MaxRecords: 20 }));
    assert.equal(first.Connections?.length, 20);
    assert.ok(first.Marker);
    const second = await client.send(new DescribeConnectionsCommand({ MaxRecords: 20, Marker: first.Marker }));
    assert.equal(second.Connections?.length, 3);
    assert.equal(second.Marker, undefined);

    await assert.rejects(
      client.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-arn', Values: ['arn:aws:dms:us-east-1:333333333333:endpoint:NONE'] }] })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /No connections found matching provided filters/.test(e.message),
    );
    await assert.rejects(
      client.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-id', Values: ['x'] }] })),
      (e: unknown) => (e as Error).name === 'InvalidParameterValueException' && /endpoint-arn, replication-instance-arn/.test((e as Error).message),
    );
    // An account without connections gets an empty list.
    const none = await server.client({ accessKeyId: '444444444444' }).send(new DescribeConnectionsCommand({}));
    assert.deepEqual(none.Connections, []);
  });

  it('DeleteConnection answers with the connection in deleting, then it is gone', async () => {
    const ep = await createEndpoint(dms, {});
    await dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
    await waitUntilTestConnectionSucceeds(waiter(dms), pairFilter(ep.arn, instance.arn));
    const out = await dms.send(new DeleteConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
    assert.deepEqual(out.Connection, {
      ReplicationInstanceArn: instance.arn,
      EndpointArn: ep.arn,
      Status: 'deleting',
      EndpointIdentifier: ep.id,
      ReplicationInstanceIdentifier: instance.id,
    });
    await assert.rejects(dms.send(new DescribeConnectionsCommand(pairFilter(ep.arn, instance.arn))), ResourceNotFoundFault);
    await assert.rejects(
      dms.send(new DeleteConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /Connection between endpoint/.test(e.message),
    );
    // A failed connection can be deleted too.
    const bad = await createEndpoint(dms, { Password: 'wrong' });
    await dms.send(new TestConnectionCommand({ EndpointArn: bad.arn, ReplicationInstanceArn: instance.arn }));
    assert.equal((await settled(dms, bad.arn, instance.arn)).Status, 'failed');
    const gone = await dms.send(new DeleteConnectionCommand({ EndpointArn: bad.arn, ReplicationInstanceArn: instance.arn }));
    assert.equal(gone.Connection?.Status, 'deleting');
    assert.match(gone.Connection?.LastFailureMessage ?? '', /password authentication failed/);
  });

  it('refuses to delete a connection while its test is running; deleting the endpoint removes it', async () => {
    const hole = await blackHole();
    try {
      const ep = await createEndpoint(dms, { Port: hole.port });
      await dms.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn }));
      await assert.rejects(
        dms.send(new DeleteConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: instance.arn })),
        (e: unknown) => e instanceof InvalidResourceStateFault && /connection test is in progress/.test(e.message),
      );
      await dms.send(new DeleteEndpointCommand({ EndpointArn: ep.arn }));
      await assert.rejects(dms.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [ep.arn] }] })), ResourceNotFoundFault);
    } finally {
      await hole.close();
    }
  });

  it('a test still running when the server stops is re-run after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opendms-conn-restart-'));
    const hole = await blackHole();
    let proxy: { close(): Promise<void> } | undefined;
    let second: TestServer | undefined;
    try {
      const first = await startTestServer({ dataDir });
      const c1 = first.client();
      const ri = await createInstance(c1);
      const ep = await createEndpoint(c1, { Port: hole.port });
      await c1.send(new TestConnectionCommand({ EndpointArn: ep.arn, ReplicationInstanceArn: ri.arn }));
      await sleep(200);
      const t0 = Date.now();
      await first.stop();
      assert.ok(Date.now() - t0 < 3_000, 'shutdown aborts the test in flight instead of waiting for its timeout');

      // The database is reachable on that port now.
      await hole.close();
      proxy = await proxyToPostgres(hole.port);
      second = await startTestServer({ dataDir });
      const c2 = second.client();
      const before = await c2.send(new DescribeConnectionsCommand(pairFilter(ep.arn, ri.arn)));
      assert.ok(['testing', 'successful'].includes(before.Connections![0]!.Status!));
      await waitUntilTestConnectionSucceeds(waiter(c2), pairFilter(ep.arn, ri.arn));
    } finally {
      await second?.stop();
      await proxy?.close();
      await hole.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
