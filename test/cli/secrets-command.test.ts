/**
 * `opendms secrets put|list|delete` as a real process against a temporary data folder: values
 * are stored and resolvable (by name and by Secrets Manager ARN), never printed back, and bad
 * input gets a clear error that does not quote the value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/common/clock.js';
import { createRepositories } from '../../src/control/repositories.js';
import { SecretStore } from '../../src/control/secrets/secret-store.js';
import { Store } from '../../src/store/store.js';

const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));

describe('opendms secrets', () => {
  let dataDir: string;
  const password = `S3cr3t-${Math.random().toString(36).slice(2)}`;
  const outputs: string[] = [];

  /** Runs the command; every byte it prints is kept, to check that no value ever appears. */
  const run = (args: string[], input = '') => {
    const r = spawnSync(process.execPath, [bin, 'secrets', ...args], { input, encoding: 'utf8', env: { ...process.env, OPENDMS_DATA_DIR: dataDir } });
    outputs.push(r.stdout, r.stderr);
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  /** The stored value, read the way the server reads it. */
  const stored = (id: string) => {
    const store = new Store(dataDir);
    try {
      return new SecretStore(store, createRepositories(store).secrets, systemClock).get(id)?.value;
    } finally {
      store.close();
    }
  };

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'opendms-secrets-'));
  });
  after(() => {
    for (const o of outputs) assert.ok(!o.includes(password), `a command printed the secret value: ${o}`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('puts with --value, --value-file and --password-stdin, lists names and times only, and deletes', () => {
    const t0 = Date.now();
    let r = run(['put', 'prod/app-db', '--value', JSON.stringify({ username: 'app', password, host: 'db.internal', port: '5433', dbname: 'app', engine: 'postgres' })]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Secret prod\/app-db created\.\n$/);
    assert.deepEqual(stored('prod/app-db'), { username: 'app', password, host: 'db.internal', port: 5433, dbname: 'app' });

    const file = join(dataDir, 'value.json');
    writeFileSync(file, JSON.stringify({ username: 'reporting', password: `${password}-2` }));
    r = run(['put', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:reporting-a1B2c3', '--value-file', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Secret reporting created/, 'the name is the ARN without the Secrets Manager suffix');
    assert.equal(stored('reporting')?.username, 'reporting');
    assert.equal(stored('arn:aws:secretsmanager:us-east-1:999999999999:secret:reporting-ZZZZZZ')?.password, `${password}-2`, 'any ARN of the name resolves');

    r = run(['put', 'prod/app-db', '--username', 'app2', '--password-stdin', '--host', 'h2', '--port', '6543'], `${password}\n`);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Secret prod\/app-db replaced/);
    assert.deepEqual(stored('prod/app-db'), { username: 'app2', password, host: 'h2', port: 6543 });

    r = run(['list']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines.map((l) => l[0]), ['prod/app-db', 'reporting']);
    for (const [, when] of lines) {
      const ms = Date.parse(when!);
      assert.ok(ms >= t0 - 1000 && ms <= Date.now() + 1000, `change time ${when}`);
    }

    r = run(['delete', 'reporting']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Secret reporting deleted/);
    assert.equal(stored('reporting'), undefined);
    r = run(['delete', 'reporting']);
    assert.equal(r.code, 1);
    assert.match(r.err, /there is no secret reporting/);
    assert.deepEqual(run(['list']).out.trim().split('\n').map((l) => l.split('\t')[0]), ['prod/app-db']);
  });

  it('refuses bad values and usage without echoing the value', () => {
    let r = run(['put', 'x', '--value', `{"username": "u", "password": "${password}"`]);
    assert.equal(r.code, 1);
    assert.match(r.err, /The secret value is not valid JSON/);
    r = run(['put', 'x', '--value', JSON.stringify({ user: 'u', password })]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no "username" string/);
    r = run(['put', 'x', '--value', JSON.stringify({ username: 'u', password, port: 99999 })]);
    assert.match(r.err, /"port" must be a TCP port number/);
    r = run(['put', 'x', '--username', 'u', `--password=${password}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option --password\b/);
    r = run(['put', 'x', '--username', 'u']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--username needs --password-stdin/);
    r = run(['put', 'x', '--value', JSON.stringify({ username: 'u', password }), '--value-file', 'f']);
    assert.equal(r.code, 2);
    assert.match(r.err, /exactly one of --value, --value-file/);
    r = run(['put', 'bad name!', '--value', JSON.stringify({ username: 'u', password })]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Secret id 'bad name!' is not valid/);
    r = run(['put', 'x', '--value-file', join(dataDir, 'missing.json')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot read --value-file .*ENOENT/);
    r = run(['list', '--data-dir', join(dataDir, 'elsewhere')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no OpenDMS data folder at .*elsewhere/);
    r = run(['rotate', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown action 'rotate'/);
    assert.equal(stored('x'), undefined, 'nothing was stored by a refused put');
  });
});
