/** The AWS JSON 1.1 wire behaviour, checked with raw signed requests and the real SDK client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationSubnetGroupCommand,
  DescribeReplicationSubnetGroupsCommand,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { operations } from '../../src/api/generated/operations.js';
import { shapeOf } from '../../src/api/protocol/model.js';
import { rawCall } from '../helpers/raw.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const T = 'AmazonDMSv20160101.';

/** The smallest body that passes the model's validation: every required member, recursively. */
function minimalInput(shapeName: string): unknown {
  const shape = shapeOf(shapeName);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const m of shape.required ?? []) out[m] = minimalInput(shape.members![m]!.shape);
      if (shape.union) {
        const first = Object.keys(shape.members ?? {})[0]!;
        out[first] = minimalInput(shape.members![first]!.shape);
      }
      return out;
    }
    case 'list':
      return [minimalInput(shape.member!.shape)];
    case 'string':
      return shape.enum ? shape.enum[0] : 'x';
    case 'boolean':
      return true;
    case 'timestamp':
      return 1700000000;
    case 'blob':
      return 'eA==';
    case 'map':
      return {};
    default:
      return 1;
  }
}

describe('AWS JSON 1.1 protocol', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('answers with x-amz-json-1.1 and a request id', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{}');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(r.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(r.body, { ReplicationSubnetGroups: [] });
  });

  it('refuses a request without Authorization with 403 MissingAuthenticationTokenException', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{}', { sign: false });
    assert.equal(r.status, 403);
    assert.equal(r.body.__type, 'MissingAuthenticationTokenException');
    assert.equal(r.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  it('names an unknown X-Amz-Target', async () => {
    const r = await rawCall(server.url, `${T}DescribeUnicorns`, '{}');
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'UnknownOperationException');
    assert.match(String(r.body.message), /DescribeUnicorns/);
    const r2 = await rawCall(server.url, 'SomethingElse_20200101.Foo', '{}');
    assert.match(String(r2.body.message), /SomethingElse_20200101\.Foo/);
  });

  it('refuses malformed JSON clearly', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{"Filters": [');
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'SerializationException');
    assert.match(String(r.body.message), /not valid JSON/);
  });

  it('validates against the model before any handler runs: required, type, enum, unknown member, union', async () => {
    const missing = await rawCall(server.url, `${T}CreateReplicationSubnetGroup`, JSON.stringify({ ReplicationSubnetGroupDescription: 'd', SubnetIds: ['subnet-1a'] }));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.__type, 'ValidationException');
    assert.match(String(missing.body.message), /'ReplicationSubnetGroupIdentifier'.*must not be null/);

    const wrongType = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, JSON.stringify({ MaxRecords: 'ten' }));
    assert.match(String(wrongType.body.message), /'MaxRecords'.*integer/);

    const badEnum = await rawCall(server.url, `${T}DescribeApplicableIndividualAssessments`, JSON.stringify({ MigrationType: 'sideways' }));
    assert.equal(badEnum.body.__type, 'ValidationException');
    assert.match(String(badEnum.body.message), /'MigrationType'.*enum value set: \[full-load, cdc, full-load-and-cdc\]/);

    const nested = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, JSON.stringify({ Filters: [{ Name: 'x' }] }));
    assert.match(String(nested.body.message), /'Filters\[0\]\.Values'.*must not be null/);

    const unknown = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, JSON.stringify({ Limit: 3 }));
    assert.match(String(unknown.body.message), /'Limit'.*unknown member/);

    const union = await rawCall(
      server.url,
      `${T}CreateDataProvider`,
      JSON.stringify({ Engine: 'postgres', Settings: { PostgreSqlSettings: { Port: 5432 }, MySqlSettings: { Port: 3306 } } }),
    );
    assert.equal(union.body.__type, 'ValidationException');
    assert.match(String(union.body.message), /'Settings'.*exactly one member/);

    const length = await rawCall(server.url, `${T}DescribeDataMigrations`, JSON.stringify({ Marker: 'x'.repeat(1025) }));
    assert.equal(length.body.__type, 'ValidationException');
    assert.match(String(length.body.message), /'Marker'.*length less than or equal to 1024/);
  });

  it('routes every one of the model operations; unbuilt ones answer 501 naming the operation', async () => {
    const names = Object.keys(operations);
    assert.equal(names.length, 119);
    const implemented = new Set<string>(server.app.dispatcher.implemented());
    const missing = names.filter((n) => !implemented.has(n));
    for (const op of missing) {
      const spec = operations[op as keyof typeof operations];
      const body = spec.input ? minimalInput(spec.input) : {};
      const r = await rawCall(server.url, `${T}${op}`, JSON.stringify(body));
      assert.equal(r.status, 501, `${op}: ${r.text}`);
      assert.equal(r.body.__type, 'NotImplementedException');
      assert.match(String(r.body.message), new RegExp(`${op} is not implemented`));
    }
  });

  it('gives the SDK a typed ResourceNotFoundFault when filters match nothing', async () => {
    const client = server.client();
    await assert.rejects(
      client.send(new DescribeReplicationSubnetGroupsCommand({ Filters: [{ Name: 'replication-subnet-group-id', Values: ['nope'] }] })),
      (e: unknown) => e instanceof ResourceNotFoundFault && /No replication subnet groups found/.test(e.message),
    );
  });

  it('scopes resources to the account and region of the credential scope', async () => {
    const a = server.client({ accessKeyId: '111111111111' });
    const b = server.client({ accessKeyId: '222222222222' });
    const west = server.client({ accessKeyId: '111111111111', region: 'us-west-2' });
    const id = uniqueName('scoped');
    await a.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id, ReplicationSubnetGroupDescription: 'd', SubnetIds: ['subnet-1a', 'subnet-2b'] }));
    const mine = await a.send(new DescribeReplicationSubnetGroupsCommand({}));
    assert.deepEqual(mine.ReplicationSubnetGroups?.map((g) => g.ReplicationSubnetGroupIdentifier), [id]);
    assert.deepEqual((await b.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups, []);
    assert.deepEqual((await west.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups, []);
    assert.equal(mine.ReplicationSubnetGroups?.[0]?.Subnets?.[0]?.SubnetAvailabilityZone?.Name, 'us-east-1a');
  });
});
