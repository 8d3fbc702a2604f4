/**
 * The run's orchestration against in-memory fakes of the connector SPI: reports, table
 * states, preparation modes, error policies, LOB reporting, parallel ranges, stop and resume.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../src/common/logger.js';
import { ConnectorError, type Row } from '../../src/connectors/spi/index.js';
import type { Planner } from '../../src/engine/planner.js';
import type { TaskRunSpec } from '../../src/engine/ports.js';
import { TaskLogStore } from '../../src/engine/task-log/task-log-store.js';
import { RunInProgressError, TaskSupervisor } from '../../src/engine/task-supervisor.js';
import { FakeSource, FakeTarget, RecordingReporter, fakeConnector, fakeTable, identityPlanner, spec, types, type FakeTable } from './engine-fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'opendms-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const taskLogs = new TaskLogStore(dir);
const silent = createLogger('silent');
let n = 0;

function numbered(count: number, extra: (i: number) => Row = () => []): Row[] {
  return Array.from({ length: count }, (_, i) => [String(i + 1), `name ${i + 1}`, ...extra(i + 1)]);
}

function setup(opts: {
  tables: FakeTable[];
  target?: FakeTarget;
  sourceOpts?: ConstructorParameters<typeof FakeSource>[1];
  planner?: Planner;
  connectors?: { forEngine(name: string): ReturnType<typeof fakeConnector> | undefined };
}) {
  const source = new FakeSource(opts.tables, opts.sourceOpts);
  const target = opts.target ?? new FakeTarget();
  const reporter = new RecordingReporter();
  const connector = fakeConnector(() => source, () => target);
  const supervisor = new TaskSupervisor({
    reporter,
    connectors: opts.connectors ?? { forEngine: (name) => (name === 'fake' ? connector : undefined) },
    taskLogs,
    log: silent,
    planner: opts.planner ?? identityPlanner(),
    statsThrottleMs: 0,
  });
  const arn = `arn:aws:dms:us-east-1:000000000000:task:T${++n}`;
  const run = (over: Parameters<typeof spec>[0] = {}): { spec: TaskRunSpec; finished: Promise<unknown> } => {
    const s = spec({ taskArn: arn, ...over });
    supervisor.start(s);
    return { spec: s, finished: reporter.finishedPromise };
  };
  return { source, target, reporter, supervisor, run, arn, log: () => taskLogs.read(arn) ?? '' };
}

const people = (count = 25): FakeTable => fakeTable('app', 'people', [['id', types.int4, false], ['name', types.varchar]], numbered(count));
const notes = (): FakeTable =>
  fakeTable('app', 'notes', [['id', types.int4, false], ['name', types.varchar], ['body', types.text]], numbered(5, (i) => [i % 2 === 0 ? 'x'.repeat(3000) : 'short']));

describe('engine orchestration (fakes)', () => {
  it('loads every table and reports running, statistics, progress and FULL_LOAD_ONLY_FINISHED', async () => {
    const t = setup({ tables: [people(), notes()] });
    t.run({ settings: { commitRate: 7 } });
    const outcome = await t.reporter.finishedPromise;
    assert.deepEqual(outcome, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    assert.equal(t.reporter.events[0]!.kind, 'running');
    assert.equal(t.reporter.events.at(-1)!.kind, 'finished');
    assert.equal(t.target.tables.get('app.people')!.rows.length, 25);
    assert.deepEqual(t.target.tables.get('app.people')!.rows[3], ['4', 'name 4']);
    assert.equal(t.target.tables.get('app.notes')!.rows.length, 5);
    const s = t.reporter.last('people')!;
    assert.equal(s.state, 'Table completed');
    assert.equal(s.fullLoadRows, 25);
    assert.ok(s.fullLoadStartTime && s.fullLoadEndTime);
    // Every state a table went through was reported, in order.
    const states = [...new Set(t.reporter.tableReports.map((r) => r.find((x) => x.tableName === 'people')!.state))];
    assert.deepEqual(states, ['Before load', 'Full load', 'Table completed']);
    const p = t.reporter.lastProgress()!;
    assert.equal(p.fullLoadProgressPercent, 100);
    assert.equal(p.tablesLoaded, 2);
    assert.ok(p.fullLoadStartDate && p.fullLoadFinishDate);
    assert.ok(t.source.closed && t.target.closed);
    assert.equal(t.target.openWriters, 0);
    assert.equal(t.supervisor.isRunning(t.arn), false);
    assert.match(t.log(), /\[TARGET_LOAD\s*\]I:  Load finished for table "app"."people": 25 rows/);
    assert.match(t.log(), /\[TASK_MANAGER\s*\]I:  Full load finished: 2 tables completed, 30 rows loaded/);
  });

  it('fails clearly for an engine without a connector, and for CDC from a connector without capture', async () => {
    const t = setup({ tables: [people()], connectors: { forEngine: () => undefined } });
    t.run({ source: { engineName: 'oracle', params: { engineName: 'oracle', host: 'h', port: 1, ssl: { mode: 'none' } } } });
    const o = await t.reporter.finishedPromise;
    assert.equal(o.kind, 'failed');
    assert.match(o.kind === 'failed' ? o.message : '', /no connector for the source engine 'oracle'/);
    const c = setup({ tables: [people()] });
    c.run({ migrationType: 'full-load-and-cdc' });
    const oc = await c.reporter.finishedPromise;
    assert.match(oc.kind === 'failed' ? oc.message : '', /Change data capture from .* is not supported by OpenDMS yet; use migration type full-load/);
    assert.equal(c.reporter.events.some((e) => e.kind === 'running'), false);
  });

  it('ends failed with the message and hint of a connection failure', async () => {
    const target = new FakeTarget();
    const broken = fakeConnector(() => new FakeSource([]), () => target);
    const t = setup({
      tables: [],
      connectors: {
        forEngine: () => ({
          ...broken,
          openSource: async () => {
            throw new ConnectorError({ kind: 'auth', message: 'password authentication failed for user "x"', hint: 'Check the Username and Password.' });
          },
        }),
      },
    });
    t.run();
    const o = await t.reporter.finishedPromise;
    assert.deepEqual(o, {
      kind: 'failed',
      stopReason: 'Stop Reason FATAL_ERROR',
      message: 'Cannot open the source endpoint: password authentication failed for user "x". Check the Username and Password.',
    });
    assert.ok(target.closed, 'the target that did open is closed');
  });

  it('fails when no table is captured, naming the selection rule', async () => {
    const t = setup({
      tables: [people()],
      planner: () => ({
        mappings: { rules: [{ ruleType: 'selection', ruleId: '7', ruleName: '7', ruleAction: 'include', objectLocator: { schemaName: 'sales', tableName: 'x%' }, loadOrder: 0, filters: [] }] },
        plan: { tables: [], notes: ['selection rule 7 matched no table'] },
      }),
    });
    t.run();
    const o = await t.reporter.finishedPromise;
    assert.match(o.kind === 'failed' ? o.message : '', /rule 7 \(sales\.x%\) matched no table/);
    assert.match(t.log(), /\[TRANSFORMATION\s*\]W:  selection rule 7 matched no table/);
  });

  it('LOG_ERROR skips and logs a refused row; the table completes', async () => {
    const target = new FakeTarget({ refuse: (r) => r[0] === '13' });
    const t = setup({ tables: [people(40)], target });
    t.run({ settings: { commitRate: 10 } });
    await t.reporter.finishedPromise;
    const s = t.reporter.last('people')!;
    assert.equal(s.state, 'Table completed');
    assert.equal(s.fullLoadRows, 39);
    assert.equal(s.fullLoadErrorRows, 1);
    assert.equal(target.tables.get('app.people')!.rows.length, 39);
    assert.match(t.log(), /\[TARGET_LOAD\s*\]E:  Table "app"."people": row refused, skipped \(key id='13'\): value violates a check constraint/);
    assert.equal(target.openWriters, 0);
  });

  it('SUSPEND_TABLE puts the table in error and the task still finishes; STOP_TASK fails it', async () => {
    const refuse = (r: Row): boolean => r[1] === 'name 3';
    const t = setup({ tables: [people(10), fakeTable('app', 'other', [['id', types.int4], ['name', types.varchar]], numbered(4).map((r) => [r[0]!, 'ok']))], target: new FakeTarget({ refuse }) });
    t.run({ settings: { errorBehavior: { ...spec().settings.errorBehavior, dataErrorPolicy: 'SUSPEND_TABLE' } } });
    const o = await t.reporter.finishedPromise;
    assert.deepEqual(o, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    assert.equal(t.reporter.last('people')!.state, 'Table error');
    assert.match(t.reporter.last('people')!.detail ?? '', /row refused \(key id='3'\)/);
    assert.equal(t.reporter.last('other')!.state, 'Table completed');
    assert.equal(t.reporter.lastProgress()!.tablesErrored, 1);
    assert.match(t.log(), /Full load finished with 1 of 2 tables in error/);

    const s = setup({ tables: [people(10)], target: new FakeTarget({ refuse }) });
    s.run({ settings: { errorBehavior: { ...spec().settings.errorBehavior, dataErrorPolicy: 'STOP_TASK' } } });
    const so = await s.reporter.finishedPromise;
    assert.equal(so.kind, 'failed');
    assert.equal(so.stopReason, 'Stop Reason FATAL_ERROR');
    assert.match(so.kind === 'failed' ? so.message : '', /Table "app"."people": row refused by the target \(key id='3'\): value violates a check constraint/);
  });

  it('escalates after DataErrorEscalationCount refused rows', async () => {
    const t = setup({ tables: [people(30)], target: new FakeTarget({ refuse: (r) => Number(r[0]) % 5 === 0 }) });
    t.run({ settings: { commitRate: 100, errorBehavior: { ...spec().settings.errorBehavior, dataErrorEscalationCount: 3, dataErrorEscalationPolicy: 'SUSPEND_TABLE' } } });
    await t.reporter.finishedPromise;
    const s = t.reporter.last('people')!;
    assert.equal(s.state, 'Table error');
    assert.equal(s.fullLoadErrorRows, 3);
    assert.match(s.detail ?? '', /DataErrorEscalationCount 3 reached/);
  });

  it('applies TableErrorPolicy when a table cannot be created', async () => {
    const failDdl = (ref: { name: string }): Error | undefined => (ref.name === 'people' ? new ConnectorError({ kind: 'other', message: 'permission denied for schema app', hint: 'See the log.' }) : undefined);
    const t = setup({ tables: [people(), notes()], target: new FakeTarget({ failDdl }) });
    t.run();
    assert.equal((await t.reporter.finishedPromise).kind, 'stopped');
    assert.equal(t.reporter.last('people')!.state, 'Table error');
    assert.match(t.reporter.last('people')!.detail ?? '', /permission denied/);
    assert.equal(t.reporter.last('notes')!.state, 'Table completed');

    const s = setup({ tables: [people(), notes()], target: new FakeTarget({ failDdl }) });
    s.run({ settings: { errorBehavior: { ...spec().settings.errorBehavior, tableErrorPolicy: 'STOP_TASK' } } });
    const o = await s.reporter.finishedPromise;
    assert.match(o.kind === 'failed' ? o.message : '', /Table "app"."people" could not be loaded: permission denied for schema app/);
  });

  it('prepares tables per TargetTablePrepMode and adds the key after the load when asked', async () => {
    const target = new FakeTarget();
    const t = setup({ tables: [people(3)], target });
    t.run({ settings: { createPkAfterFullLoad: true } });
    await t.reporter.finishedPromise;
    assert.deepEqual(target.ddl, ['ensureSchema app', 'create app.people', 'addPrimaryKey app.people (id)']);
    assert.ok(target.tables.get('app.people')!.withPk);

    // DO_NOTHING keeps the table and appends; TRUNCATE_BEFORE_LOAD empties it first.
    for (const [mode, expected] of [['DO_NOTHING', 6], ['TRUNCATE_BEFORE_LOAD', 3], ['DROP_AND_CREATE', 3]] as const) {
      const again = setup({ tables: [people(3)], target });
      target.ddl.length = 0;
      again.run({ settings: { targetTablePrepMode: mode } });
      await again.reporter.finishedPromise;
      target.tables.get('app.people')!.rows.splice(3); // back to 3 rows for the next mode
      assert.equal(again.reporter.last('people')!.fullLoadRows, 3);
      if (mode === 'DO_NOTHING') assert.deepEqual(target.ddl, []);
      if (mode === 'TRUNCATE_BEFORE_LOAD') assert.deepEqual(target.ddl, ['truncate app.people']);
      if (mode === 'DROP_AND_CREATE') assert.deepEqual(target.ddl, ['drop app.people', 'ensureSchema app', 'create app.people with pk']);
      void expected;
    }
  });

  it('reports the LOB values limited LOB mode truncates, and leaves LOBs out without SupportLobs', async () => {
    const t = setup({ tables: [notes()] });
    t.run({ settings: { limitedSizeLobMode: true, lobMaxSizeKb: 1 } });
    await t.reporter.finishedPromise;
    const s = t.reporter.last('notes')!;
    assert.equal(s.truncatedLobValues, 2);
    assert.match(s.detail ?? '', /2 LOB values truncated to 1 KB \(limited LOB mode\): body: 2/);
    assert.match(t.log(), /\[SOURCE_UNLOAD\s*\]W:  Table "app"."notes": 2 LOB values truncated to 1 KB/);
    assert.equal((t.target.tables.get('app.notes')!.rows[1]![2] as string).length, 1024);

    const x = setup({ tables: [notes()] });
    x.run({ settings: { supportLobs: false } });
    await x.reporter.finishedPromise;
    assert.deepEqual(x.source.reads[0]!.columns, ['id', 'name']);
    assert.deepEqual(x.target.tables.get('app.notes')!.rows[0], ['1', 'name 1', null]);
    assert.ok(x.target.tables.get('app.notes')!.def.columns[2]!.nullable);
    assert.match(x.log(), /LOB columns body are not migrated \(SupportLobs is false\)/);
  });

  it('loads table-settings ranges in parallel within MaxFullLoadSubTasks, and splits big keyed tables', async () => {
    const ranged = identityPlanner((p) => ({ ...p, ranges: { columns: ['id'], boundaries: [['10'], ['20'], ['30']] } }));
    const t = setup({ tables: [people(45)], planner: ranged, sourceOpts: { batchDelayMs: 5 } });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, t.target.openWriters)), 1);
    t.run({ settings: { maxFullLoadSubTasks: 3, commitRate: 4 } });
    await t.reporter.finishedPromise;
    clearInterval(timer);
    assert.equal(t.reporter.last('people')!.fullLoadRows, 45);
    assert.deepEqual(t.target.tables.get('app.people')!.rows.map((r) => Number(r[0])).sort((a, b) => a - b), Array.from({ length: 45 }, (_, i) => i + 1));
    assert.deepEqual(t.source.reads.map((r) => r.range), [
      { columns: ['id'], upTo: ['10'] },
      { columns: ['id'], after: ['10'], upTo: ['20'] },
      { columns: ['id'], after: ['20'], upTo: ['30'] },
      { columns: ['id'], after: ['30'] },
    ]);
    assert.ok(peak >= 2 && peak <= 3, `peak ${peak}`);

    const big = people(60);
    const estimated: FakeTable = { ...big, info: { ...big.info, estimatedRows: 2_000_000 } };
    const a = setup({ tables: [estimated] });
    a.run({ settings: { maxFullLoadSubTasks: 4 } });
    await a.reporter.finishedPromise;
    assert.equal(a.source.reads.length, 4);
    assert.equal(a.target.tables.get('app.people')!.rows.length, 60);
    assert.match(a.log(), /split automatically into 4 key ranges/);
  });

  it('loads one table at a time with MaxFullLoadSubTasks 1, in load order', async () => {
    const t = setup({ tables: [people(5), notes(), fakeTable('app', 'third', [['id', types.int4]], [['1']])], sourceOpts: { batchDelayMs: 2 } });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, t.target.openWriters)), 1);
    t.run({ settings: { maxFullLoadSubTasks: 1 } });
    await t.reporter.finishedPromise;
    clearInterval(timer);
    assert.equal(peak, 1);
    assert.deepEqual(t.source.reads.map((r) => r.table.name), ['people', 'notes', 'third']);
  });

  it('starts the largest table first among tables of the same load order (its path is the longest)', async () => {
    const t = setup({ tables: [people(3), fakeTable('app', 'big', [['id', types.int4]], numbered(40).map((r) => [r[0]!])), notes()] });
    t.run({ settings: { maxFullLoadSubTasks: 1 } });
    await t.reporter.finishedPromise;
    // big (40 rows) first; notes and people (5 and 3 rows estimated) after it, largest first.
    assert.deepEqual(t.source.reads.map((r) => r.table.name), ['big', 'notes', 'people']);
  });

  it('stops promptly mid-load: loading tables cancelled, queued ones stay Before load, NORMAL', async () => {
    const t = setup({ tables: [people(100_000), notes()], sourceOpts: { batchDelayMs: 20 } });
    t.run({ settings: { maxFullLoadSubTasks: 1, commitRate: 1000 } });
    while (!(t.reporter.last('people')?.fullLoadRows)) await new Promise((r) => setTimeout(r, 5));
    const began = Date.now();
    await t.supervisor.stop(t.arn);
    assert.ok(Date.now() - began < 1000, 'stopped promptly');
    assert.deepEqual(t.reporter.outcome, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
    assert.equal(t.reporter.last('people')!.state, 'Table cancelled');
    assert.equal(t.reporter.last('notes')!.state, 'Before load');
    assert.equal(t.supervisor.isRunning(t.arn), false);
    assert.ok(t.source.closed && t.target.closed);
    assert.equal(t.target.openWriters, 0);
    // Idempotent once stopped.
    await t.supervisor.stop(t.arn);
  });

  it('resume-processing leaves completed tables alone and reloads the rest from scratch', async () => {
    const target = new FakeTarget();
    const first = setup({ tables: [people(5), notes()], target });
    first.run();
    await first.reporter.finishedPromise;
    target.tables.get('app.notes')!.rows.splice(2); // as if the previous run stopped half way
    const t = setup({ tables: [people(5), notes()], target });
    target.ddl.length = 0;
    t.run({ startType: 'resume-processing', completedTables: [{ schema: 'app', name: 'people' }], settings: { targetTablePrepMode: 'DO_NOTHING' } });
    await t.reporter.finishedPromise;
    assert.deepEqual(target.ddl, ['truncate app.notes']);
    assert.deepEqual(t.source.reads.map((r) => r.table.name), ['notes']);
    assert.equal(target.tables.get('app.notes')!.rows.length, 5);
    assert.equal(target.tables.get('app.people')!.rows.length, 5);
    assert.equal(t.reporter.last('people'), undefined, 'completed tables are not reported again');
    assert.equal(t.reporter.lastProgress()!.tablesLoaded, 2);
  });

  it('refuses a second start while a run is in progress, and survives a failing reporter', async () => {
    const t = setup({ tables: [people(100_000)], sourceOpts: { batchDelayMs: 20 } });
    const { spec: s } = t.run();
    assert.throws(() => t.supervisor.start(s), RunInProgressError);
    await t.supervisor.stop(t.arn);

    const broken = setup({ tables: [people(10)] });
    broken.reporter.tables = () => {
      throw new Error('store is down');
    };
    broken.run();
    assert.deepEqual(await broken.reporter.finishedPromise, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    assert.equal(broken.target.tables.get('app.people')!.rows.length, 10);
  });

  it('close() stops every run', async () => {
    const t = setup({ tables: [people(100_000)], sourceOpts: { batchDelayMs: 20 } });
    t.run();
    await t.supervisor.close();
    assert.deepEqual(t.reporter.outcome, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
    t.supervisor.start(spec({ taskArn: 'arn:x:task:after-close' }));
  });
});
