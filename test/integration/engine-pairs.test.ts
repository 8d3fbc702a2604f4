/**
 * Full loads through the engine with the real connectors, for every engine pair:
 * PostgreSQL and MariaDB as source and target, a few tables with mixed types (keyed and not,
 * NULLs, decimals, timestamps, booleans, text). The oracle is the source itself: both sides
 * are queried and compared value by value.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EngineHarness, TestDb, includeAll, type Engine } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

const pgSource = (s: string): string => `
  CREATE TABLE ${s}.customers (id integer PRIMARY KEY, name varchar(50) NOT NULL, email varchar(100), active boolean,
    balance numeric(12,2), created timestamp(0), birthday date, notes text);
  INSERT INTO ${s}.customers SELECT g, 'name ' || g || ' é', CASE WHEN g % 5 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
    g % 2 = 0, (g * 10.25)::numeric(12,2), timestamp '2024-01-01 00:00:00' + g * interval '1 hour', date '1990-01-01' + g,
    CASE WHEN g % 7 = 0 THEN '' ELSE repeat('n', g % 50) END FROM generate_series(1, 300) g;
  CREATE TABLE ${s}.orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, amount numeric(10,2), status varchar(20), placed_at timestamp(0));
  INSERT INTO ${s}.orders SELECT g, 1 + g % 300, (g % 1000) / 4.0, CASE g % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE NULL END,
    timestamp '2024-02-01 12:00:00' + g * interval '1 minute' FROM generate_series(1, 3000) g;
  CREATE TABLE ${s}.nokey (a integer, b varchar(10));
  INSERT INTO ${s}.nokey SELECT g % 10, 'b' || g FROM generate_series(1, 50) g;
  ANALYZE;`;

const mariaSource = `
  CREATE TABLE customers (id int PRIMARY KEY, name varchar(50) NOT NULL, email varchar(100), active boolean,
    balance decimal(12,2), created datetime, birthday date, notes text);
  INSERT INTO customers SELECT seq, concat('name ', seq, ' é'), IF(seq % 5 = 0, NULL, concat('user', seq, '@example.com')), seq % 2 = 0,
    seq * 10.25, '2024-01-01 00:00:00' + INTERVAL seq HOUR, '1990-01-01' + INTERVAL seq DAY,
    IF(seq % 7 = 0, '', repeat('n', seq % 50)) FROM seq_1_to_300;
  CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount decimal(10,2), status varchar(20), placed_at datetime);
  INSERT INTO orders SELECT seq, 1 + seq % 300, (seq % 1000) / 4.0, CASE seq % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE NULL END,
    '2024-02-01 12:00:00' + INTERVAL seq MINUTE FROM seq_1_to_3000;
  CREATE TABLE nokey (a int, b varchar(10));
  INSERT INTO nokey SELECT seq % 10, concat('b', seq) FROM seq_1_to_50;
  ANALYZE TABLE customers, orders, nokey;`;

/** Booleans as 1/0 whatever the engine spells them; the rest as text. */
const norm = (rows: (string | null)[][]): (string | null)[][] =>
  rows.map((r) => r.map((v) => (v === 't' || v === 'true' ? '1' : v === 'f' || v === 'false' ? '0' : v)));

const tables: Array<{ name: string; columns: string; order: string; count: number }> = [
  { name: 'customers', columns: 'id, name, email, active, balance, created, birthday, notes', order: 'id', count: 300 },
  { name: 'orders', columns: 'id, customer_id, amount, status, placed_at', order: 'id', count: 3000 },
  { name: 'nokey', columns: 'a, b', order: 'b', count: 50 },
];

for (const [from, to] of [['postgres', 'postgres'], ['postgres', 'mariadb'], ['mariadb', 'postgres'], ['mariadb', 'mariadb']] as Array<[Engine, Engine]>) {
  describe(`full load ${from} -> ${to}`, () => {
    it('copies every table, row for row, and reports FULL_LOAD_ONLY_FINISHED', async () => {
      const source = await TestDb.create(from, 'src');
      const target = await TestDb.create(to, 'dst');
      try {
        await source.exec(from === 'postgres' ? pgSource(source.schema) : mariaSource);
        const run = harness.start({ source, target, rules: [includeAll(source.schema)], settings: { targetSchema: target.schema, maxFullLoadSubTasks: 2, commitRate: 1000 } });
        const outcome = await run.finished;
        assert.deepEqual(outcome, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, run.log());
        for (const t of tables) {
          const stats = run.reporter.last(t.name);
          assert.equal(stats?.state, 'Table completed', `${t.name}: ${stats?.detail ?? ''}`);
          assert.equal(stats?.fullLoadRows, t.count);
          const expected = norm(await source.rows(`SELECT ${t.columns} FROM ${source.q(t.name)} ORDER BY ${t.order}, 1`));
          const actual = norm(await target.rows(`SELECT ${t.columns} FROM ${target.q(t.name)} ORDER BY ${t.order}, 1`));
          assert.equal(actual.length, t.count);
          assert.deepEqual(actual, expected, `${t.name} differs`);
        }
        const p = run.reporter.lastProgress()!;
        assert.equal(p.fullLoadProgressPercent, 100);
        assert.equal(p.tablesLoaded, 3);
        assert.match(run.log(), /Full load finished: 3 tables completed, 3350 rows loaded/);
      } finally {
        await source.drop();
        await target.drop();
      }
    });
  });
}
