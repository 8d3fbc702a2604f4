/**
 * The full-load issue's "done means", with the Debian AWS CLI, for every pair of engines:
 * a task whose mapping renames a schema and a table, drops a column, excludes a table and
 * filters rows; started, waited for `stopped`; the target holds exactly the expected rows,
 * equal column by column, and DescribeTableStatistics and the task log say the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aws, awsCliMissing } from '../helpers/aws-cli.js';
import { mariaDropDatabase, mariaQuery, pgCreateDatabase, pgDropDatabase, pgQuery } from '../helpers/databases.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';

type Engine = 'postgres' | 'mariadb';
const uid = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;

/** Source rows: customers (with a column the mapping drops), orders (filtered), audit_log (excluded). */
const customers = [
  [1, 'Ada Lovelace', 'ada@example.com', 'secret-1', '12.50', true],
  [2, 'Grace Hopper', null, 'secret-2', '0.00', false],
  [3, 'Émile Zola 🚀', '', null, '99999999.99', true],
] as const;
const orders = [
  [10, 1, 'paid', '2024-01-02 03:04:05'],
  [11, 1, 'new', '2024-02-03 04:05:06'],
  [12, 2, 'paid', '2024-03-04 05:06:07'],
  [13, 3, 'cancelled', '2024-04-05 06:07:08'],
] as const;

interface Side {
  readonly engine: Engine;
  /** PostgreSQL: a database holding schema `shop`; MariaDB: the database `shop_<uid>` itself. */
  readonly database: string;
  readonly schema: string;
}

function sourceSide(engine: Engine, n: number): Side {
  return engine === 'postgres' ? { engine, database: `odms_fl_src${n}_${uid}`, schema: 'shop' } : { engine, database: `odms_fl_src${n}_${uid}`, schema: `odms_fl_src${n}_${uid}` };
}
function targetSide(engine: Engine, n: number): Side {
  return engine === 'postgres' ? { engine, database: `odms_fl_tgt${n}_${uid}`, schema: 'sales' } : { engine, database: `odms_fl_tgt${n}_${uid}`, schema: `odms_fl_tgt${n}_${uid}` };
}

