/**
 * ReloadTables in the engine (TaskEngine.reloadTables): against the real databases, a full
 * load where a small table has completed and a big one is still loading; both are reloaded,
 * the run ends FULL_LOAD_ONLY_FINISHED only after the reloads, and the target holds exactly
 * the source's rows (counts and a checksum per table: no row twice). Against the fakes of the
 * SPI: a table not started yet just loads, a table a previous run completed is loaded again,
 * refusals (table not selected, run not loading), the MaxFullLoadSubTasks budget, and the
 * primary key CreatePkAfterFullLoad still owes a table whose first load was cancelled.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../src/common/logger.js';
import type { Row, TableWriter } from '../../src/connectors/spi/index.js';
import type { TableStats } from '../../src/engine/ports.js';
import { TaskLogStore } from '../../src/engine/task-log/task-log-store.js';
import { TaskSupervisor } from '../../src/engine/task-supervisor.js';
import { FakeSource, FakeTarget, RecordingReporter, fakeConnector, fakeTable, identityPlanner, spec, types, type FakeTable } from '../unit/engine-fakes.js';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true; fails with `why()` when the run ends first or after `timeoutMs`. */
async function until(cond: () => boolean, why: () => string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (done()) assert.fail(`the run ended first: ${why()}`);
    if (Date.now() > end) assert.fail(`timed out: ${why()}`);
    await sleep(5);
  }
}

/** Row count, distinct keys and an md5 of every `id:payload` in key order. */
async function fingerprint(db: TestDb, table: string): Promise<{ rows: number; ids: number; md5: string }> {
  const rows = await db.rows(`SELECT id, payload FROM ${db.q(table)} ORDER BY id`);
  const h = createHash('md5');
  for (const r of rows) h.update(`${r[0]}:${r[1]}\n`);
  return { rows: rows.length, ids: new Set(rows.map((r) => r[0])).size, md5: h.digest('hex') };
}

/** The distinct states a table went through, in order. */
function statesOf(reports: readonly TableStats[][], table: string): string[] {
  const out: string[] = [];
  for (const r of reports) {
    const s = r.find((x) => x.tableName === table)?.state;
    if (s && out.at(-1) !== s) out.push(s);
  }
  return out;
}

async function withDbs(to: 'postgres' | 'mariadb', work: (s: TestDb, t: TestDb) => Promise<void>): Promise<void> {
  const s = await TestDb.create('postgres', 'rs');
  const t = await TestDb.create(to, 'rt');
  try {
    await work(s, t);
  } finally {
    await s.drop();
    await t.drop();
  }
}

const sourceTables = (schema: string, bigRows: number): string => `
  CREATE TABLE ${schema}.alpha (id integer PRIMARY KEY, payload text NOT NULL);
  INSERT INTO ${schema}.alpha SELECT g, 'alpha ' || g FROM generate_series(1, 120) g;
  CREATE TABLE ${schema}.big (id integer PRIMARY KEY, payload text NOT NULL);
  INSERT INTO ${schema}.big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, ${bigRows}) g;
  CREATE TABLE ${schema}.gamma (id integer PRIMARY KEY, payload text NOT NULL);
  INSERT INTO ${schema}.gamma SELECT g, 'gamma ' || g FROM generate_series(1, 75) g;
  ANALYZE;`;

