/**
 * Assessment runs with an S3-compatible server as the result location (s3rver in a child
 * process): the result files arrive through real PutObject calls with the run's encryption
 * headers, and a bucket that does not exist is S3ResourceNotFoundFault at start. Skipped, with
 * the reason printed, while app.ts builds the local store whatever --s3-endpoint says.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTaskAssessmentRunsCommand,
  S3ResourceNotFoundFault,
  StartReplicationTaskAssessmentRunCommand,
  type ReplicationTaskAssessmentRun,
} from '@aws-sdk/client-database-migration-service';
import { startApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig } from '../../src/config.js';
import { LocalObjectStore } from '../../src/storage/object-store.js';
import { pgCreateDatabase, pgDropDatabase, pgExec } from '../helpers/databases.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { uniqueName } from '../helpers/server.js';
import { createEndpoint, createInstance, createTask, sleep, suffix, untilStatus } from './replication-tasks.fixtures.js';

const sfx = suffix();
const db = `opendms_arun_s3_${sfx}`;
const bucket = 'dms-results';
const kmsKey = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let s3: S3rverHandle;
let app: App;
let dms: DatabaseMigrationServiceClient;
let dataDir: string;
let taskArn: string;

async function runEnded(arn: string): Promise<ReplicationTaskAssessmentRun> {
  for (let i = 0; ; i++) {
    const out = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [arn] }] }));
    const r = out.ReplicationTaskAssessmentRuns![0]!;
    if (!['starting', 'provisioning', 'running', 'cancelling'].includes(r.Status!)) return r;
    if (i > 600) throw new Error(`run ${arn} is still ${r.Status}`);
    await sleep(50);
  }
}

before(async () => {
  await pgCreateDatabase(db);
  await pgExec('CREATE TABLE items (id integer PRIMARY KEY, body text)', db);
  s3 = await startS3rver([bucket]);
  dataDir = mkdtempSync(join(tmpdir(), 'opendms-arun-s3-'));
  const config = loadConfig(['--port', '0', '--data-dir', dataDir, '--provisioning-delay-ms', '200', '--s3-endpoint', s3.endpoint], {
    OPENDMS_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    OPENDMS_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  });
  app = await startApp(config, { log: createLogger('silent') });
  // --s3-endpoint must reach the server's object store (app.ts), not leave the local folder in place.
  assert.ok(!(app.objectStore instanceof LocalObjectStore), 'with --s3-endpoint the server writes results to S3, not to the local results folder');
  dms = new DatabaseMigrationServiceClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' }, maxAttempts: 1 });
  const instance = await createInstance(dms);
  const source = await createEndpoint(dms, { EndpointType: 'source', DatabaseName: db });
  const target = await createEndpoint(dms, { EndpointType: 'target', DatabaseName: db });
  taskArn = (await createTask(dms, { instanceArn: instance.arn, sourceArn: source.arn, targetArn: target.arn })).ReplicationTaskArn!;
  await untilStatus(dms, taskArn, ['ready']);
});

after(async () => {
  dms?.destroy();
  await app?.stop();
  await s3?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await pgDropDatabase(db);
});

describe('assessment runs with an S3-compatible result location', () => {
  it('writes the result files with PutObject and the run encryption (SSE_KMS and its key)', async () => {
    const name = uniqueName('s3-run');
    const started = (
      await dms.send(
        new StartReplicationTaskAssessmentRunCommand({
          ReplicationTaskArn: taskArn,
          ServiceAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-assessments',
          ResultLocationBucket: bucket,
          ResultLocationFolder: 'premigration',
          AssessmentRunName: name,
          ResultEncryptionMode: 'SSE_KMS',
          ResultKmsKeyArn: kmsKey,
          IncludeOnly: ['unsupported-data-types-in-source'],
        }),
      )
    ).ReplicationTaskAssessmentRun!;
    const done = await runEnded(started.ReplicationTaskAssessmentRunArn!);
    assert.ok(['passed', 'warning', 'failed'].includes(done.Status!), `${done.Status}: ${done.LastFailureMessage}`);
    const location = { bucket, prefix: `premigration/${name}` };
    for (const file of ['summary.json', 'report.md', 'unsupported-data-types-in-source.json']) {
      assert.ok(await app.objectStore.get(location, file), `${file} is in the bucket`);
      const headers = await s3.putHeaders(`/${bucket}/premigration/${encodeURIComponent(name)}/${file}`);
      assert.ok(headers, `a PUT of ${file} was seen`);
      assert.equal(headers['x-amz-server-side-encryption'], 'aws:kms');
      assert.equal(headers['x-amz-server-side-encryption-aws-kms-key-id'], kmsKey);
    }
    const summary = JSON.parse((await app.objectStore.get(location, 'summary.json'))!.toString('utf8'));
    assert.equal(summary['assessment-run-arn'], done.ReplicationTaskAssessmentRunArn);
  });

  it('answers S3ResourceNotFoundFault for a bucket that does not exist', async () => {
    await assert.rejects(
      dms.send(
        new StartReplicationTaskAssessmentRunCommand({
          ReplicationTaskArn: taskArn,
          ServiceAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-assessments',
          ResultLocationBucket: 'no-such-bucket',
          AssessmentRunName: uniqueName('missing-bucket'),
        }),
      ),
      (err) => err instanceof S3ResourceNotFoundFault && /no-such-bucket/.test((err as Error).message),
    );
  });
});
