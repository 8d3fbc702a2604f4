/**
 * The object stores against their real counterparts: S3ObjectStore against s3rver (an
 * S3-compatible server in Node, started per suite on a free port with its own temp folder),
 * and LocalObjectStore against the file system.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createObjectStore } from '../../src/storage/object-store-factory.js';
import { LocalObjectStore, ObjectStoreError } from '../../src/storage/object-store.js';
import { S3ObjectStore, type S3Settings } from '../../src/storage/s3-object-store.js';
import { blackHole } from '../helpers/network.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

/** Any well-formed keys for the servers that never check them. */
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const isErr = (kind: ObjectStoreError['kind'], ...inMessage: string[]) => (err: unknown): boolean => {
  assert.ok(err instanceof ObjectStoreError, `expected an ObjectStoreError, got ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  for (const s of inMessage) assert.ok(err.message.includes(s), `'${s}' missing from: ${err.message}`);
  return true;
};

describe('S3ObjectStore against s3rver', () => {
  let server: S3rverHandle;
  let endpoint: string;
  let settings: S3Settings;
  let store: S3ObjectStore;
  let admin: S3Client;

  before(async () => {
    server = await startS3rver(['results']);
    endpoint = server.endpoint;
    settings = { endpoint, region: 'us-east-1', forcePathStyle: true, ...server.credentials };
    store = new S3ObjectStore(settings);
    admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: server.credentials });
    // A bucket made through the API as well as one configured at start.
    await admin.send(new CreateBucketCommand({ Bucket: 'exports' }));
  });

  after(async () => {
    store?.destroy();
    admin?.destroy();
    await server?.close();
  });

  test('put then get round-trips the bytes, content type and a path-style URL', async () => {
    const loc = { bucket: 'results', prefix: 'proj/run-1' };
    const body = Buffer.from('{"ok":true,"ü":"ß"}');
    const stored = await store.put(loc, 'report.json', body, { contentType: 'application/json' });
    assert.deepEqual(stored, { key: 'proj/run-1/report.json', url: `${endpoint}/results/proj/run-1/report.json` });
    assert.deepEqual(await store.get(loc, 'report.json'), body);
    const head = await admin.send(new HeadObjectCommand({ Bucket: 'results', Key: stored.key }));
    assert.equal(head.ContentType, 'application/json');

    await store.put({ bucket: 'exports', prefix: '' }, 'a b.sql', 'select 1;');
    assert.equal((await store.get({ bucket: 'exports', prefix: '' }, 'a b.sql'))?.toString(), 'select 1;');
    assert.equal(await store.get(loc, 'missing.json'), undefined);
  });

  test('the factory picks S3 when settings are given, the local folder otherwise', async () => {
    const s3 = createObjectStore({ resultsDir: tmpdir(), s3: settings });
    assert.ok(s3 instanceof S3ObjectStore);
    (s3 as S3ObjectStore).destroy();
    assert.ok(createObjectStore({ resultsDir: tmpdir() }) instanceof LocalObjectStore);
  });

  test('SSE_S3 and SSE_KMS send the server-side encryption headers', async () => {
    // s3rver keeps only a fixed list of metadata (no x-amz-server-side-encryption*) and never
    // echoes it from HeadObject, so the headers are checked on the requests the server
    // received, as its process reports them (test/helpers/s3rver-child.cjs).
    const loc = { bucket: 'results', prefix: 'sse' };
    await store.put(loc, 's3.txt', 'a', { encryption: { mode: 'SSE_S3' } });
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await store.put(loc, 'kms.txt', 'b', { encryption: { mode: 'SSE_KMS', kmsKeyArn } });
    await store.put(loc, 'plain.txt', 'c');

    const s3 = await server.putHeaders('/results/sse/s3.txt');
    assert.equal(s3?.['x-amz-server-side-encryption'], 'AES256');
    assert.equal(s3?.['x-amz-server-side-encryption-aws-kms-key-id'], undefined);
    const kms = await server.putHeaders('/results/sse/kms.txt');
    assert.equal(kms?.['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(kms?.['x-amz-server-side-encryption-aws-kms-key-id'], kmsKeyArn);
    const plain = await server.putHeaders('/results/sse/plain.txt');
    assert.ok(plain, 'the plain PUT was reported');
    assert.equal(plain['x-amz-server-side-encryption'], undefined);
    assert.equal((await store.get(loc, 'kms.txt'))?.toString(), 'b');
  });

  test('probe passes on an existing bucket and names a missing one', async () => {
    await store.probe({ bucket: 'results', prefix: 'x' });
    await assert.rejects(store.probe({ bucket: 'no-such-bucket-here', prefix: '' }), isErr('no-such-bucket', 'no-such-bucket-here', endpoint, 'aws s3 mb'));
    await assert.rejects(store.put({ bucket: 'no-such-bucket-here', prefix: '' }, 'a.txt', 'a'), isErr('no-such-bucket', 'no-such-bucket-here'));
  });

  test('unknown credentials are access-denied, and the secret never appears in the message', async () => {
    const secret = 'super-secret-value-1234';
    const bad = new S3ObjectStore({ ...settings, accessKeyId: 'NOT-A-KEY', secretAccessKey: secret });
    try {
      await assert.rejects(bad.probe({ bucket: 'results', prefix: '' }), isErr('access-denied', 'results', 'OPENDMS_S3_ACCESS_KEY_ID'));
      await assert.rejects(bad.put({ bucket: 'results', prefix: '' }, 'a.txt', 'a'), (err: unknown) => {
        isErr('access-denied', 'results')(err);
        assert.ok(!(err as Error).message.includes(secret));
        return true;
      });
    } finally {
      bad.destroy();
    }
  });
});

describe('S3ObjectStore without a server', () => {
  test('a refused connection is unavailable, naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const store = new S3ObjectStore({ endpoint, region: 'us-east-1', forcePathStyle: true, ...credentials }, { maxAttempts: 1 });
    try {
      await assert.rejects(store.probe({ bucket: 'results', prefix: '' }), isErr('unavailable', 'results', endpoint, '--s3-endpoint'));
      await assert.rejects(store.put({ bucket: 'results', prefix: '' }, 'a.txt', 'a'), isErr('unavailable', endpoint));
    } finally {
      store.destroy();
    }
  });

  test('a server that never answers times out as unavailable', async () => {
    const hole = await blackHole();
    const endpoint = `http://127.0.0.1:${hole.port}`;
    const store = new S3ObjectStore({ endpoint, region: 'us-east-1', forcePathStyle: true, ...credentials }, { maxAttempts: 1, requestTimeoutMs: 300 });
    try {
      await assert.rejects(store.probe({ bucket: 'results', prefix: '' }), isErr('unavailable', endpoint));
    } finally {
      store.destroy();
      await hole.close();
    }
  });
});

