/**
 * The engine's features against the real databases: mappings (renames, removed and added
 * columns, filters), TargetTablePrepMode, CreatePkAfterFullLoad, parallel ranges, limited
 * LOB mode reporting, refused rows per ErrorBehavior, stop mid-load, resume-processing,
 * and the failures a user must understand (nothing selected, endpoint unreachable).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

/** Source and target databases for one test, dropped after it. */
async function withDbs(from: 'postgres' | 'mariadb', to: 'postgres' | 'mariadb', work: (s: TestDb, t: TestDb) => Promise<void>): Promise<void> {
  const s = await TestDb.create(from, 'fs');
  const t = await TestDb.create(to, 'ft');
  try {
    await work(s, t);
  } finally {
    await s.drop();
    await t.drop();
  }
}

const customers = (s: string, n = 200): string => `
  CREATE TABLE ${s}.customers (id integer PRIMARY KEY, name varchar(50) NOT NULL, email varchar(100), amount numeric(10,2), notes text);
  INSERT INTO ${s}.customers SELECT g, 'name ' || g, 'u' || g || '@x.org', g * 1.5, repeat('z', g * 10) FROM generate_series(1, ${n}) g;
  ANALYZE;`;

const rule = (id: string, body: Record<string, unknown>): Record<string, unknown> => ({ 'rule-id': id, 'rule-name': id, ...body });

