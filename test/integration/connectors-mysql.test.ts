/**
 * The MySQL-family connector against the real local MariaDB (127.0.0.1:3306, root with an
 * empty password, SSL off: see scripts/services/setup.sh).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createConnectors } from '../../src/connectors/registry.js';
import { MysqlConnector } from '../../src/connectors/mysql/mysql-connector.js';
import type { ConnectionParams } from '../../src/connectors/spi/index.js';
import { mariaExec, uniqueSuffix } from '../helpers/databases.js';
import { blackHole } from '../helpers/network.js';
import { rejectsWith } from '../helpers/connector-errors.js';

const suffix = uniqueSuffix();
const db = `opendms_it_my_${suffix}`;
const db2 = `opendms_it_my2_${suffix}`;
const user = `opendms_pw_${suffix}`;
const password = `Pw-${suffix}`;
const caPem = readFileSync('/etc/opendms-test/ca.pem', 'utf8');

const connector = new MysqlConnector();
const base: ConnectionParams = { engineName: 'mariadb', host: '127.0.0.1', port: 3306, database: db, username: 'root', password: '', ssl: { mode: 'none' } };
const signal = (): AbortSignal => new AbortController().signal;



describe('MySQL/MariaDB connector', () => {
  before(async () => {
    await mariaExec([
      `CREATE DATABASE ${db}`,
      `CREATE DATABASE ${db2}`,
      `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`,
      `GRANT SELECT ON ${db}.* TO '${user}'@'%'`,
    ]);
  });
  after(async () => {
    await mariaExec([`DROP DATABASE IF EXISTS ${db}`, `DROP DATABASE IF EXISTS ${db2}`, `DROP USER IF EXISTS '${user}'@'%'`]);
  });

  it('serves MySQL, MariaDB, Aurora MySQL and Cloud SQL for MySQL', () => {
    const connectors = createConnectors();
    for (const e of ['mysql', 'mariadb', 'aurora', 'aurora-serverless', 'gcp-mysql']) assert.ok(connectors.forEngine(e) instanceof MysqlConnector, e);
  });

  it('connects as root and as a password user, with or without a database', async () => {
    await connector.testConnection(base, signal());
    await connector.testConnection({ ...base, username: user, password }, signal());
    const { database: _omitted, ...noDb } = base;
    await connector.testConnection({ ...noDb, engineName: 'mysql' }, signal());
  });

  it('wrong password: auth, says to check Username and Password', async () => {
    const e = await rejectsWith(connector.testConnection({ ...base, username: user, password: 'wrong' }, signal()), 'auth', /MariaDB at 127\.0\.0\.1:3306.*Access denied/, /Username and Password/);
    assert.doesNotMatch(e.message + e.hint, /wrong/);
  });

  it('wrong port: network, says to check ServerName and Port', async () => {
    const hole = await blackHole();
    await hole.close();
    await rejectsWith(connector.testConnection({ ...base, port: hole.port }, signal()), 'network', /refused/, /ServerName and Port/);
  });

  it('unknown database: database-missing, says to check DatabaseName', async () => {
    await rejectsWith(connector.testConnection({ ...base, database: `${db}_missing` }, signal()), 'database-missing', /Unknown database/, /DatabaseName/);
  });

  it('a database the user may not use: auth, says what to grant', async () => {
    await rejectsWith(connector.testConnection({ ...base, database: db2, username: user, password }, signal()), 'auth', /Access denied/, /Grant/);
  });

  it('a server that never answers: timeout; abort: the caller’s reason at once', async () => {
    const hole = await blackHole();
    try {
      await rejectsWith(connector.testConnection({ ...base, port: hole.port, connectTimeoutMs: 400 }, signal()), 'timeout', /timed out|did not answer/, /ServerName and Port/);
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

  it('SslMode require against a server without SSL fails saying the server does not support SSL', async () => {
    await rejectsWith(connector.testConnection({ ...base, ssl: { mode: 'require' } }, signal()), 'tls', /does not support SSL/, /SslMode/);
    await rejectsWith(connector.testConnection({ ...base, ssl: { mode: 'verify-ca', caPem } }, signal()), 'tls', /does not support SSL/);
    await rejectsWith(connector.testConnection({ ...base, ssl: { mode: 'verify-full' } }, signal()), 'tls', /needs a CA certificate/, /CertificateArn/);
  });

  it('lists the databases, system ones left out', async () => {
    const all = await connector.listSchemas(base, signal());
    assert.ok(all.includes(db) && all.includes(db2), all.join(','));
    for (const sys of ['information_schema', 'performance_schema', 'mysql', 'sys']) assert.ok(!all.includes(sys), sys);
    assert.deepEqual([...all].sort(), all);
    // A user sees only what it was granted.
    assert.deepEqual(await connector.listSchemas({ ...base, username: user, password }, signal()), [db]);
  });
});