/** MariaDB as the test's set-up writes it: several statements at once, dates read as strings. */
const myExec = (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => mariaQuery(sql, params, { dateStrings: true, multipleStatements: true });

async function createSource(s: Side): Promise<void> {
  if (s.engine === 'postgres') {
    await pgCreateDatabase(s.database);
    await pgQuery(
      s.database,
      `CREATE SCHEMA shop;
       CREATE TABLE shop.customers (id integer PRIMARY KEY, name varchar(100) NOT NULL, email varchar(200), secret text, balance numeric(10,2), active boolean);
       CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, status varchar(16) NOT NULL, placed_at timestamp NOT NULL);
       CREATE TABLE shop.audit_log (id serial PRIMARY KEY, note text);
       INSERT INTO shop.audit_log (note) VALUES ('must not be copied');`,
    );
    for (const r of customers) await pgQuery(s.database, 'INSERT INTO shop.customers VALUES ($1, $2, $3, $4, $5, $6)', [...r]);
    for (const r of orders) await pgQuery(s.database, 'INSERT INTO shop.orders VALUES ($1, $2, $3, $4)', [...r]);
  } else {
    await myExec(
      `CREATE DATABASE ${s.database} CHARACTER SET utf8mb4; USE ${s.database};
       CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL, email varchar(200), secret text, balance decimal(10,2), active tinyint(1));
       CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status varchar(16) NOT NULL, placed_at datetime NOT NULL);
       CREATE TABLE audit_log (id int AUTO_INCREMENT PRIMARY KEY, note text);
       INSERT INTO audit_log (note) VALUES ('must not be copied');`,
    );
    for (const r of customers) await myExec(`INSERT INTO ${s.database}.customers VALUES (?, ?, ?, ?, ?, ?)`, [...r]);
    for (const r of orders) await myExec(`INSERT INTO ${s.database}.orders VALUES (?, ?, ?, ?)`, [...r]);
  }
}

async function createTargetDatabase(t: Side): Promise<void> {
  // The task creates the schema (PostgreSQL) or database (MariaDB) it renames into.
  if (t.engine === 'postgres') await pgCreateDatabase(t.database);
}

async function dropSide(s: Side): Promise<void> {
  if (s.engine === 'postgres') await pgDropDatabase(s.database).catch(() => undefined);
  else await mariaDropDatabase(s.database).catch(() => undefined);
}

/** Target rows as comparable strings: booleans as true/false, numbers as text, NULL as null. */
async function targetRows(t: Side, table: string, columns: string): Promise<string[][]> {
  const rows =
    t.engine === 'postgres'
      ? await pgQuery(t.database, `SELECT ${columns} FROM "${t.schema}"."${table}" ORDER BY 1`)
      : await myExec(`SELECT ${columns} FROM \`${t.schema}\`.\`${table}\` ORDER BY 1`);
  return rows.map((r) => Object.values(r).map((v) => (v === null ? 'null' : v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? String(v) : String(v))));
}

async function tableNames(t: Side): Promise<string[]> {
  const rows =
    t.engine === 'postgres'
      ? await pgQuery(t.database, `SELECT table_name AS n FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [t.schema])
      : await myExec(`SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1`, [t.schema]);
  return rows.map((r) => r.n as string);
}

function endpointArgs(id: string, type: 'source' | 'target', s: Side): string[] {
  const common = ['--endpoint-identifier', id, '--endpoint-type', type, '--engine-name', s.engine, '--server-name', '127.0.0.1'];
  return s.engine === 'postgres'
    ? [...common, '--port', '5432', '--username', 'postgres', '--password', 'unused', '--database-name', s.database]
    : [...common, '--port', '3306', '--username', 'root', ...(type === 'source' ? ['--database-name', s.database] : [])];
}

describe('full load with the AWS CLI, every pair of engines', { skip: awsCliMissing }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opendms-fl-cli-'));
  const pairs: [Engine, Engine][] = [
    ['postgres', 'postgres'],
    ['postgres', 'mariadb'],
    ['mariadb', 'postgres'],
    ['mariadb', 'mariadb'],
  ];
  const sides: Side[] = [];
  let server: ServerProcess;
  let instanceArn: string;

  before(async () => {
    server = await spawnServer(dataDir, ['--provisioning-delay-ms', '100']);
    const ri = (await aws(server.url, ['create-replication-instance', '--replication-instance-identifier', 'fl-ri', '--replication-instance-class', 'dms.t3.medium'])).ReplicationInstance;
    instanceArn = ri.ReplicationInstanceArn;
    await aws(server.url, ['wait', 'replication-instance-available', '--filters', 'Name=replication-instance-id,Values=fl-ri']);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    for (const s of sides) await dropSide(s);
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [i, [from, to]] of pairs.entries()) {
    it(`${from} -> ${to}: renames, a dropped column, an excluded table and a row filter`, async () => {
      const src = sourceSide(from, i);
      const tgt = targetSide(to, i);
      sides.push(src, tgt);
      await createSource(src);
      await createTargetDatabase(tgt);
      const url = server.url;
      const s = (await aws(url, ['create-endpoint', ...endpointArgs(`fl-src-${i}`, 'source', src)])).Endpoint;
      const t = (await aws(url, ['create-endpoint', ...endpointArgs(`fl-tgt-${i}`, 'target', tgt)])).Endpoint;
      const mappings = {
        rules: [
          { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'schema-name': src.schema, 'table-name': '%' }, 'rule-action': 'include' },
          { 'rule-type': 'selection', 'rule-id': '2', 'rule-name': 'no-audit', 'object-locator': { 'schema-name': src.schema, 'table-name': 'audit_log' }, 'rule-action': 'exclude' },
          {
            'rule-type': 'selection', 'rule-id': '3', 'rule-name': 'paid-orders', 'object-locator': { 'schema-name': src.schema, 'table-name': 'orders' }, 'rule-action': 'include',
            filters: [{ 'filter-type': 'source', 'column-name': 'status', 'filter-conditions': [{ 'filter-operator': 'eq', value: 'paid' }] }],
          },
          { 'rule-type': 'transformation', 'rule-id': '4', 'rule-name': 'schema', 'rule-target': 'schema', 'object-locator': { 'schema-name': src.schema }, 'rule-action': 'rename', value: tgt.schema },
          { 'rule-type': 'transformation', 'rule-id': '5', 'rule-name': 'table', 'rule-target': 'table', 'object-locator': { 'schema-name': src.schema, 'table-name': 'customers' }, 'rule-action': 'rename', value: 'clients' },
          { 'rule-type': 'transformation', 'rule-id': '6', 'rule-name': 'drop-secret', 'rule-target': 'column', 'object-locator': { 'schema-name': src.schema, 'table-name': 'customers', 'column-name': 'secret' }, 'rule-action': 'remove-column' },
        ],
      };
      const file = join(dataDir, `mappings-${i}.json`);
      writeFileSync(file, JSON.stringify(mappings));
      const settings = join(dataDir, `settings-${i}.json`);
      writeFileSync(settings, JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: 'DROP_AND_CREATE' }, Logging: { EnableLogging: true } }));
      const task = (
        await aws(url, [
          'create-replication-task', '--replication-task-identifier', `fl-task-${i}`, '--source-endpoint-arn', s.EndpointArn, '--target-endpoint-arn', t.EndpointArn,
          '--replication-instance-arn', instanceArn, '--migration-type', 'full-load', '--table-mappings', `file://${file}`, '--replication-task-settings', `file://${settings}`,
        ])
      ).ReplicationTask;
      const byArn = ['--filters', `Name=replication-task-arn,Values=${task.ReplicationTaskArn}`];
      await aws(url, ['wait', 'replication-task-ready', ...byArn]);
      const started = (await aws(url, ['start-replication-task', '--replication-task-arn', task.ReplicationTaskArn, '--start-replication-task-type', 'start-replication'])).ReplicationTask;
      assert.equal(started.Status, 'starting');
      await aws(url, ['wait', 'replication-task-stopped', ...byArn]);
      const done = (await aws(url, ['describe-replication-tasks', ...byArn])).ReplicationTasks[0];
      assert.equal(done.Status, 'stopped');
      assert.equal(done.StopReason, 'Stop Reason FULL_LOAD_ONLY_FINISHED');
      assert.equal(done.ReplicationTaskStats.FullLoadProgressPercent, 100);
      assert.equal(done.ReplicationTaskStats.TablesLoaded, 2);

      // Exactly the expected tables and rows, column by column.
      assert.deepEqual(await tableNames(tgt), ['clients', 'orders']);
      const bool = (b: boolean): string => (to === 'postgres' ? String(b) : b ? '1' : '0');
      assert.deepEqual(
        await targetRows(tgt, 'clients', 'id, name, email, balance, active'),
        customers.map(([id, name, email, , balance, active]) => [String(id), name, email === null ? 'null' : email, balance, bool(active)]),
      );
      const cols = to === 'postgres' ? await pgQuery(tgt.database, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'sales' AND table_name = 'clients'`) : await myExec(`SELECT COLUMN_NAME AS column_name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'clients'`, [tgt.schema]);
      assert.equal(cols.some((c) => c.column_name === 'secret'), false, 'the removed column must not exist on the target');
      const placed = to === 'postgres' ? "to_char(placed_at, 'YYYY-MM-DD HH24:MI:SS')" : "DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:%s')";
      assert.deepEqual(
        await targetRows(tgt, 'orders', `id, customer_id, status, ${placed}`),
        orders.filter((o) => o[2] === 'paid').map((o) => o.map(String)),
      );

      // The statistics and the log say the same.
      const stats = (await aws(url, ['describe-table-statistics', '--replication-task-arn', task.ReplicationTaskArn])).TableStatistics as any[];
      const byTable = Object.fromEntries(stats.map((st) => [`${st.SchemaName}.${st.TableName}`, st]));
      assert.equal(byTable[`${src.schema}.customers`]?.FullLoadRows ?? byTable[`${tgt.schema}.clients`]?.FullLoadRows, 3);
      assert.equal(byTable[`${src.schema}.orders`]?.FullLoadRows ?? byTable[`${tgt.schema}.orders`]?.FullLoadRows, 2);
      assert.ok(stats.every((st) => st.TableState === 'Table completed'), JSON.stringify(stats));
      assert.equal(stats.length, 2);
      const log = await fetch(`${url}/tasks/fl-task-${i}/log`).then((r) => r.text());
      assert.match(log, /customers[\s\S]*3 rows|3 rows[\s\S]*customers/i, log.slice(-3000));
      assert.match(log, /orders[\s\S]*2 rows|2 rows[\s\S]*orders/i);
    });
  }
});
