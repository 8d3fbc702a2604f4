/**
 * When a PostgreSQL target gets its primary key: after the load when the source key makes
 * that safe (faster: one index build), with the table when a rule defines or changes the key,
 * and — after a run stopped before adding it — when resume-processing loads the table again.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

async function withDbs(work: (s: TestDb, t: TestDb) => Promise<void>): Promise<void> {
  const s = await TestDb.create('postgres', 'ks');
  const t = await TestDb.create('postgres', 'kt');
  try {
    await work(s, t);
  } finally {
    await s.drop();
    await t.drop();
  }
}

const primaryKeyOf = async (db: TestDb, table: string): Promise<string[]> =>
  (
    await db.rows(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = '${db.schema}.${table}'::regclass AND i.indisprimary ORDER BY a.attnum`)
  ).map((r) => String(r[0]));

describe('primary key timing on a PostgreSQL target', () => {
  it('builds the source key after the load by default, and keeps a defined key with the table', async () => {
    await withDbs(async (src, dst) => {
      await src.exec(`CREATE TABLE ${src.schema}.orders (id integer PRIMARY KEY, v text);
        INSERT INTO ${src.schema}.orders SELECT g, 'v' || g FROM generate_series(1, 500) g;
        CREATE TABLE ${src.schema}.lines (order_id integer, n integer, qty integer NOT NULL, PRIMARY KEY (order_id, n));
        INSERT INTO ${src.schema}.lines SELECT g / 10, g % 10, g FROM generate_series(10, 499) g;`);
      const run = harness.start({
        source: src,
        target: dst,
        settings: { targetSchema: dst.schema },
        rules: [
          includeAll(src.schema),
          {
            'rule-id': '2', 'rule-name': '2', 'rule-type': 'transformation', 'rule-target': 'table', 'rule-action': 'define-primary-key',
            'object-locator': { 'schema-name': src.schema, 'table-name': 'lines' },
            'primary-key-def': { name: 'lines_by_qty', columns: ['qty'] },
          },
        ],
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.deepEqual(await primaryKeyOf(dst, 'orders'), ['id']);
      assert.deepEqual(await primaryKeyOf(dst, 'lines'), ['qty']);
      assert.match(run.log(), /"orders" created \(primary key after the load\)/);
      assert.match(run.log(), /Primary key \(id\) added to .*"orders" after the load \(built once instead of row by row/);
      assert.match(run.log(), /"lines" created \(TargetTablePrepMode/, 'a define-primary-key key is created with the table');
      assert.deepEqual(await dst.rows(`SELECT count(*) FROM ${dst.q('orders')}`), [['500']]);
    });
  });

  it('adds a key a stopped run left pending when resume-processing loads the table again', async () => {
    await withDbs(async (src, dst) => {
      await src.exec(`CREATE TABLE ${src.schema}.items (id integer PRIMARY KEY, v text);
        INSERT INTO ${src.schema}.items SELECT g, 'v' || g FROM generate_series(1, 40) g;`);
      // What a run stopped mid-load leaves: the table it created, keyless, half loaded.
      await dst.exec(`CREATE TABLE ${dst.q('items')} (id integer NOT NULL, v text); INSERT INTO ${dst.q('items')} SELECT g, 'x' FROM generate_series(1, 15) g;`);
      const run = harness.start({
        source: src,
        target: dst,
        rules: [includeAll(src.schema)],
        startType: 'resume-processing',
        settings: { targetSchema: dst.schema, targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' },
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.deepEqual(await dst.rows(`SELECT count(*), min(v) FROM ${dst.q('items')}`), [['40', 'v1']]);
      assert.deepEqual(await primaryKeyOf(dst, 'items'), ['id']);
      // A first start never adds a key to a table the user made.
      await dst.exec(`DROP TABLE ${dst.q('items')}; CREATE TABLE ${dst.q('items')} (id integer NOT NULL, v text)`);
      const first = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings: { targetSchema: dst.schema, targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } });
      assert.equal((await first.finished).kind, 'stopped', first.log());
      assert.deepEqual(await primaryKeyOf(dst, 'items'), []);
    });
  });
});
