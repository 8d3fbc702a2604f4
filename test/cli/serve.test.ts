/**
 * `opendms serve` as a real process: start-up message, clean stop on SIGTERM and SIGINT, refusal
 * to expose itself without credentials, and a kill -9 followed by a restart that finds
 * everything as it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateReplicationSubnetGroupCommand,
  DatabaseMigrationServiceClient,
  DescribeReplicationSubnetGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-database-migration-service';
import { spawnServer } from '../helpers/process.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'opendms-proc-'));
  dirs.push(d);
  return d;
};
const client = (url: string): DatabaseMigrationServiceClient =>
  new DatabaseMigrationServiceClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' }, maxAttempts: 1 });

describe('opendms serve (process)', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints the endpoint URL and a one-line AWS CLI example, and exits 0 on SIGTERM and on SIGINT', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const p = await spawnServer(tempDir());
      assert.match(p.output(), /aws dms describe-replication-instances --endpoint-url http:\/\/127\.0\.0\.1:\d+ --region us-east-1/);
      assert.match(p.output(), /any well-formed SigV4 signature is accepted \(loopback only\)/);
      const dms = client(p.url);
      await dms.send(new DescribeReplicationSubnetGroupsCommand({}));
      dms.destroy();
      p.child.kill(sig);
      assert.equal(await p.exited, 0, `exit code after ${sig}`);
    }
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const dataDir = tempDir();
    const p = await spawnServer(dataDir);
    const dms = client(p.url);
    // Fire a burst of writes and SIGTERM while they are in flight: every request that the
    // server accepted must get its answer, and the process must still exit 0.
    const writes = Array.from({ length: 20 }, (_, i) =>
      dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: `inflight-${i}`, ReplicationSubnetGroupDescription: 'd', SubnetIds: ['subnet-1', 'subnet-2'] })),
    );
    setTimeout(() => p.child.kill('SIGTERM'), 5);
    const results = await Promise.allSettled(writes);
    assert.equal(await p.exited, 0);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    dms.destroy();
    // Whatever was answered is on disk after a restart.
    const again = await spawnServer(dataDir);
    const c2 = client(again.url);
    const stored = (await c2.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups ?? [];
    assert.equal(stored.length, ok);
    c2.destroy();
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);
  });

  it('keeps everything across kill -9 and a restart on the same data folder', async () => {
    const dataDir = tempDir();
    const p = await spawnServer(dataDir);
    const dms = client(p.url);
    await dms.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: 'survivor',
        ReplicationSubnetGroupDescription: 'before the crash',
        SubnetIds: ['subnet-1', 'subnet-2'],
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    const before = await dms.send(new DescribeReplicationSubnetGroupsCommand({}));
    dms.destroy();
    p.child.kill('SIGKILL');
    assert.equal(await p.exited, 'SIGKILL');

    const q = await spawnServer(dataDir);
    const dms2 = client(q.url);
    const afterRestart = await dms2.send(new DescribeReplicationSubnetGroupsCommand({}));
    assert.deepEqual(afterRestart.ReplicationSubnetGroups, before.ReplicationSubnetGroups);
    const tags = await dms2.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:dms:us-east-1:123456789012:subgrp:survivor' }));
    assert.deepEqual(tags.TagList?.map((t) => `${t.Key}=${t.Value}`), ['k=v']);
    dms2.destroy();
    q.child.kill('SIGTERM');
    assert.equal(await q.exited, 0);
  });

  it('refuses to listen on a non-loopback address without a credentials file', () => {
    const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', tempDir()], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without a credentials file/);
  });

  it('names a bad option and its valid values', () => {
    const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'serve', '--log-level', 'loud'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--log-level must be one of debug, info, warn, error, silent, got 'loud'/);
  });
});
