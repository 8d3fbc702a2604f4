/**
 * Smoke test with the Debian AWS CLI v2 (/usr/bin/aws): the user's path from the README.
 * Create an instance and two endpoints pointing at the real local databases, test the
 * connections (one fails on a wrong password), delete a connection, restart the server and
 * find everything as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { aws, awsCliMissing, waitFor } from '../helpers/aws-cli.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';

describe('AWS CLI smoke test', { skip: awsCliMissing }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opendms-cli-'));
  let server: ServerProcess | undefined;
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an instance and endpoints, tests connections, deletes one, and survives a restart', async () => {
    server = await spawnServer(dataDir, ['--provisioning-delay-ms', '300', '--log-level', 'debug']);
    const firstRun = server;
    const url = server.url;
    const ri = (await aws(url, ['create-replication-instance', '--replication-instance-identifier', 'cli-ri', '--replication-instance-class', 'dms.t3.medium', '--allocated-storage', '50'])).ReplicationInstance;
    assert.equal(ri.ReplicationInstanceStatus, 'creating');
    await aws(url, ['wait', 'replication-instance-available', '--filters', 'Name=replication-instance-id,Values=cli-ri']);

    const pg = (await aws(url, ['create-endpoint', '--endpoint-identifier', 'cli-pg', '--endpoint-type', 'source', '--engine-name', 'postgres', '--server-name', '127.0.0.1', '--port', '5432', '--database-name', 'postgres', '--username', 'postgres', '--password', 'unused-with-trust'])).Endpoint;
    const my = (await aws(url, ['create-endpoint', '--endpoint-identifier', 'cli-maria', '--endpoint-type', 'target', '--engine-name', 'mariadb', '--server-name', '127.0.0.1', '--port', '3306', '--username', 'root'])).Endpoint;
    const bad = (await aws(url, ['create-endpoint', '--endpoint-identifier', 'cli-bad', '--endpoint-type', 'target', '--engine-name', 'mariadb', '--server-name', '127.0.0.1', '--port', '3306', '--username', 'root', '--password', 'definitely-wrong'])).Endpoint;
    assert.equal(pg.EndpointType, 'SOURCE');
    assert.equal(JSON.stringify(pg).includes('unused-with-trust'), false, 'the password must never be returned');

    for (const ep of [pg, my, bad]) {
      const c = (await aws(url, ['test-connection', '--replication-instance-arn', ri.ReplicationInstanceArn, '--endpoint-arn', ep.EndpointArn])).Connection;
      assert.equal(c.Status, 'testing');
    }
    await aws(url, ['wait', 'test-connection-succeeds', '--filters', `Name=endpoint-arn,Values=${pg.EndpointArn},${my.EndpointArn}`]);
    const failed = await waitFor('the bad connection to fail', async () => {
      const cs = (await aws(url, ['describe-connections', '--filters', `Name=endpoint-arn,Values=${bad.EndpointArn}`])).Connections as any[];
      return cs[0]?.Status === 'failed' ? cs[0] : undefined;
    });
    assert.match(failed.LastFailureMessage, /Access denied/i);
    assert.match(failed.LastFailureMessage, /password/i);

    const deleted = (await aws(url, ['delete-connection', '--replication-instance-arn', ri.ReplicationInstanceArn, '--endpoint-arn', bad.EndpointArn])).Connection;
    assert.equal(deleted.Status, 'deleting');
    const left = (await aws(url, ['describe-connections'])).Connections as any[];
    assert.deepEqual(left.map((c) => c.EndpointIdentifier).sort(), ['cli-maria', 'cli-pg']);

    const beforeRestart = {
      instances: await aws(url, ['describe-replication-instances']),
      endpoints: await aws(url, ['describe-endpoints']),
      connections: await aws(url, ['describe-connections']),
    };
    // Passwords never reach the log, even at debug level.
    for (const secret of ['unused-with-trust', 'definitely-wrong']) {
      assert.equal(firstRun.logs().includes(secret), false, `the log contains the password ${secret}`);
      assert.equal(firstRun.output().includes(secret), false);
    }
    assert.match(firstRun.logs(), /"level":"debug"/, 'the debug log was captured');
    server.child.kill('SIGKILL');
    await server.exited;
    server = await spawnServer(dataDir, ['--provisioning-delay-ms', '300']);
    const url2 = server.url;
    assert.deepEqual(
      {
        instances: await aws(url2, ['describe-replication-instances']),
        endpoints: await aws(url2, ['describe-endpoints']),
        connections: await aws(url2, ['describe-connections']),
      },
      beforeRestart,
    );
  });
});