describe('ReloadTables in the engine (real databases)', () => {
  for (const c of [
    { to: 'postgres', prep: 'DROP_AND_CREATE', subTasks: 2, segmented: false },
    { to: 'mariadb', prep: 'DO_NOTHING', subTasks: 3, segmented: true },
  ] as const) {
    it(`PostgreSQL -> ${c.to}, ${c.prep}${c.segmented ? ', big table in parallel segments' : ''}: a completed and a loading table are loaded again, once`, async () => {
      await withDbs(c.to, async (src, dst) => {
        await src.exec(sourceTables(src.schema, 300_000));
        const rules: unknown[] = [includeAll(src.schema)];
        if (c.segmented) {
          rules.push({ 'rule-type': 'table-settings', 'rule-id': '2', 'rule-name': '2', 'object-locator': { 'schema-name': src.schema, 'table-name': 'big' }, 'parallel-load': { type: 'partitions-auto' } });
        }
        const run = harness.start({
          source: src,
          target: dst,
          rules,
          settings: { targetSchema: dst.schema, targetTablePrepMode: c.prep, maxFullLoadSubTasks: c.subTasks, commitRate: 5000 },
        });
        const last = (t: string): TableStats | undefined => run.reporter.last(t);
        await until(
          () => last('alpha')?.state === 'Table completed' && last('big')?.state === 'Full load' && (last('big')?.fullLoadRows ?? 0) > 0,
          () => `alpha ${last('alpha')?.state}, big ${last('big')?.state} ${last('big')?.fullLoadRows} rows\n${run.log()}`,
          () => run.reporter.outcome !== undefined,
        );
        const loadedBefore = last('big')!.fullLoadRows;

        const result = run.supervisor.reloadTables(run.taskArn, [
          { schema: src.schema, name: 'alpha' },
          { schema: src.schema, name: 'big' },
        ]);
        assert.deepEqual(result, {
          kind: 'accepted',
          tables: [
            { table: { schema: src.schema, name: 'alpha' }, action: 'reload' },
            { table: { schema: src.schema, name: 'big' }, action: 'restart' },
          ],
        });
        // Visible at once, as DMS's console shows it while it prepares the reload.
        for (const t of ['alpha', 'big']) {
          assert.equal(last(t)!.state, 'Table is being reloaded', t);
          assert.equal(last(t)!.reloaded, true, t);
        }
        assert.equal(run.supervisor.isRunning(run.taskArn), true, 'the task keeps running');

        const outcome = await run.finished;
        assert.deepEqual(outcome, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, run.log());
        for (const t of ['alpha', 'big', 'gamma']) {
          const want = await fingerprint(src, t);
          const got = await fingerprint(dst, t);
          assert.deepEqual(got, want, `target ${t} equals the source`);
          assert.equal(got.ids, got.rows, `no ${t} row twice`);
          const s = last(t)!;
          assert.equal(s.state, 'Table completed', t);
          assert.equal(s.fullLoadRows, want.rows, `${t}: the statistics count the reload's rows only`);
          assert.equal(s.reloaded, t !== 'gamma', `${t}: FullLoadReloaded`);
          assert.equal(s.fullLoadErrorRows, 0);
        }
        assert.ok(loadedBefore < 300_000, 'big was still loading when the reload came');
        assert.deepEqual(statesOf(run.reporter.tableReports, 'big'), ['Before load', 'Full load', 'Table is being reloaded', 'Table completed']);
        assert.deepEqual(statesOf(run.reporter.tableReports, 'alpha'), ['Before load', 'Full load', 'Table completed', 'Table is being reloaded', 'Table completed']);
        const p = run.reporter.lastProgress()!;
        assert.equal(p.fullLoadProgressPercent, 100);
        assert.equal(p.tablesLoaded, 3);
        const log = run.log();
        assert.match(log, /ReloadTables: the load of table "[^"]+"."big" in progress \([1-9]\d* rows so far\) is cancelled/);
        assert.match(log, /Load of table "[^"]+"."big" cancelled: ReloadTables loads it again from scratch/);
        assert.match(log, /Reloading table "[^"]+"."alpha"/);
        assert.match(log, c.prep === 'DO_NOTHING' ? /alpha" truncated \(ReloadTables loads the table again from scratch\)/ : /alpha" dropped, created/);
        if (c.segmented) assert.match(log, /big": parallel-load partitions-auto, split automatically into 3 key ranges/);

        // The run is over: nothing to reload in it any more.
        const late = run.supervisor.reloadTables(run.taskArn, [{ schema: src.schema, name: 'alpha' }]);
        assert.equal(late.kind, 'not-running');
      });
    });
  }
});

// ---- the same rules against the fakes, where timing is under the test's control ----

const dir = mkdtempSync(join(tmpdir(), 'opendms-engine-reload-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const taskLogs = new TaskLogStore(dir);
let n = 0;

const numbered = (count: number): Row[] => Array.from({ length: count }, (_, i) => [String(i + 1), `name ${i + 1}`]);
const table = (name: string, rows: number): FakeTable => fakeTable('app', name, [['id', types.int4, false], ['name', types.varchar]], numbered(rows));

/** A target that counts the writers open at once (MaxFullLoadSubTasks bounds them). */
class CountingTarget extends FakeTarget {
  maxOpen = 0;
  override async openWriter(...args: Parameters<FakeTarget['openWriter']>): Promise<TableWriter> {
    const w = await super.openWriter(...args);
    this.maxOpen = Math.max(this.maxOpen, this.openWriters);
    return w;
  }
}

function fakeRun(tables: FakeTable[], opts: { batchDelayMs: number }) {
  const source = new FakeSource(tables, { batchDelayMs: opts.batchDelayMs });
  const target = new CountingTarget();
  const reporter = new RecordingReporter();
  const connector = fakeConnector(() => source, () => target);
  const supervisor = new TaskSupervisor({
    reporter,
    connectors: { forEngine: (e) => (e === 'fake' ? connector : undefined) },
    taskLogs,
    log: createLogger('silent'),
    planner: identityPlanner(),
    statsThrottleMs: 0,
  });
  const arn = `arn:aws:dms:us-east-1:000000000000:task:RELOAD${++n}`;
  return { source, target, reporter, supervisor, arn, log: () => taskLogs.read(arn) ?? '' };
}

const ref = (name: string) => ({ schema: 'app', name });

describe('ReloadTables in the engine (fakes)', () => {
  it('a table not started yet just loads (not marked reloaded); reloads keep within MaxFullLoadSubTasks', async () => {
    const t = fakeRun([table('one', 400), table('two', 400), table('three', 30)], { batchDelayMs: 5 });
    t.supervisor.start(spec({ taskArn: t.arn, settings: { maxFullLoadSubTasks: 1, commitRate: 50 } }));
    await until(
      () => (t.reporter.last('one')?.fullLoadRows ?? 0) > 0,
      () => JSON.stringify(t.reporter.last('one')),
      () => t.reporter.outcome !== undefined,
    );
    const result = t.supervisor.reloadTables(t.arn, [ref('one'), ref('three')]);
    assert.deepEqual(result, { kind: 'accepted', tables: [{ table: ref('one'), action: 'restart' }, { table: ref('three'), action: 'queued' }] });
    assert.deepEqual(await t.reporter.finishedPromise, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, t.log());
    assert.equal(t.target.maxOpen, 1, 'one table or segment at a time, reloads included');
    for (const [name, rows] of [['one', 400], ['two', 400], ['three', 30]] as const) {
      assert.equal(t.target.tables.get(`app.${name}`)!.rows.length, rows, name);
      assert.equal(t.reporter.last(name)!.fullLoadRows, rows, name);
    }
    assert.equal(t.reporter.last('one')!.reloaded, true);
    assert.equal(t.reporter.last('three')!.reloaded, false, 'never loaded before: a plain load, not a reload');
    assert.match(t.log(), /ReloadTables: table "app"."three" has not been loaded yet; it loads as planned/);
    // The reload of "one" went ahead of "two", which was still queued.
    const order = t.target.ddl.filter((d) => d.startsWith('create') || d.startsWith('drop')).map((d) => d.replace(/ with pk$/, ''));
    assert.deepEqual(order, ['create app.one', 'drop app.one', 'create app.one', 'create app.two', 'create app.three']);
  });

  it('the run ends only after a reload asked for at its last table; a repeated request changes nothing', async () => {
    const t = fakeRun([table('first', 20), table('last', 300)], { batchDelayMs: 3 });
    t.supervisor.start(spec({ taskArn: t.arn, settings: { maxFullLoadSubTasks: 2, commitRate: 20, targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } }));
    await until(
      () => t.reporter.last('first')?.state === 'Table completed' && (t.reporter.last('last')?.fullLoadRows ?? 0) > 0,
      () => JSON.stringify([t.reporter.last('first'), t.reporter.last('last')]),
      () => t.reporter.outcome !== undefined,
    );
    assert.equal(t.supervisor.reloadTables(t.arn, [ref('first')]).kind, 'accepted');
    const again = t.supervisor.reloadTables(t.arn, [ref('first'), ref('last'), ref('last')]);
    assert.deepEqual(again, { kind: 'accepted', tables: [{ table: ref('first'), action: 'reload' }, { table: ref('last'), action: 'restart' }, { table: ref('last'), action: 'restart' }] });
    await t.reporter.finishedPromise;
    assert.equal(t.reporter.outcome?.kind, 'stopped', t.log());
    assert.equal(t.target.tables.get('app.first')!.rows.length, 20);
    assert.equal(t.target.tables.get('app.last')!.rows.length, 300);
    assert.deepEqual(t.target.ddl.filter((d) => d.startsWith('truncate')).sort(), ['truncate app.first', 'truncate app.last']);
    assert.equal(t.target.openWriters, 0);
  });

  it('refuses a table the selection does not include (nothing reloaded), and a run that is not loading', async () => {
    const t = fakeRun([table('only', 200)], { batchDelayMs: 5 });
    assert.deepEqual(t.supervisor.reloadTables(t.arn, [ref('only')]), { kind: 'not-running', message: 'no run of the task is in progress' });
    t.supervisor.start(spec({ taskArn: t.arn, settings: { commitRate: 20 } }));
    const early = t.supervisor.reloadTables(t.arn, [ref('only')]);
    assert.equal(early.kind, 'not-running', 'still starting');
    await until(() => (t.reporter.last('only')?.fullLoadRows ?? 0) > 0, () => 'only has no rows yet', () => t.reporter.outcome !== undefined);
    const refused = t.supervisor.reloadTables(t.arn, [ref('only'), { schema: 'app', name: 'Only' }, { schema: 'other', name: 'x' }]);
    assert.equal(refused.kind, 'not-in-task');
    assert.ok(refused.kind === 'not-in-task');
    assert.deepEqual(refused.tables, [{ schema: 'app', name: 'Only' }, { schema: 'other', name: 'x' }]);
    assert.match(refused.message, /"app"."Only", "other"."x" are not among the tables the task's selection rules include/);
    assert.equal(t.reporter.last('only')!.reloaded, false, 'a refused request reloads nothing');
    await t.reporter.finishedPromise;
    assert.equal(t.reporter.last('only')!.reloaded, false);
    assert.equal(t.target.tables.get('app.only')!.rows.length, 200);
  });

  it('CreatePkAfterFullLoad: a table whose first load was cancelled gets its primary key after the reload', async () => {
    const t = fakeRun([table('keyed', 300)], { batchDelayMs: 3 });
    t.supervisor.start(spec({ taskArn: t.arn, settings: { commitRate: 20, targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD', createPkAfterFullLoad: true } }));
    await until(() => (t.reporter.last('keyed')?.fullLoadRows ?? 0) > 0, () => 'keyed has no rows yet', () => t.reporter.outcome !== undefined);
    assert.equal(t.supervisor.reloadTables(t.arn, [ref('keyed')]).kind, 'accepted');
    await t.reporter.finishedPromise;
    assert.equal(t.reporter.outcome?.kind, 'stopped', t.log());
    assert.deepEqual(t.target.ddl.filter((d) => !d.startsWith('ensureSchema')), ['create app.keyed', 'truncate app.keyed', 'addPrimaryKey app.keyed (id)']);
    assert.equal(t.target.tables.get('app.keyed')!.rows.length, 300);
  });

  it('a table a previous run completed (resume-processing) is loaded again when named', async () => {
    const t = fakeRun([table('done', 50), table('rest', 300)], { batchDelayMs: 3 });
    // The previous run's rows of "done" are on the target already.
    await t.target.createTable({ schema: 'app', name: 'done', columns: [{ name: 'id', type: types.int4, nullable: false }, { name: 'name', type: types.varchar, nullable: true }], primaryKey: ['id'] }, { withPrimaryKey: true });
    t.target.tables.get('app.done')!.rows.push(...numbered(50));
    t.supervisor.start(spec({ taskArn: t.arn, startType: 'resume-processing', completedTables: [ref('done')], settings: { commitRate: 20, targetTablePrepMode: 'DO_NOTHING' } }));
    await until(() => (t.reporter.last('rest')?.fullLoadRows ?? 0) > 0, () => 'rest has no rows yet', () => t.reporter.outcome !== undefined);
    assert.equal(t.reporter.last('done'), undefined, 'not reported: its statistics of the previous run stand');
    assert.deepEqual(t.supervisor.reloadTables(t.arn, [ref('done')]), { kind: 'accepted', tables: [{ table: ref('done'), action: 'reload' }] });
    assert.equal(t.reporter.last('done')!.state, 'Table is being reloaded');
    await t.reporter.finishedPromise;
    assert.equal(t.reporter.outcome?.kind, 'stopped', t.log());
    assert.equal(t.target.tables.get('app.done')!.rows.length, 50, 'truncated before the reload, even with DO_NOTHING');
    const s = t.reporter.last('done')!;
    assert.deepEqual([s.state, s.fullLoadRows, s.reloaded], ['Table completed', 50, true]);
    assert.equal(t.reporter.lastProgress()!.tablesLoaded, 2);
  });
});