describe('LocalObjectStore', () => {
  test('round-trips and probes a writable folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'opendms-local-store-'));
    try {
      const store = new LocalObjectStore(root);
      await store.probe({ bucket: 'results', prefix: 'a/b' });
      const stored = await store.put({ bucket: 'results', prefix: 'a/b' }, 'r.json', '{}', { encryption: { mode: 'SSE_S3' } });
      assert.equal(stored.key, 'a/b/r.json');
      assert.equal((await store.get({ bucket: 'results', prefix: 'a/b' }, 'r.json'))?.toString(), '{}');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('probe on an unwritable folder is access-denied', async (t) => {
    if (process.getuid?.() === 0) {
      // root passes every permission check, so chmod cannot make a folder unwritable.
      t.skip('running as root: chmod does not stop root from writing, so access-denied cannot be provoked');
      console.log('# skipped LocalObjectStore access-denied: running as root makes chmod ineffective');
      return;
    }
    const root = await mkdtemp(join(tmpdir(), 'opendms-local-store-'));
    try {
      await mkdir(join(root, 'locked'));
      await chmod(join(root, 'locked'), 0o500);
      const store = new LocalObjectStore(root);
      await assert.rejects(store.probe({ bucket: 'locked', prefix: '' }), isErr('access-denied', 'locked', '--results-dir'));
      await assert.rejects(store.put({ bucket: 'locked', prefix: 'p' }, 'a.txt', 'a'), isErr('access-denied', 'locked'));
    } finally {
      await chmod(join(root, 'locked'), 0o700).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  });
});
