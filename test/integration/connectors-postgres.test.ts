/**
 * The PostgreSQL connector against the real local server (127.0.0.1:5432, see
 * scripts/services/setup.sh: trust for postgres, scram-sha-256 for members of
 * opendms_password_auth, ssl on with the test CA in /etc/opendms-test).
 */
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { createConnectors } from '../../src/connectors/registry.js';
import { PostgresConnector } from '../../src/connectors/postgres/postgres-connector.js';
import { openPostgresSession } from '../../src/connectors/postgres/postgres-session.js';
import type { ConnectionParams } from '../../src/connectors/spi/index.js';
import { pgCreateDatabase, pgDropDatabase, pgExec, uniqueSuffix } from '../helpers/databases.js';
import { blackHole } from '../helpers/network.js';
import { rejectsWith } from '../helpers/connector-errors.js';

const suffix = uniqueSuffix();
const db = `opendms_it_pg_${suffix}`;
const role = `opendms_pw_${suffix}`;
const password = `Pw-${suffix}`;
const caPem = readFileSync('/etc/opendms-test/ca.pem', 'utf8');
const otherCaPem = readFileSync('/etc/opendms-test/other-ca.pem', 'utf8');

const connector = new PostgresConnector();
const base: ConnectionParams = { engineName: 'postgres', host: '127.0.0.1', port: 5432, database: db, username: 'postgres', ssl: { mode: 'none' } };
const signal = (): AbortSignal => new AbortController().signal;



async function freePort(): Promise<number> {
  const hole = await blackHole();
  await hole.close();
  return hole.port;
}

describe('PostgreSQL connector', () => {
  before(async () => {
    await pgCreateDatabase(db);
    await pgExec(`CREATE SCHEMA sales; CREATE SCHEMA hr; CREATE TEMP TABLE t(x int)`, db);
    await pgExec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE opendms_password_auth`);
  });
  after(async () => {
    await pgDropDatabase(db);
    await pgExec(`DROP ROLE IF EXISTS ${role}`);
  });

  it('is the connector of the PostgreSQL engines', () => {
    const connectors = createConnectors();
    for (const e of ['postgres', 'aurora-postgresql', 'aurora-postgresql-serverless']) assert.ok(connectors.forEngine(e) instanceof PostgresConnector, e);
    assert.equal(connectors.forEngine('oracle'), undefined);
  });

  it('connects (trust and password users)', async () => {
    await connector.testConnection(base, signal());
    await connector.testConnection({ ...base, username: role, password }, signal());
  });

  it('wrong password: auth, says to check Username and Password', async () => {
    const e = await rejectsWith(connector.testConnection({ ...base, username: role, password: 'wrong' }, signal()), 'auth', /password authentication failed/, /Username and Password/);
    assert.doesNotMatch(e.message + e.hint, /wrong/, 'the password is never in the message');
  });

  it('unknown role: auth', async () => {
    await rejectsWith(connector.testConnection({ ...base, username: `nobody_${suffix}` }, signal()), 'auth', /role .* does not exist/, /Username/);
  });

  it('wrong port: network, says to check ServerName and Port', async () => {
    const port = await freePort();
    await rejectsWith(connector.testConnection({ ...base, port }, signal()), 'network', /refused/, /ServerName and Port/);
  });

  it('unknown database: database-missing, says to check DatabaseName', async () => {
    await rejectsWith(connector.testConnection({ ...base, database: `${db}_missing` }, signal()), 'database-missing', /does not exist/, /DatabaseName/);
  });

  it('a server that never answers: timeout after the connect timeout', async () => {
    const hole = await blackHole();
    try {
      const t0 = Date.now();
      await rejectsWith(connector.testConnection({ ...base, port: hole.port, connectTimeoutMs: 400 }, signal()), 'timeout', /in time|did not answer/, /ServerName and Port/);
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      await hole.close();
    }
  });

  it('abort stops a hanging attempt at once with the caller’s reason', async () => {
    const hole = await blackHole();
    try {
      const ac = new AbortController();
      const reason = new Error('stop now');
      setTimeout(() => ac.abort(reason), 100);
      const t0 = Date.now();
      await assert.rejects(connector.testConnection({ ...base, port: hole.port }, ac.signal), (e) => e === reason);
      assert.ok(Date.now() - t0 < 2_000);
    } finally {
      await hole.close();
    }
  });

  describe('SslMode', () => {
    it('require encrypts without verifying', async () => {
      await connector.testConnection({ ...base, ssl: { mode: 'require' } }, signal());
      const s = await openPostgresSession({ ...base, ssl: { mode: 'require' } }, signal());
      try {
        const r = await s.client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
        assert.equal(r.rows[0]?.ssl, true);
      } finally {
        await s.close();
      }
    });

    it('verify-ca with the CA that signed the server certificate succeeds', async () => {
      await connector.testConnection({ ...base, ssl: { mode: 'verify-ca', caPem } }, signal());
    });

    it('verify-ca with an unrelated CA fails with a message about the certificate', async () => {
      await rejectsWith(connector.testConnection({ ...base, ssl: { mode: 'verify-ca', caPem: otherCaPem } }, signal()), 'tls', /could not be verified/, /CertificateArn/);
    });

    it('verify-ca and verify-full without a certificate fail before connecting', async () => {
      for (const mode of ['verify-ca', 'verify-full'] as const) {
        await rejectsWith(connector.testConnection({ ...base, ssl: { mode } }, signal()), 'tls', new RegExp(`SslMode ${mode} needs a CA certificate`), /CertificateArn/);
      }
    });

    it('verify-full checks the host name as well', async () => {
      await connector.testConnection({ ...base, host: 'localhost', ssl: { mode: 'verify-full', caPem } }, signal());
      await connector.testConnection({ ...base, host: '127.0.0.1', ssl: { mode: 'verify-full', caPem } }, signal());
    });

    it('verify-full refuses a host name the certificate does not list (verify-ca accepts it)', async (t) => {
      // The machine's own name usually resolves to a loopback address but is not in the
      // test certificate (localhost, 127.0.0.1).
      const name = hostname();
      const addr = await lookup(name, { family: 4 }).catch(() => undefined);
      if (!addr || addr.address !== '127.0.0.1' || name === 'localhost') return t.skip(`${name} does not resolve to 127.0.0.1`);
      await connector.testConnection({ ...base, host: name, ssl: { mode: 'verify-ca', caPem } }, signal());
      await rejectsWith(connector.testConnection({ ...base, host: name, ssl: { mode: 'verify-full', caPem } }, signal()), 'tls', /does not name this host/, /ServerName/);
    });
  });

  it('lists the schemas of the database, system schemas left out', async () => {
    const schemas = await connector.listSchemas(base, signal());
    assert.deepEqual(schemas, ['hr', 'public', 'sales']);
    const asUser = await connector.listSchemas({ ...base, username: role, password, ssl: { mode: 'require' } }, signal());
    assert.deepEqual(asUser, ['hr', 'public', 'sales']);
    await rejectsWith(connector.listSchemas({ ...base, username: role, password: 'nope' }, signal()), 'auth', /password authentication failed/);
  });
});
