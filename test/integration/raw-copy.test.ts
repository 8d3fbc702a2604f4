/**
 * The PostgreSQL -> PostgreSQL raw pass-through (engine/full-load/raw-copy.ts) against the
 * real databases: it loads exactly what the row path loads (tricky values), counts rows,
 * commits every CommitRate rows, applies ErrorBehavior to refused rows (also when the
 * refusal comes only at commit), and stays out of the way when a table needs per-row work.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../src/common/logger.js';
import type { Connector, SourceSession } from '../../src/connectors/spi/index.js';
import type { EngineSettings } from '../../src/engine/ports.js';
import { TaskSupervisor } from '../../src/engine/task-supervisor.js';
import { RecordingReporter } from '../unit/engine-fakes.js';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

/**
 * The real connectors, with the PostgreSQL source wrapped: `raw: false` hides readCopy
 * (so the row path runs), and every readCopy call is counted.
 */
function instrumented(raw: boolean): { supervisor: TaskSupervisor; reporter: RecordingReporter; rawReads: { n: number } } {
  const rawReads = { n: 0 };
  const wrap = (c: Connector): Connector => ({
    engines: c.engines,
    testConnection: (p, s) => c.testConnection(p, s),
    listSchemas: (p, s) => c.listSchemas(p, s),
    openTarget: (p, s) => c.openTarget(p, s),
    openSchemaDdl: () => Promise.reject(new Error('openSchemaDdl is not used in this test')),
    openSource: async (p, s) => {
      const inner = await c.openSource(p, s);
      const outer: SourceSession = {
        ...(inner.readsOneSnapshot ? { readsOneSnapshot: true } : {}),
        listTables: (signal) => inner.listTables(signal),
        read: (req, signal) => inner.read(req, signal),
        countOversized: (t, f, l, signal) => inner.countOversized(t, f, l, signal),
        splitPoints: (t, k, n, signal) => inner.splitPoints(t, k, n, signal),
        close: () => inner.close(),
        ...(raw && inner.readCopy
          ? {
              readCopy: (req, signal, opts) => {
                rawReads.n++;
                return inner.readCopy!(req, signal, opts);
              },
            }
          : {}),
      };
      return outer;
    },
  });
  const reporter = new RecordingReporter();
  const supervisor = new TaskSupervisor({
    reporter,
    connectors: { forEngine: (e) => (e === 'postgres' ? wrap(harness.connectors.forEngine('postgres')!) : harness.connectors.forEngine(e)) },
    taskLogs: harness.taskLogs,
    log: createLogger('silent'),
    statsThrottleMs: 0,
  });
  return { supervisor, reporter, rawReads };
}

async function load(src: TestDb, dst: TestDb, raw: boolean, settings: Partial<EngineSettings>, rules: unknown[] = [includeAll(src.schema)]) {
  const inst = instrumented(raw);
  const run = harness.start({ source: src, target: dst, rules, settings: { targetSchema: dst.schema, ...settings }, supervisor: inst.supervisor });
  const outcome = await inst.reporter.finishedPromise;
  return { outcome, reporter: inst.reporter, rawReads: inst.rawReads.n, log: run.log };
}

async function withDbs(work: (src: TestDb, a: TestDb, b: TestDb) => Promise<void>): Promise<void> {
  const src = await TestDb.create('postgres', 'rawsrc');
  const a = await TestDb.create('postgres', 'rawa');
  const b = await TestDb.create('postgres', 'rawb');
  try {
    await work(src, a, b);
  } finally {
    await src.drop();
    await a.drop();
    await b.drop();
  }
}

