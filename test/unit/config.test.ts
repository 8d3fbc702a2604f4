/** Flags and environment -> Config, with the S3 settings of the results store. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, envOnlyOptions, loadConfig, options } from '../../src/config.js';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(argv, env, '/srv');

const rejects = (fn: () => unknown, ...inMessage: string[]): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    for (const s of inMessage) assert.ok(err.message.includes(s), `'${s}' missing from: ${err.message}`);
    return true;
  });
};

describe('config: results store', () => {
  test('without an endpoint results go to the local folder and there are no S3 settings', () => {
    const c = load([]);
    assert.equal(c.resultsDir, '/srv/.opendms/s3');
    assert.equal(c.s3, undefined);
    assert.equal(load(['--results-dir', 'out']).resultsDir, '/srv/out');
  });

  test('--s3-endpoint turns S3 on with region us-east-1, path style and the default credential chain', () => {
    const c = load(['--s3-endpoint', 'http://127.0.0.1:9000/']);
    assert.deepEqual(c.s3, { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true });
  });

  test('environment variables set everything; flags win over them', () => {
    const env = {
      OPENDMS_S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      OPENDMS_S3_REGION: 'eu-west-1',
      OPENDMS_S3_PATH_STYLE: 'false',
      OPENDMS_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      OPENDMS_S3_SECRET_ACCESS_KEY: 'secret/example',
    };
    assert.deepEqual(load([], env).s3, {
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      forcePathStyle: false,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret/example',
    });
    const c = load(['--s3-endpoint=http://minio:9000', '--s3-region', 'us-west-2', '--s3-path-style', 'true'], env);
    assert.equal(c.s3?.endpoint, 'http://minio:9000');
    assert.equal(c.s3?.region, 'us-west-2');
    assert.equal(c.s3?.forcePathStyle, true);
  });

  test('the endpoint must be an http(s) URL of a host', () => {
    rejects(() => load(['--s3-endpoint', 'minio:9000']), 'http or https');
    rejects(() => load(['--s3-endpoint', 'not a url']), 'is not a URL', 'http://127.0.0.1:9000');
    rejects(() => load(['--s3-endpoint', 'ftp://host']), 'http or https');
    rejects(() => load(['--s3-endpoint', 'http://host:9000/bucket']), 'has a path');
    rejects(() => load(['--s3-endpoint', 'http://host:9000?x=1']), 'has a path or query');
  });

  test('credentials never ride in the endpoint and are not echoed', () => {
    assert.throws(
      () => load(['--s3-endpoint', 'http://key:topsecret@host:9000']),
      (err: unknown) => err instanceof ConfigError && /OPENDMS_S3_SECRET_ACCESS_KEY/.test(err.message) && !err.message.includes('topsecret'),
    );
  });

  test('credentials come in pairs, from the environment only', () => {
    rejects(() => load(['--s3-endpoint', 'http://h:1'], { OPENDMS_S3_ACCESS_KEY_ID: 'a' }), 'set both', 'only OPENDMS_S3_ACCESS_KEY_ID');
    rejects(() => load(['--s3-endpoint', 'http://h:1'], { OPENDMS_S3_SECRET_ACCESS_KEY: 's' }), 'only OPENDMS_S3_SECRET_ACCESS_KEY');
    rejects(() => load(['--s3-access-key-id', 'a']), 'unknown option --s3-access-key-id');
    rejects(() => load(['--s3-secret-access-key', 's']), 'unknown option');
    assert.ok(!options.some((o) => /KEY/.test(o.env)), 'no flag for a key');
    assert.deepEqual(envOnlyOptions.map((o) => o.env), ['OPENDMS_S3_ACCESS_KEY_ID', 'OPENDMS_S3_SECRET_ACCESS_KEY']);
  });

  test('S3 settings without an endpoint are refused rather than silently ignored', () => {
    rejects(() => load(['--s3-region', 'eu-west-1']), '--s3-region', 'without --s3-endpoint');
    rejects(() => load([], { OPENDMS_S3_PATH_STYLE: 'false' }), '--s3-path-style');
    rejects(() => load([], { OPENDMS_S3_ACCESS_KEY_ID: 'a', OPENDMS_S3_SECRET_ACCESS_KEY: 's' }), 'OPENDMS_S3_ACCESS_KEY_ID, OPENDMS_S3_SECRET_ACCESS_KEY');
  });

  test('path style and region are validated', () => {
    rejects(() => load(['--s3-endpoint', 'http://h:1', '--s3-path-style', 'yes']), 'true or false', "'yes'");
    rejects(() => load(['--s3-endpoint', 'http://h:1', '--s3-region', 'EU West']), 'region name');
  });
});