describe('engine features (PostgreSQL and MariaDB)', () => {
  it('applies renames, remove-column, add-column expressions and source filters', async () => {
    await withDbs('postgres', 'postgres', async (src, dst) => {
      await src.exec(customers(src.schema));
      const loc = { 'schema-name': src.schema, 'table-name': 'customers' };
      const run = harness.start({
        source: src,
        target: dst,
        settings: { targetSchema: dst.schema },
        rules: [
          rule('1', { 'rule-type': 'selection', 'rule-action': 'include', 'object-locator': loc, filters: [{ 'filter-type': 'source', 'column-name': 'id', 'filter-conditions': [{ 'filter-operator': 'lte', value: '50' }, { 'filter-operator': 'between', 'start-value': '100', 'end-value': '109' }] }] }),
          rule('2', { 'rule-type': 'transformation', 'rule-target': 'table', 'rule-action': 'rename', 'object-locator': loc, value: 'clients' }),
          rule('3', { 'rule-type': 'transformation', 'rule-target': 'column', 'rule-action': 'remove-column', 'object-locator': { ...loc, 'column-name': 'email' } }),
          rule('4', { 'rule-type': 'transformation', 'rule-target': 'column', 'rule-action': 'rename', 'object-locator': { ...loc, 'column-name': 'name' }, value: 'full_name' }),
          rule('5', { 'rule-type': 'transformation', 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': loc, value: 'label', expression: "upper($name) || ' <' || $email || '>'", 'data-type': { type: 'string', length: 200 } }),
          rule('6', { 'rule-type': 'transformation', 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': loc, value: 'doubled', expression: '$amount * 2', 'data-type': { type: 'numeric', precision: 12, scale: 2 } }),
        ],
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      const rows = await dst.rows(`SELECT * FROM ${dst.q('clients')} ORDER BY id`);
      assert.equal(rows.length, 60);
      const cols = await dst.rows(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${dst.schema}' AND table_name = 'clients' ORDER BY ordinal_position`);
      assert.deepEqual(cols.map((c) => c[0]), ['id', 'full_name', 'amount', 'notes', 'label', 'doubled']);
      assert.deepEqual(rows[0]!.slice(0, 3), ['1', 'name 1', '1.50']);
      assert.deepEqual(rows[0]!.slice(4), ['NAME 1 <u1@x.org>', '3.00']);
      assert.equal(rows.at(-1)![0], '109');
      assert.equal(run.reporter.last('customers')?.fullLoadRows, 60);
      assert.match(run.log(), /TRANSFORMATION.*Table "[^"]+"."customers" -> "[^"]+"."clients"/);
    });
  });

  it('honours TargetTablePrepMode and CreatePkAfterFullLoad', async () => {
    await withDbs('postgres', 'mariadb', async (src, dst) => {
      await src.exec(customers(src.schema, 20));
      const base = { source: src, target: dst, rules: [includeAll(src.schema)] };
      // A target table of the user's, with rows and an index of its own.
      await dst.exec(`CREATE TABLE customers (id int PRIMARY KEY, name varchar(50), email varchar(100), amount decimal(10,2), notes text, KEY by_name (name));
        INSERT INTO customers VALUES (1000, 'theirs', NULL, NULL, NULL);`);
      const count = async (): Promise<number> => Number((await dst.rows(`SELECT count(*) FROM ${dst.q('customers')}`))[0]![0]);
      const hasIndex = async (): Promise<boolean> => (await dst.rows(`SHOW INDEX FROM ${dst.q('customers')} WHERE Key_name = 'by_name'`)).length > 0;

      let run = harness.start({ ...base, settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING' } });
      await run.finished;
      assert.equal(await count(), 21, 'DO_NOTHING appends');
      run = harness.start({ ...base, settings: { targetSchema: dst.schema, targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } });
      await run.finished;
      assert.equal(await count(), 20, 'TRUNCATE_BEFORE_LOAD empties first');
      assert.ok(await hasIndex(), 'and keeps the table as it was');
      run = harness.start({ ...base, settings: { targetSchema: dst.schema, targetTablePrepMode: 'DROP_AND_CREATE', createPkAfterFullLoad: true } });
      await run.finished;
      assert.equal(await count(), 20);
      assert.ok(!(await hasIndex()), 'DROP_AND_CREATE makes the table anew');
      const pk = await dst.rows(`SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = '${dst.schema}' AND table_name = 'customers' AND constraint_name = 'PRIMARY'`);
      assert.deepEqual(pk, [['id']]);
      assert.match(run.log(), /Primary key \(id\) added to .*customers.* after the load/);
      assert.match(run.log(), /created \(primary key after the load\)/);
    });
  });

  it('loads table-settings ranges in parallel and reports LOB values cut by limited LOB mode', async () => {
    await withDbs('mariadb', 'postgres', async (src, dst) => {
      await src.exec(`CREATE TABLE docs (id int PRIMARY KEY, title varchar(20), body longtext);
        INSERT INTO docs SELECT seq, concat('t', seq), repeat('b', IF(seq % 100 = 0, 3000, 100)) FROM seq_1_to_2000;`);
      const loc = { 'schema-name': src.schema, 'table-name': 'docs' };
      const run = harness.start({
        source: src,
        target: dst,
        settings: { targetSchema: dst.schema, maxFullLoadSubTasks: 3, commitRate: 250, limitedSizeLobMode: true, lobMaxSizeKb: 1 },
        rules: [includeAll(src.schema), rule('2', { 'rule-type': 'table-settings', 'object-locator': loc, 'parallel-load': { type: 'ranges', columns: ['id'], boundaries: [['500'], ['1000'], ['1500']] } })],
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      const [[n, longest, cut]] = (await dst.rows(`SELECT count(*), max(length(body)), count(*) FILTER (WHERE length(body) = 1024) FROM ${dst.q('docs')}`)) as [[string, string, string]];
      assert.deepEqual([n, longest, cut], ['2000', '1024', '20']);
      const stats = run.reporter.last('docs')!;
      assert.equal(stats.truncatedLobValues, 20);
      assert.match(stats.detail ?? '', /20 LOB values truncated to 1 KB \(limited LOB mode\): body: 20/);
      assert.match(run.log(), /\[SOURCE_UNLOAD\s*\]W:  Table .*docs.*: 20 LOB values truncated to 1 KB/);
      assert.match(run.log(), /parallel load of 4 ranges \(table-settings\)/);
    });
  });

  for (const [policy, expectState] of [['LOG_ERROR', 'Table completed'], ['SUSPEND_TABLE', 'Table error'], ['STOP_TASK', undefined]] as const) {
    it(`handles a row the target refuses with DataErrorPolicy ${policy}`, async () => {
      await withDbs('postgres', 'postgres', async (src, dst) => {
        await src.exec(customers(src.schema, 100));
        // The target's own rule refuses two rows.
        await dst.exec(`CREATE TABLE ${dst.schema}.customers (id integer PRIMARY KEY, name varchar(50) NOT NULL, email varchar(100), amount numeric(10,2), notes text,
          CONSTRAINT no_41_42 CHECK (id NOT IN (41, 42)))`);
        const run = harness.start({
          source: src,
          target: dst,
          rules: [includeAll(src.schema)],
          settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING', commitRate: 30, errorBehavior: { ...harnessErrorBehavior(), dataErrorPolicy: policy } },
        });
        const outcome = await run.finished;
        const count = Number((await dst.rows(`SELECT count(*) FROM ${dst.q('customers')}`))[0]![0]);
        if (policy === 'STOP_TASK') {
          assert.equal(outcome.kind, 'failed');
          assert.equal(outcome.stopReason, 'Stop Reason FATAL_ERROR');
          assert.match(outcome.kind === 'failed' ? outcome.message : '', /customers.*row refused by the target \(key id='41'\).*no_41_42/);
          return;
        }
        assert.equal(outcome.kind, 'stopped');
        const stats = run.reporter.last('customers')!;
        assert.equal(stats.state, expectState);
        if (policy === 'LOG_ERROR') {
          assert.equal(count, 98);
          assert.equal(stats.fullLoadRows, 98);
          assert.equal(stats.fullLoadErrorRows, 2);
          assert.match(run.log(), /\[TARGET_LOAD\s*\]E:  Table .*customers.*: row refused, skipped \(key id='42'\): .*no_41_42/);
        } else {
          assert.equal(stats.fullLoadErrorRows, 1);
          assert.match(stats.detail ?? '', /row refused \(key id='41'\)/);
          assert.ok(count <= 40, `only what came before the bad row: ${count}`);
          assert.match(run.log(), /Full load finished with 1 of 1 tables in error/);
        }
      });
    });
  }

  it('handles a value too long for a MariaDB target column (DataTruncationErrorPolicy)', async () => {
    await withDbs('postgres', 'mariadb', async (src, dst) => {
      await src.exec(`CREATE TABLE ${src.schema}.codes (id integer PRIMARY KEY, code varchar(20));
        INSERT INTO ${src.schema}.codes SELECT g, CASE WHEN g = 7 THEN 'much-too-long' ELSE 'c' || g END FROM generate_series(1, 30) g;`);
      await dst.exec('CREATE TABLE codes (id int PRIMARY KEY, code varchar(5))');
      const run = harness.start({
        source: src,
        target: dst,
        rules: [includeAll(src.schema)],
        settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING', errorBehavior: { ...harnessErrorBehavior(), dataTruncationErrorPolicy: 'LOG_ERROR', dataErrorPolicy: 'STOP_TASK' } },
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.equal(run.reporter.last('codes')!.fullLoadErrorRows, 1);
      assert.deepEqual(await dst.rows(`SELECT count(*) FROM ${dst.q('codes')}`), [['29']]);
      assert.match(run.log(), /row refused, skipped \(key id='7'\)/);
    });
  });

  it('stops promptly mid-load: Table cancelled, Stop Reason NORMAL, no connection left', async () => {
    await withDbs('postgres', 'postgres', async (src, dst) => {
      await src.exec(`CREATE TABLE ${src.schema}.big (id bigint PRIMARY KEY, payload text);
        INSERT INTO ${src.schema}.big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 1500000) g; ANALYZE;`);
      const run = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings: { targetSchema: dst.schema, maxFullLoadSubTasks: 1, commitRate: 10000 } });
      while (!(run.reporter.last('big')?.fullLoadRows ?? 0)) {
        if (run.reporter.outcome) assert.fail(`finished before the stop: ${run.log()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const began = Date.now();
      await run.supervisor.stop(run.taskArn);
      const took = Date.now() - began;
      assert.ok(took < 3000, `stop took ${took} ms`);
      assert.deepEqual(run.reporter.outcome, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
      const stats = run.reporter.last('big')!;
      assert.equal(stats.state, 'Table cancelled');
      assert.ok(stats.fullLoadRows < 1_500_000);
      assert.equal(run.supervisor.isRunning(run.taskArn), false);
      const left = await dst.rows(`SELECT count(*) FROM pg_stat_activity WHERE datname IN ('${src.database}', '${dst.database}') AND application_name = 'opendms'`);
      assert.deepEqual(left, [['0']]);
    });
  });

  it('resume-processing loads again only the tables the previous run did not complete', async () => {
    await withDbs('postgres', 'postgres', async (src, dst) => {
      await src.exec(customers(src.schema, 30) + `CREATE TABLE ${src.schema}.items (id integer PRIMARY KEY, v text); INSERT INTO ${src.schema}.items SELECT g, 'v' || g FROM generate_series(1, 40) g;`);
      const first = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings: { targetSchema: dst.schema } });
      assert.equal((await first.finished).kind, 'stopped');
      // As if the previous run had completed customers and stopped half way through items.
      await dst.exec(`DELETE FROM ${dst.q('items')} WHERE id > 15; INSERT INTO ${dst.q('customers')} (id, name) VALUES (999, 'marker')`);
      const run = harness.start({
        source: src,
        target: dst,
        rules: [includeAll(src.schema)],
        startType: 'resume-processing',
        completedTables: [{ schema: src.schema, name: 'customers' }],
        settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING' },
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.deepEqual(await dst.rows(`SELECT count(*), max(id) FROM ${dst.q('items')}`), [['40', '40']]);
      assert.deepEqual(await dst.rows(`SELECT count(*) FROM ${dst.q('customers')}`), [['31']], 'customers untouched (the marker stays)');
      assert.equal(run.reporter.last('customers'), undefined);
      assert.equal(run.reporter.last('items')?.state, 'Table completed');
      assert.equal(run.reporter.lastProgress()?.tablesLoaded, 2);
      assert.match(run.log(), /"customers" was completed by a previous run: not loaded again/);
    });
  });

  it('fails with a clear message when the selection matches nothing, or the endpoint is unreachable', async () => {
    await withDbs('postgres', 'postgres', async (src, dst) => {
      await src.exec(customers(src.schema, 3));
      const none = harness.start({ source: src, target: dst, rules: [includeAll('no_such_schema', '7')] });
      const o = await none.finished;
      assert.equal(o.kind, 'failed');
      assert.match(o.kind === 'failed' ? o.message : '', /rule 7 \(no_such_schema\.%\) matched no table/);

      const closed = Object.assign(Object.create(Object.getPrototypeOf(dst)) as TestDb, dst);
      Object.defineProperty(closed, 'params', { value: { ...dst.params, port: 1 } });
      const down = harness.start({ source: src, target: closed, rules: [includeAll(src.schema)] });
      const od = await down.finished;
      assert.equal(od.kind, 'failed');
      assert.match(od.kind === 'failed' ? od.message : '', /Cannot open the target endpoint: .*refused.*Check the endpoint's ServerName and Port/);
    });
  });
});

function harnessErrorBehavior() {
  return {
    dataErrorPolicy: 'LOG_ERROR',
    dataTruncationErrorPolicy: 'LOG_ERROR',
    dataErrorEscalationCount: 0,
    dataErrorEscalationPolicy: 'SUSPEND_TABLE',
    tableErrorPolicy: 'SUSPEND_TABLE',
    failOnNoTablesCaptured: true,
  } as const;
}