/** Values COPY text must escape or keep apart: backslashes, tabs, newlines, \N and \. as data, NULL vs ''. */
const tricky = (s: string): string => `
  CREATE TYPE ${s}.mood AS ENUM ('sad', 'ok', 'happy');
  CREATE TABLE ${s}.tricky (id integer PRIMARY KEY, t text, v varchar(40), b bytea, ta text[], ia integer[], j jsonb, flag boolean,
    n numeric(20,6), ts timestamptz, iv interval, m ${s}.mood, u uuid);
  INSERT INTO ${s}.tricky VALUES
    (1, E'back\\\\slash', E'tab\\there', E'\\\\x00ff5c0a'::bytea, ARRAY[E'a\\\\b', 'c"d', NULL, ''], ARRAY[1, NULL, 3], '{"k": "v\\\\n\\"q\\""}', true, 1.5, '2024-01-02 03:04:05.123456+02', '1 day 02:03:04', 'ok', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    (2, E'new\\nline\\r\\nand CR', E'\\\\N', ''::bytea, '{}', '{}', '[]', false, -0.000001, '1970-01-01 00:00:00+00', '-1 mons', 'sad', NULL),
    (3, '', '', NULL, NULL, NULL, 'null', NULL, NULL, NULL, NULL, NULL, NULL),
    (4, NULL, NULL, E'\\\\x5c4e'::bytea, ARRAY['\\.', E'\\\\.'], ARRAY[-2147483648], '{"emoji": "😀", "zh": "中文"}', true, 99999999999999.999999, 'infinity', '0', 'happy', '00000000-0000-0000-0000-000000000000'),
    (5, E'\\\\.', E'\\\\', E'\\\\x'::bytea, ARRAY[E'tab\\tin', E'nl\\nin'], NULL, '{"a": [1, 2.50, null]}', false, 0, '-infinity', '3 years', 'ok', NULL),
    (6, 'Grüße 😀 中文 ✓', 'ümlaut', decode(repeat('00ff', 100), 'hex'), ARRAY['x'], ARRAY[0], '"str"', true, 1e-6, '2000-02-29 23:59:59.999999+00', '1 day', 'happy', NULL);
  INSERT INTO ${s}.tricky SELECT 100 + g, E'row\\t' || g || E'\\n\\\\', 'v' || g, decode(md5(g::text), 'hex'), ARRAY['e' || g], ARRAY[g], jsonb_build_object('g', g), g % 2 = 0, g / 7.0, '2024-01-01'::timestamptz + g * interval '1 minute', g * interval '1 second', 'ok', md5(g::text)::uuid
    FROM generate_series(1, 500) g;
  ANALYZE;`;

/** The task log says, at DEBUG, in which format segments pass COPY data through. */
const debugLoad = { enabled: true, components: { TARGET_LOAD: 'LOGGER_SEVERITY_DEBUG' as const } };

const all = (db: TestDb, table: string): Promise<(string | null)[][]> => db.rows(`SELECT * FROM ${db.q(table)} ORDER BY 1`);

