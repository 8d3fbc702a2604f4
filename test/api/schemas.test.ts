/**
 * RefreshSchemas, DescribeRefreshSchemasStatus and DescribeSchemas through the real SDK
 * client, reading the real catalogs of the local PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  DeleteEndpointCommand,
  DescribeRefreshSchemasStatusCommand,
  DescribeSchemasCommand,
  InvalidResourceStateFault,
  ModifyEndpointCommand,
  RefreshSchemasCommand,
  ResourceNotFoundFault,
  paginateDescribeSchemas,
  waitUntilReplicationInstanceAvailable,
  type CreateEndpointCommandInput,
  type DatabaseMigrationServiceClient,
  type RefreshSchemasStatus,
} from '@aws-sdk/client-database-migration-service';
import { mariaExec, pgCreateDatabase, pgDropDatabase, pgExec, uniqueSuffix } from '../helpers/databases.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const suffix = uniqueSuffix();
const pgDb = `opendms_api_sch_${suffix}`;
const myDbs = [`opendms_api_sch_a_${suffix}`, `opendms_api_sch_b_${suffix}`];
const myUser = `opendms_pw_sch_${suffix}`;
const myPassword = `Pw-${suffix}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refreshed(dms: DatabaseMigrationServiceClient, endpointArn: string): Promise<RefreshSchemasStatus> {
  for (let i = 0; i < 150; i++) {
    const s = (await dms.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }))).RefreshSchemasStatus!;
    if (s.Status !== 'refreshing') return s;
    await sleep(100);
  }
  throw new Error('refresh did not finish in 15 s');
}

describe('schemas', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let instanceArn: string;

  const endpoint = async (input: Partial<CreateEndpointCommandInput>): Promise<string> => {
    const out = await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: uniqueName('ep'),
        EndpointType: 'source',
        EngineName: 'postgres',
        ServerName: '127.0.0.1',
        Port: 5432,
        DatabaseName: pgDb,
        Username: 'postgres',
        ...input,
      }),
    );
    return out.Endpoint!.EndpointArn!;
  };

  before(async () => {
    await pgCreateDatabase(pgDb);
    const many = Array.from({ length: 24 }, (_, i) => `CREATE SCHEMA s${String(i).padStart(2, '0')};`).join(' ');
    await pgExec(`CREATE SCHEMA sales; CREATE SCHEMA hr; ${many}`, pgDb);
    await mariaExec([
      ...myDbs.map((d) => `CREATE DATABASE ${d}`),
      `CREATE USER '${myUser}'@'%' IDENTIFIED BY '${myPassword}'`,
      `GRANT SELECT ON ${myDbs[0]}.* TO '${myUser}'@'%'`,
      `GRANT SELECT ON ${myDbs[1]}.* TO '${myUser}'@'%'`,
    ]);
    server = await startTestServer();
    dms = server.client();
    const ri = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: uniqueName('ri'), ReplicationInstanceClass: 'dms.t3.micro' }));
    instanceArn = ri.ReplicationInstance!.ReplicationInstanceArn!;
    await waitUntilReplicationInstanceAvailable({ client: dms, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { Filters: [{ Name: 'replication-instance-arn', Values: [instanceArn] }] });
  });
  after(async () => {
    await server.stop();
    await pgDropDatabase(pgDb);
    await mariaExec([...myDbs.map((d) => `DROP DATABASE IF EXISTS ${d}`), `DROP USER IF EXISTS '${myUser}'@'%'`]);
  });

  it('refreshes the schemas of a PostgreSQL database and describes them, paginated', async () => {
    const ep = await endpoint({});
    // Never refreshed: no status, and no schemas to describe yet.
    await assert.rejects(
      dms.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: ep })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /call RefreshSchemas first/.test(e.message),
    );
    await assert.rejects(
      dms.send(new DescribeSchemasCommand({ EndpointArn: ep })),
      (e: unknown) => e instanceof InvalidResourceStateFault && /have not been refreshed yet.*RefreshSchemas/.test(e.message),
    );

    const before = Date.now();
    const out = await dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: instanceArn }));
    const s = out.RefreshSchemasStatus!;
    assert.equal(s.EndpointArn, ep);
    assert.equal(s.ReplicationInstanceArn, instanceArn);
    assert.equal(s.Status, 'refreshing');
    assert.ok(s.LastRefreshDate instanceof Date && s.LastRefreshDate.getTime() >= before - 1000);

    const done = await refreshed(dms, ep);
    assert.equal(done.Status, 'successful', done.LastFailureMessage);
    assert.equal(done.LastFailureMessage, undefined);

    const expected = ['hr', 'public', ...Array.from({ length: 24 }, (_, i) => `s${String(i).padStart(2, '0')}`), 'sales'];
    const first = await dms.send(new DescribeSchemasCommand({ EndpointArn: ep }));
    assert.deepEqual(first.Schemas, expected);
    assert.equal(first.Marker, undefined);
    const pages: string[][] = [];
    for await (const page of paginateDescribeSchemas({ client: dms, pageSize: 20 }, { EndpointArn: ep })) pages.push(page.Schemas ?? []);
    assert.deepEqual(pages.map((p) => p.length), [20, 7]);
    assert.deepEqual(pages.flat(), expected);
  });

  it('refreshes MariaDB databases, system databases left out', async () => {
    const ep = await endpoint({ EngineName: 'mariadb', Port: 3306, DatabaseName: undefined, Username: myUser, Password: myPassword });
    await dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: instanceArn }));
    assert.equal((await refreshed(dms, ep)).Status, 'successful');
    const out = await dms.send(new DescribeSchemasCommand({ EndpointArn: ep }));
    assert.deepEqual(out.Schemas, [...myDbs].sort());
  });

  it('a failed refresh says why; the schemas of the last successful refresh stay', async () => {
    const bad = await endpoint({ DatabaseName: `${pgDb}_missing` });
    await dms.send(new RefreshSchemasCommand({ EndpointArn: bad, ReplicationInstanceArn: instanceArn }));
    const failed = await refreshed(dms, bad);
    assert.equal(failed.Status, 'failed');
    assert.match(failed.LastFailureMessage ?? '', /does not exist.*DatabaseName/);
    await assert.rejects(
      dms.send(new DescribeSchemasCommand({ EndpointArn: bad })),
      (e: unknown) => e instanceof InvalidResourceStateFault && /last schema refresh .* failed: .*does not exist/.test(e.message),
    );

    const ep = await endpoint({});
    await dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: instanceArn }));
    assert.equal((await refreshed(dms, ep)).Status, 'successful');
    await dms.send(new ModifyEndpointCommand({ EndpointArn: ep, Port: 1 }));
    await dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: instanceArn }));
    const second = await refreshed(dms, ep);
    assert.equal(second.Status, 'failed');
    assert.match(second.LastFailureMessage ?? '', /refused.*ServerName and Port/);
    const kept = await dms.send(new DescribeSchemasCommand({ EndpointArn: ep }));
    assert.ok(kept.Schemas?.includes('sales'));
  });

  it('refuses unknown endpoints and instances', async () => {
    const ep = await endpoint({});
    const missingEp = ep.replace(/:endpoint:.*/, ':endpoint:NOSUCHENDPOINT');
    const missingRi = instanceArn.replace(/:rep:.*/, ':rep:NOSUCHINSTANCE');
    for (const cmd of [
      new RefreshSchemasCommand({ EndpointArn: missingEp, ReplicationInstanceArn: instanceArn }),
      new DescribeRefreshSchemasStatusCommand({ EndpointArn: missingEp }),
      new DescribeSchemasCommand({ EndpointArn: missingEp }),
    ]) {
      await assert.rejects(dms.send(cmd as never), (e: unknown) => e instanceof ResourceNotFoundFault && /NOSUCHENDPOINT/.test(e.message));
    }
    await assert.rejects(
      dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: missingRi })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /Replication instance .*NOSUCHINSTANCE/.test(e.message),
    );
  });

  it('deleting the endpoint forgets its refresh', async () => {
    const ep = await endpoint({});
    await dms.send(new RefreshSchemasCommand({ EndpointArn: ep, ReplicationInstanceArn: instanceArn }));
    await refreshed(dms, ep);
    await dms.send(new DeleteEndpointCommand({ EndpointArn: ep }));
    await assert.rejects(dms.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: ep })), ResourceNotFoundFault);
  });
});
