/** SigV4: verified signatures with a credentials file, scope from the credential, refusal paths. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationSubnetGroupCommand,
  DescribeReplicationSubnetGroupsCommand,
} from '@aws-sdk/client-database-migration-service';
import { rawCall } from '../helpers/raw.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const T = 'AmazonDMSv20160101.';

describe('SigV4 verification with a credentials file', () => {
  let server: TestServer;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opendms-creds-'));
    const file = join(dir, 'credentials.json');
    writeFileSync(
      file,
      JSON.stringify([
        { accessKeyId: 'AKIAOPENDMSTEST1', secretAccessKey: 'right-secret', accountId: '210987654321' },
        { accessKeyId: 'AKIAOPENDMSTEST2', secretAccessKey: 'other-secret', accountId: '310987654321' },
      ]),
    );
    server = await startTestServer({ args: ['--credentials-file', file] });
  });
  after(() => server.stop());

  it('accepts a correctly signed SDK request and takes the account from the credential', async () => {
    const dms = server.client({ accessKeyId: 'AKIAOPENDMSTEST1', secretAccessKey: 'right-secret', region: 'eu-west-1' });
    const out = await dms.send(
      new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'signed', ReplicationSubnetGroupDescription: 'd', SubnetIds: ['subnet-1', 'subnet-2'] }),
    );
    assert.equal(out.ReplicationSubnetGroup?.Subnets?.[0]?.SubnetAvailabilityZone?.Name, 'eu-west-1a');
    // The other account does not see it.
    const other = server.client({ accessKeyId: 'AKIAOPENDMSTEST2', secretAccessKey: 'other-secret', region: 'eu-west-1' });
    assert.deepEqual((await other.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups, []);
  });

  it('refuses a wrong secret with InvalidSignatureException (403)', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{}', { accessKeyId: 'AKIAOPENDMSTEST1', secretAccessKey: 'wrong' });
    assert.equal(r.status, 403);
    assert.equal(r.body.__type, 'InvalidSignatureException');
    assert.match(String(r.body.message), /signature we calculated does not match/);
  });

  it('refuses an unknown access key with UnrecognizedClientException (403)', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{}', { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' });
    assert.equal(r.status, 403);
    assert.equal(r.body.__type, 'UnrecognizedClientException');
  });

  it('refuses a body changed after signing', async () => {
    // The signer trusts a given x-amz-content-sha256, so declaring the hash of '{}' while
    // sending another body is a body changed after signing.
    const tampered = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{"MaxRecords": 20}', {
      accessKeyId: 'AKIAOPENDMSTEST1',
      secretAccessKey: 'right-secret',
      headers: { 'x-amz-content-sha256': '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' },
    });
    assert.equal(tampered.status, 403);
    assert.equal(tampered.body.__type, 'InvalidSignatureException');
  });

  it('refuses a signature for another service', async () => {
    const r = await rawCall(server.url, `${T}DescribeReplicationSubnetGroups`, '{}', {
      accessKeyId: 'AKIAOPENDMSTEST1',
      secretAccessKey: 'right-secret',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAOPENDMSTEST1/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64) },
      sign: false,
    });
    assert.equal(r.status, 403);
    assert.match(String(r.body.message), /signed for 'dms'/);
  });
});