describe('PostgreSQL -> PostgreSQL raw COPY pass-through', () => {
  it('loads exactly what the row path loads, tricky values included, and counts the rows', async () => {
    await withDbs(async (src, a, b) => {
      await src.exec(tricky(src.schema));
      const raw = await load(src, a, true, { commitRate: 50 });
      assert.equal(raw.outcome.kind, 'stopped', raw.log());
      assert.ok(raw.rawReads >= 1, 'the raw path ran');
      const rows = await load(src, b, false, { commitRate: 50 });
      assert.equal(rows.outcome.kind, 'stopped', rows.log());
      assert.equal(rows.rawReads, 0);
      const expected = await all(src, 'tricky');
      assert.equal(expected.length, 506);
      assert.deepEqual(await all(a, 'tricky'), expected);
      assert.deepEqual(await all(b, 'tricky'), expected);
      assert.equal(raw.reporter.last('tricky')?.fullLoadRows, 506);
      assert.equal(rows.reporter.last('tricky')?.fullLoadRows, 506);
      // NULL and '' stay apart.
      assert.deepEqual(await a.rows(`SELECT id, t IS NULL, b IS NULL FROM ${a.q('tricky')} WHERE id IN (3, 4) ORDER BY id`), [['3', 'f', 't'], ['4', 't', 'f']]);
    });
  });

  it('honours CommitRate (one transaction per CommitRate rows), filters, renames and LOB limits', async () => {
    await withDbs(async (src, a) => {
      await src.exec(`CREATE TABLE ${src.schema}.items (id integer PRIMARY KEY, label text, body text);
        INSERT INTO ${src.schema}.items SELECT g, 'item ' || g, repeat('x', g * 20) FROM generate_series(1, 300) g; ANALYZE;`);
      const loc = { 'schema-name': src.schema, 'table-name': 'items' };
      const r = await load(src, a, true, { commitRate: 7, limitedSizeLobMode: true, lobMaxSizeKb: 1 }, [
        { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'rule-action': 'include', 'object-locator': loc, filters: [{ 'filter-type': 'source', 'column-name': 'id', 'filter-conditions': [{ 'filter-operator': 'lte', value: '100' }] }] },
        { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'rule-action': 'rename', 'object-locator': { ...loc, 'column-name': 'label' }, value: 'name' },
      ]);
      assert.equal(r.outcome.kind, 'stopped', r.log());
      assert.ok(r.rawReads >= 1, 'renames, filters and LOB limits do not need the row path');
      const stats = r.reporter.last('items')!;
      assert.equal(stats.fullLoadRows, 100);
      assert.equal(stats.truncatedLobValues, 49); // ids 52..100 have bodies over 1 KB
      const rows = await a.rows(`SELECT id, name, length(body) FROM ${a.q('items')} ORDER BY id`);
      assert.equal(rows.length, 100);
      assert.deepEqual(rows[99], ['100', 'item 100', '1024']);
      // Rows of one transaction share their xmin: 100 rows at CommitRate 7 are 15 transactions of 7 (the last of 2).
      const groups = await a.rows(`SELECT count(*) FROM ${a.q('items')} GROUP BY xmin::text ORDER BY min(id)`);
      assert.deepEqual(groups.map((g) => Number(g[0])), [...Array(14).fill(7), 2]);
    });
  });

  for (const [policy, expectState] of [['LOG_ERROR', 'Table completed'], ['SUSPEND_TABLE', 'Table error']] as const) {
    it(`applies DataErrorPolicy ${policy} to rows the target refuses (CHECK, narrower column)`, async () => {
      await withDbs(async (src, a) => {
        await src.exec(`CREATE TABLE ${src.schema}.acc (id integer PRIMARY KEY, code text NOT NULL);
          INSERT INTO ${src.schema}.acc SELECT g, CASE WHEN g = 77 THEN 'far too long' ELSE 'c' || g END FROM generate_series(1, 200) g; ANALYZE;`);
        await a.exec(`CREATE TABLE ${a.schema}.acc (id integer PRIMARY KEY, code varchar(5) NOT NULL, CONSTRAINT no_41 CHECK (id <> 41))`);
        const r = await load(src, a, true, {
          targetTablePrepMode: 'DO_NOTHING',
          commitRate: 30,
          errorBehavior: { dataErrorPolicy: policy, dataTruncationErrorPolicy: policy, dataErrorEscalationCount: 0, dataErrorEscalationPolicy: 'SUSPEND_TABLE', tableErrorPolicy: 'SUSPEND_TABLE', failOnNoTablesCaptured: true },
        });
        assert.equal(r.outcome.kind, 'stopped', r.log());
        assert.ok(r.rawReads >= 1);
        const stats = r.reporter.last('acc')!;
        assert.equal(stats.state, expectState);
        const ids = (await a.rows(`SELECT id FROM ${a.q('acc')} ORDER BY id`)).map((x) => Number(x[0]));
        if (policy === 'LOG_ERROR') {
          assert.equal(stats.fullLoadErrorRows, 2);
          assert.equal(stats.fullLoadRows, 198);
          assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => i + 1).filter((i) => i !== 41 && i !== 77));
          assert.match(r.log(), /row refused, skipped \(key id='41'\): .*no_41/);
          assert.match(r.log(), /row refused, skipped \(key id='77'\)/);
        } else {
          assert.equal(stats.fullLoadErrorRows, 1);
          assert.match(stats.detail ?? '', /row refused \(key id='41'\)/);
          assert.ok(ids.length <= 40 && ids.every((id) => id < 41), `only what came before the bad row: ${ids.length}`);
        }
      });
    });
  }

  it('replays the rows when the refusal comes only at commit (deferred constraint)', async () => {
    await withDbs(async (src, a) => {
      await src.exec(`CREATE TABLE ${src.schema}.dup (id integer PRIMARY KEY, grp integer NOT NULL);
        INSERT INTO ${src.schema}.dup SELECT g, CASE WHEN g = 60 THEN 10 ELSE g END FROM generate_series(1, 100) g; ANALYZE;`);
      await a.exec(`CREATE TABLE ${a.schema}.dup (id integer PRIMARY KEY, grp integer NOT NULL, CONSTRAINT grp_unique UNIQUE (grp) DEFERRABLE INITIALLY DEFERRED)`);
      const r = await load(src, a, true, { targetTablePrepMode: 'DO_NOTHING', commitRate: 100 });
      assert.equal(r.outcome.kind, 'stopped', r.log());
      const stats = r.reporter.last('dup')!;
      assert.equal(stats.fullLoadErrorRows, 1);
      assert.equal(stats.fullLoadRows, 99);
      const count = Number((await a.rows(`SELECT count(*) FROM ${a.q('dup')}`))[0]![0]);
      assert.equal(count, 99);
    });
  });

  it('passes COPY binary when both sides have the same portable types, COPY text when a column has none (enum, arrays)', async () => {
    await withDbs(async (src, a) => {
      await src.exec(tricky(src.schema));
      await src.exec(`CREATE TABLE ${src.schema}.portable (id bigint PRIMARY KEY, s smallint, f4 real, f8 double precision, n numeric, nf numeric(12,3),
          c char(5), v varchar(10), t text, b bytea, d date, tm time, ts timestamp, tz timestamptz, u uuid, j json, jb jsonb, ok boolean);
        INSERT INTO ${src.schema}.portable VALUES
          (1, -32768, 'NaN', '-0', 'NaN', -0.5, 'ab', '', E'tab\tnl\n', '\\x00ff', '0001-01-01 BC', '24:00:00', '0044-03-15 12:00:00 BC', '-infinity', NULL, '{ "a" : 1 }', '{"b": [1, 2]}', false),
          (2, 32767, 'Infinity', 1e308, 'Infinity', 123456789.125, NULL, 'éü😀', NULL, NULL, 'infinity', '00:00:00.000001', '294276-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'null', 'null', true),
          (3, 0, 1.17549435e-38, 4.9e-324, -0.0001, 0, '', 'x', '', '', '2000-02-29', '12:34:56.789', '1969-12-31 23:59:59.999999', '2038-01-19 03:14:08+00', '00000000-0000-0000-0000-000000000000', '[]', '{}', NULL);
        INSERT INTO ${src.schema}.portable SELECT 100 + g, g, g / 3.0, g / 7.0, g / 11.0, g * 1.001, 'p' || g, 'v' || g, repeat('t', g), decode(md5(g::text), 'hex'),
          date '2000-01-01' - g * 400, '00:00'::time + g * interval '1 second', timestamp '1900-01-01' + g * interval '37 days 1 second', timestamptz '2001-01-01 00:00+00' + g * interval '1 hour',
          md5(g::text)::uuid, json_build_object('g', g), jsonb_build_object('g', g), g % 2 = 0 FROM generate_series(1, 400) g;
        ANALYZE;`);
      const r = await load(src, a, true, { commitRate: 64, logging: debugLoad });
      assert.equal(r.outcome.kind, 'stopped', r.log());
      assert.match(r.log(), /"portable": segment all rows passes COPY binary through/);
      assert.match(r.log(), /"tricky": segment all rows passes COPY text through/);
      assert.equal(r.reporter.last('portable')?.fullLoadRows, 403);
      assert.deepEqual(await all(a, 'portable'), await all(src, 'portable'));
      assert.deepEqual(await all(a, 'tricky'), await all(src, 'tricky'));
    });
  });

  it('replays refused COPY binary row by row (ErrorBehavior applies to the refused rows only)', async () => {
    await withDbs(async (src, a) => {
      await src.exec(`CREATE TABLE ${src.schema}.acc (id integer PRIMARY KEY, code text NOT NULL, amount numeric(10,2), at timestamptz);
        INSERT INTO ${src.schema}.acc SELECT g, 'c' || g, g * 1.25, timestamptz '2020-01-01 00:00+00' + g * interval '1 day' FROM generate_series(1, 150) g; ANALYZE;`);
      await a.exec(`CREATE TABLE ${a.schema}.acc (id integer PRIMARY KEY, code text NOT NULL, amount numeric(10,2), at timestamptz, CONSTRAINT no_99 CHECK (id <> 99))`);
      const r = await load(src, a, true, {
        targetTablePrepMode: 'DO_NOTHING',
        commitRate: 40,
        logging: debugLoad,
        errorBehavior: { dataErrorPolicy: 'LOG_ERROR', dataTruncationErrorPolicy: 'LOG_ERROR', dataErrorEscalationCount: 0, dataErrorEscalationPolicy: 'SUSPEND_TABLE', tableErrorPolicy: 'SUSPEND_TABLE', failOnNoTablesCaptured: true },
      });
      assert.equal(r.outcome.kind, 'stopped', r.log());
      assert.match(r.log(), /"acc": segment all rows passes COPY binary through/);
      assert.match(r.log(), /row refused, skipped \(key id='99'\): .*no_99/);
      const stats = r.reporter.last('acc')!;
      assert.equal(stats.fullLoadErrorRows, 1);
      assert.equal(stats.fullLoadRows, 149);
      assert.deepEqual(await a.rows(`TABLE ${a.q('acc')} ORDER BY id`), (await src.rows(`TABLE ${src.q('acc')} ORDER BY id`)).filter((row) => row[0] !== '99'));
    });
  });

  it('is not used when the table needs per-row work (an added column)', async () => {
    await withDbs(async (src, a) => {
      await src.exec(`CREATE TABLE ${src.schema}.items (id integer PRIMARY KEY, label text);
        INSERT INTO ${src.schema}.items SELECT g, E'a\\tb ' || g FROM generate_series(1, 50) g; ANALYZE;`);
      const loc = { 'schema-name': src.schema, 'table-name': 'items' };
      const r = await load(src, a, true, {}, [
        includeAll(src.schema),
        { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': loc, value: 'twice', expression: '$id * 2', 'data-type': { type: 'int4' } },
      ]);
      assert.equal(r.outcome.kind, 'stopped', r.log());
      assert.equal(r.rawReads, 0);
      assert.deepEqual((await a.rows(`SELECT id, label, twice FROM ${a.q('items')} WHERE id = 7`))[0], ['7', 'a\tb 7', '14']);
      assert.equal(r.reporter.last('items')?.fullLoadRows, 50);
    });
  });
});
