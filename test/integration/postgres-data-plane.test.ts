/**
 * The PostgreSQL full-load data plane against the real local server: source (catalog,
 * snapshot, COPY reads, filters, ranges, LOB limits, splits) and target (DDL from neutral
 * types, COPY writers). The oracle is PostgreSQL itself: source and target tables are
 * compared through their text forms, read with the same session settings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { PostgresConnector } from '../../src/connectors/postgres/postgres-connector.js';
import { PostgresDataLoadError } from '../../src/connectors/postgres/postgres-errors.js';
import { dataSessionSettings } from '../../src/connectors/postgres/postgres-session.js';
import { pgCreateDatabase, pgDropDatabase, pgQuery, pgTextRows, uniqueSuffix } from '../helpers/databases.js';
import { DataLoadError, type ConnectionParams, type Row, type SourceSession, type TableInfo, type TargetSession, type TargetColumn, type ColumnFilter, type ReadRequest } from '../../src/connectors/spi/index.js';

const suffix = uniqueSuffix();
const srcDb = `opendms_it_pgdp_src_${suffix}`;
const dstDb = `opendms_it_pgdp_dst_${suffix}`;
const connector = new PostgresConnector();
const params = (database: string): ConnectionParams => ({ engineName: 'postgres', host: '127.0.0.1', port: 5432, database, username: 'postgres', ssl: { mode: 'none' } });
const signal = (): AbortSignal => new AbortController().signal;

/** Rows of a query in `database`, in a session set up as the connector's data sessions are. */
const sql = <T extends pg.QueryResultRow = Record<string, unknown>>(database: string, text: string, values: unknown[] = []): Promise<T[]> =>
  pgQuery<T>(database, text, values, { setup: dataSessionSettings });

async function collect(it: AsyncIterable<Row[]>): Promise<{ rows: Row[]; batches: number[] }> {
  const rows: Row[] = [];
  const batches: number[] = [];
  for await (const b of it) {
    batches.push(b.length);
    rows.push(...b);
  }
  return { rows, batches };
}

function req(schema: string, name: string, columns: string[], extra: Partial<ReadRequest> = {}): ReadRequest {
  return { table: { schema, name }, columns, filters: [], batchRows: 1000, ...extra };
}

/** Each column's text form (its type's output function), row by row in key order: what both sides must agree on. */
async function textForms(database: string, table: string, columns: readonly string[], orderBy: string): Promise<string[][]> {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return (await pgTextRows(database, `SELECT ${list} FROM ${table} ORDER BY ${orderBy}`, { setup: dataSessionSettings })) as string[][];
}

async function copyTable(source: SourceSession, target: TargetSession, info: TableInfo, targetSchema: string, opts: { withPrimaryKey?: boolean; batchRows?: number } = {}): Promise<string[]> {
  const columns: TargetColumn[] = info.columns.filter((c) => !c.generated).map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  await target.ensureSchema(targetSchema, signal());
  const notices = await target.createTable({ schema: targetSchema, name: info.name, columns, primaryKey: info.primaryKey }, { withPrimaryKey: opts.withPrimaryKey ?? true }, signal());
  const writer = await target.openWriter({ schema: targetSchema, name: info.name }, columns, signal());
  try {
    for await (const batch of source.read(req(info.schema, info.name, columns.map((c) => c.name), { batchRows: opts.batchRows ?? 1000 }), signal())) {
      await writer.write(batch);
    }
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return notices.map((n) => `${n.column}: ${n.message}`);
}

const allTypesDdl = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy ''quoted''', 'ünï');
  CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
  CREATE TABLE alltypes (
    id integer PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint, n numeric, n52 numeric(5,2), n40 numeric(40,0),
    f4 real, f8 double precision, c5 char(5), vc varchar(20), t text, by bytea, d date, tm time(3), tmz timetz,
    ts timestamp, tstz timestamptz(6), j json, jb jsonb, u uuid, e mood, ai integer[], at text[], ae mood[],
    bt bit(4), vb varbit(8), iv interval, ip inet, cd cidr, mac macaddr, m money, pt point, tsv tsvector, x xml,
    rng int4range, dom posint, nm name
  );
  INSERT INTO alltypes VALUES
   (1, true, -32768, 2147483647, -9223372036854775808, 123456789012345678901234567890.123456789, 123.45, 1234567890123456789012345678901234567890,
    3.4028235e38, '-0', 'ab', 'héllo 😀', E'tab\\there\\nnewline \\\\ back\\rslash 😀𝄞', '\\x00ff10'::bytea, '2024-02-29', '23:59:59.999', '12:00:00+05:30',
    '2024-02-29 13:14:15.123456', '2024-06-01 12:00:00.123456+05:30', '{"a": [1, 2.50, "ü😀"], "b": {"c": null}}', '{"z": 1, "a": "\\u00e9😀"}',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'happy ''quoted''', '{1,NULL,3}', ARRAY['a"b', NULL, 'c\\d', 'with space', '', 'NULL'], '{sad,ünï}',
    B'1010', B'101', '1 year 2 mons 3 days 04:05:06.5', '192.168.1.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', 12.34, '(1.5,-2)', 'a:1 fat:2 cat:3', '<a>x</a>',
    '[1,10)', 7, 'a name'),
   (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
   (3, false, 0, 0, 0, 'NaN', -0.01, -1, 'NaN', 'Infinity', '', '', '', ''::bytea, 'infinity', '00:00:00', '00:00:00-08', '-infinity', 'infinity',
    '"\\\\ \\" \\u0000 \\n"', '[]', '00000000-0000-0000-0000-000000000000', 'sad', '{}', '{}', '{}', B'0000', B'', '-1 days', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', -0.01,
    '(0,0)', '', '<?xml version="1.0"?><r/>', 'empty', 1, ''),
   (4, true, 1, 1, 1, '-Infinity', 0, 0, '-Infinity', 1.0000000000000002, 'x', 'x', '\\N', '\\x5c4e', '0044-03-15 BC', '24:00:00', '24:00:00+00',
    '1999-12-31 23:59:59', '0001-01-01 00:00:00+00 BC', '1e400', '{"k": 12345678901234567890}', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'ok', '{{1,2},{3,4}}', '{"\\\\"}', NULL, B'1111',
    B'11111111', '0', '0.0.0.0', '0.0.0.0/0', '00:00:00:00:00:00', 0, '(1e10,1e-10)', 'x', 'just text', '(,)', 2147483647, 'x');
  UPDATE alltypes SET by = (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea ORDER BY g) FROM generate_series(0, 255) g) WHERE id = 1;
  CREATE VIEW alltypes_view AS SELECT id, t FROM alltypes;
  ANALYZE alltypes;
`;

describe('PostgreSQL data plane', () => {
  let source: SourceSession;
  let target: TargetSession;

  before(async () => {
    await pgCreateDatabase(srcDb);
    await pgCreateDatabase(dstDb);
    await sql(srcDb, allTypesDdl);
    await sql(srcDb, `
      CREATE SCHEMA other;
      CREATE TABLE other.keys (b text, a integer, u1 integer NOT NULL, u2 text, total integer GENERATED ALWAYS AS (a * 2) STORED,
        PRIMARY KEY (b, a), UNIQUE (u2, u1));
      CREATE TABLE other.nokey (x integer);
      INSERT INTO other.keys (b, a, u1, u2) SELECT chr(97 + g % 5), g, g, 'u' || g FROM generate_series(1, 100) g;
      CREATE TABLE filt (id integer PRIMARY KEY, n integer, s text);
      INSERT INTO filt SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g END, 'v' || g FROM generate_series(1, 50) g;
      CREATE TABLE lobs (id integer PRIMARY KEY, t text, b bytea, j jsonb);
      INSERT INTO lobs VALUES (1, repeat('é', 10), '\\x0102030405', '{"a": "bcdefghij"}'), (2, 'short', '\\x01', '{}'), (3, NULL, NULL, NULL),
        (4, repeat('😀', 6), decode(repeat('ab', 20), 'hex'), '[1, 2, 3, 4, 5, 6]');
      CREATE TABLE big (id integer PRIMARY KEY, pad text, n numeric);
      INSERT INTO big SELECT g, repeat(md5(g::text), 16), g * 1.5 FROM generate_series(1, 300000) g;
      ANALYZE;
    `);
    source = await connector.openSource(params(srcDb), signal());
    target = await connector.openTarget(params(dstDb), signal());
  });

  after(async () => {
    await source?.close();
    await target?.close();
    await pgDropDatabase(srcDb);
    await pgDropDatabase(dstDb);
  });

  it('lists tables and views with columns in order, neutral types, keys, generated flags and estimates', async () => {
    const tables = await source.listTables(signal());
    const names = tables.map((t) => `${t.schema}.${t.name}:${t.kind}`);
    assert.deepEqual(names, ['other.keys:table', 'other.nokey:table', 'public.alltypes:table', 'public.alltypes_view:view', 'public.big:table', 'public.filt:table', 'public.lobs:table']);
    const keys = tables.find((t) => t.name === 'keys')!;
    assert.deepEqual(keys.primaryKey, ['b', 'a']);
    assert.deepEqual(keys.uniqueKeys, [['u2', 'u1']]);
    assert.deepEqual(keys.columns.map((c) => [c.name, c.nativeType, c.nullable, c.generated]), [
      ['b', 'text', false, false],
      ['a', 'integer', false, false],
      ['u1', 'integer', false, false],
      ['u2', 'text', true, false],
      ['total', 'integer', true, true],
    ]);
    assert.equal(keys.estimatedRows, 100);
    assert.ok(keys.estimatedBytes > 0);
    assert.equal(tables.find((t) => t.name === 'big')!.estimatedRows, 300000);
    assert.equal(tables.find((t) => t.name === 'nokey')!.estimatedRows, 0);
    const all = tables.find((t) => t.name === 'alltypes')!;
    const type = (name: string): unknown => all.columns.find((c) => c.name === name)!.type;
    assert.deepEqual(type('i2'), { kind: 'int', bytes: 2, unsigned: false });
    assert.deepEqual(type('n'), { kind: 'decimal' });
    assert.deepEqual(type('n52'), { kind: 'decimal', precision: 5, scale: 2 });
    assert.deepEqual(type('f4'), { kind: 'float', bytes: 4 });
    assert.deepEqual(type('c5'), { kind: 'char', length: 5 });
    assert.deepEqual(type('vc'), { kind: 'varchar', length: 20 });
    assert.deepEqual(type('by'), { kind: 'blob' });
    assert.deepEqual(type('tm'), { kind: 'time', precision: 3 });
    assert.deepEqual(type('ts'), { kind: 'timestamp', withTimeZone: false });
    assert.deepEqual(type('tstz'), { kind: 'timestamp', precision: 6, withTimeZone: true });
    assert.deepEqual(type('jb'), { kind: 'json', binary: true });
    assert.deepEqual(type('e'), { kind: 'enum', values: ['sad', 'ok', "happy 'quoted'", 'ünï'], name: 'mood' });
    assert.deepEqual(type('ai'), { kind: 'array', element: { kind: 'int', bytes: 4, unsigned: false }, nativeElement: 'integer' });
    assert.deepEqual(type('ae'), { kind: 'array', element: { kind: 'enum', values: ['sad', 'ok', "happy 'quoted'", 'ünï'], name: 'mood' }, nativeElement: 'mood' });
    assert.deepEqual(type('bt'), { kind: 'bit', length: 4, varying: false });
    assert.deepEqual(type('vb'), { kind: 'bit', length: 8, varying: true });
    assert.deepEqual(type('iv'), { kind: 'native', engine: 'postgres', type: 'interval' });
    assert.deepEqual(type('tmz'), { kind: 'native', engine: 'postgres', type: 'time with time zone' });
    assert.deepEqual(type('dom'), { kind: 'int', bytes: 4, unsigned: false }, 'a domain maps as its base type');
    assert.equal(all.columns.find((c) => c.name === 'dom')!.nativeType, 'posint');
    assert.deepEqual(type('nm'), { kind: 'varchar', length: 63 });
  });

  it('reads canonical values', async () => {
    const tables = await source.listTables(signal());
    const all = tables.find((t) => t.name === 'alltypes')!;
    const cols = all.columns.map((c) => c.name);
    const { rows } = await collect(source.read(req('public', 'alltypes', cols), signal()));
    const byId = new Map(rows.map((r) => [r[0], Object.fromEntries(cols.map((c, i) => [c, r[i]]))]));
    const r1 = byId.get('1')!;
    assert.equal(r1.b, true);
    assert.equal(r1.i8, '-9223372036854775808');
    assert.equal(r1.n, '123456789012345678901234567890.123456789');
    assert.equal(r1.n40, '1234567890123456789012345678901234567890');
    assert.equal(r1.f4, '3.4028235e+38');
    assert.equal(r1.f8, '-0');
    assert.equal(r1.c5, 'ab   ');
    assert.equal(r1.t, 'tab\there\nnewline \\ back\rslash 😀𝄞');
    assert.ok(Buffer.isBuffer(r1.by));
    assert.deepEqual([...(r1.by as Buffer)], Array.from({ length: 256 }, (_, i) => i));
    assert.equal(r1.tm, '23:59:59.999');
    assert.equal(r1.ts, '2024-02-29 13:14:15.123456');
    assert.equal(r1.tstz, '2024-06-01 06:30:00.123456+00');
    assert.equal(r1.u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    assert.equal(r1.e, "happy 'quoted'");
    assert.equal(r1.at, '{"a\\"b",NULL,"c\\\\d","with space","","NULL"}');
    assert.equal(r1.bt, '1010');
    assert.equal(r1.iv, '1 year 2 mons 3 days 04:05:06.5');
    assert.ok(Object.entries(byId.get('2')!).every(([k, v]) => k === 'id' || v === null), 'NULLs stay NULL');
    const r3 = byId.get('3')!;
    assert.equal(r3.b, false);
    assert.equal(r3.n, 'NaN');
    assert.equal(r3.f8, 'Infinity');
    assert.equal(r3.t, '', 'empty string is not NULL');
    assert.deepEqual(r3.by, Buffer.alloc(0));
    assert.equal(r3.d, 'infinity');
    assert.equal(r3.tstz, 'infinity');
    const r4 = byId.get('4')!;
    assert.equal(r4.t, '\\N', 'a backslash-N text is data');
    assert.equal(r4.f8, '1.0000000000000002');
    assert.equal(r4.d, '0044-03-15 BC');
  });

  it('copies every type to another database: the target holds the same text forms', async () => {
    const tables = await source.listTables(signal());
    const all = tables.find((t) => t.name === 'alltypes')!;
    const notices = await copyTable(source, target, all, 'copy1', { batchRows: 2 });
    assert.deepEqual(notices, []);
    const cols = all.columns.map((c) => c.name);
    assert.deepEqual(await textForms(dstDb, 'copy1.alltypes', cols, 'id'), await textForms(srcDb, 'public.alltypes', cols, 'id'));
    // Same declared types, the enum created in the target schema (domains become their base type).
    const types = async (db: string, schema: string): Promise<string[]> =>
      (await sql<{ t: string }>(db, `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum`, [`${schema}.alltypes`])).map((r) => r.t);
    const src = await types(srcDb, 'public');
    const dst = await types(dstDb, 'copy1');
    assert.deepEqual(
      dst,
      src.map((t) => ({ posint: 'integer', mood: 'copy1.mood', 'mood[]': 'copy1.mood[]', name: 'character varying(63)' })[t] ?? t),
    );
    const pk = await sql<{ cols: string }>(dstDb, `SELECT pg_get_constraintdef(oid) AS cols FROM pg_constraint WHERE conrelid = 'copy1.alltypes'::regclass AND contype = 'p'`);
    assert.deepEqual(pk.map((r) => r.cols), ['PRIMARY KEY (id)']);
    // A second table with the same enum reuses the type.
    const again = await target.createTable({ schema: 'copy1', name: 'again', columns: [{ name: 'e', type: all.columns.find((c) => c.name === 'e')!.type, nullable: true }], primaryKey: [] }, { withPrimaryKey: true }, signal());
    assert.deepEqual(again, []);
    const enums = await sql<{ n: string }>(dstDb, `SELECT count(*)::text AS n FROM pg_type WHERE typtype = 'e' AND typnamespace = 'copy1'::regnamespace`);
    assert.equal(enums[0]!.n, '1');
  });

  it('filters: every operator, conditions OR-ed, filters AND-ed, values bound', async () => {
    const ids = async (filters: ColumnFilter[]): Promise<number[]> =>
      (await collect(source.read(req('public', 'filt', ['id'], { filters }), signal()))).rows.map((r) => Number(r[0])).sort((a, b) => a - b);
    const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'eq', value: '7' }] }]), [7]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'noteq', value: '7' }] }]), range(1, 50).filter((i) => i !== 7 && i % 10 !== 0));
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'lte', value: '3' }] }]), [1, 2, 3]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'gte', value: '48' }] }]), [48, 49]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'between', start: '5', end: '8' }] }]), [5, 6, 7, 8]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'notbetween', start: '2', end: '49' }] }]), [1]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'null' }] }]), [10, 20, 30, 40, 50]);
    assert.equal((await ids([{ column: 'n', conditions: [{ op: 'notnull' }] }])).length, 45);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'eq', value: '1' }, { op: 'gte', value: '49' }, { op: 'null' }] }]), [1, 10, 20, 30, 40, 49, 50]);
    assert.deepEqual(
      await ids([
        { column: 'n', conditions: [{ op: 'between', start: '1', end: '20' }] },
        { column: 's', conditions: [{ op: 'eq', value: 'v3' }, { op: 'eq', value: 'v13' }, { op: 'eq', value: 'v33' }] },
      ]),
      [3, 13],
    );
    // An injection attempt is just a value.
    assert.deepEqual(await ids([{ column: 's', conditions: [{ op: 'eq', value: "x' OR '1'='1" }] }]), []);
  });

  it('key ranges on a composite key from splitPoints cover the table exactly once', async () => {
    const points = await source.splitPoints({ schema: 'other', name: 'keys' }, ['b', 'a'], 4, signal());
    assert.equal(points.length, 3);
    for (let i = 1; i < points.length; i++) assert.notDeepEqual(points[i], points[i - 1]);
    const bounds: [string[] | undefined, string[] | undefined][] = [];
    for (let i = 0; i <= points.length; i++) bounds.push([points[i - 1], points[i]]);
    const seen: string[] = [];
    const sizes: number[] = [];
    for (const [after, upTo] of bounds) {
      const { rows } = await collect(
        source.read(req('other', 'keys', ['b', 'a', 'total'], { range: { columns: ['b', 'a'], ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) } }), signal()),
      );
      sizes.push(rows.length);
      seen.push(...rows.map((r) => `${r[0]}/${r[1]}`));
      for (const r of rows) assert.equal(r[2], String(Number(r[1]) * 2), 'generated columns are read');
    }
    assert.equal(seen.length, 100);
    assert.equal(new Set(seen).size, 100);
    assert.ok(sizes.every((s) => s === 25), `even parts: ${sizes.join(',')}`);
    // Explicit tuple comparison: (b, a) > ('b', 50) AND (b, a) <= ('c', 12)
    const { rows } = await collect(source.read(req('other', 'keys', ['b', 'a'], { range: { columns: ['b', 'a'], after: ['b', '51'], upTo: ['c', '12'] } }), signal()));
    assert.deepEqual(rows.map((r) => `${r[0]}/${r[1]}`).sort(), ['b/56', 'b/61', 'b/66', 'b/71', 'b/76', 'b/81', 'b/86', 'b/91', 'b/96', 'c/12', 'c/2', 'c/7'].sort());
    assert.deepEqual(await source.splitPoints({ schema: 'other', name: 'keys' }, ['b', 'a'], 1, signal()), []);
    assert.deepEqual(await source.splitPoints({ schema: 'other', name: 'nokey' }, ['x'], 4, signal()), []);
    const bigPoints = await source.splitPoints({ schema: 'public', name: 'big' }, ['id'], 3, signal());
    assert.deepEqual(bigPoints, [['100000'], ['200000']]);
    // No columns at all: rows without values (a count).
    assert.equal((await collect(source.read(req('public', 'filt', []), signal()))).rows.every((r) => r.length === 0), true);
  });

  it('splits a big table (by its statistics) from a TABLESAMPLE, not a full sort', async () => {
    await sql(srcDb, `UPDATE pg_class SET reltuples = 3e6 WHERE oid = 'public.big'::regclass`);
    const s = await connector.openSource(params(srcDb), signal());
    try {
      const points = (await s.splitPoints({ schema: 'public', name: 'big' }, ['id'], 3, signal())).map((p) => Number(p[0]));
      assert.equal(points.length, 2, JSON.stringify(points));
      assert.ok(points[0]! < points[1]!);
      assert.ok(Math.abs(points[0]! - 100000) < 60000 && Math.abs(points[1]! - 200000) < 60000, JSON.stringify(points));
    } finally {
      await s.close();
      await sql(srcDb, 'ANALYZE public.big');
    }
  });

  it('lobLimits cut LOBs in the query; countOversized reports what will be cut', async () => {
    const limits = new Map([['t', 5], ['b', 3], ['j', 8]]);
    const counts = await source.countOversized({ schema: 'public', name: 'lobs' }, [], limits, signal());
    assert.deepEqual(Object.fromEntries(counts), { t: 2, b: 2, j: 2 });
    const filtered = await source.countOversized({ schema: 'public', name: 'lobs' }, [{ column: 'id', conditions: [{ op: 'eq', value: '1' }] }], limits, signal());
    assert.deepEqual(Object.fromEntries(filtered), { t: 1, b: 1, j: 1 });
    const { rows } = await collect(source.read(req('public', 'lobs', ['id', 't', 'b', 'j'], { lobLimits: limits }), signal()));
    const byId = new Map(rows.map((r) => [r[0], r]));
    assert.deepEqual(byId.get('1'), ['1', 'ééééé', Buffer.from([1, 2, 3]), '{"a": "b']);
    assert.deepEqual(byId.get('2'), ['2', 'short', Buffer.from([1]), '{}']);
    assert.deepEqual(byId.get('3'), ['3', null, null, null]);
    assert.deepEqual(byId.get('4'), ['4', '😀😀😀😀😀', Buffer.from([0xab, 0xab, 0xab]), '[1, 2, 3']);
  });

  it('reads from the snapshot taken when the session opened', async () => {
    const s = await connector.openSource(params(srcDb), signal());
    try {
      await sql(srcDb, `INSERT INTO filt VALUES (1000, 1000, 'late'); UPDATE filt SET s = 'changed' WHERE id = 1`);
      const { rows } = await collect(s.read(req('public', 'filt', ['id', 's']), signal()));
      assert.equal(rows.length, 50);
      assert.ok(!rows.some((r) => r[0] === '1000'));
      assert.deepEqual(rows.find((r) => r[0] === '1'), ['1', 'v1']);
      const counts = await s.countOversized({ schema: 'public', name: 'filt' }, [{ column: 'id', conditions: [{ op: 'gte', value: '1000' }] }], new Map([['s', 0]]), signal());
      assert.equal(counts.get('s'), 0);
      // A new session sees the change.
      const fresh = await connector.openSource(params(srcDb), signal());
      try {
        assert.equal((await collect(fresh.read(req('public', 'filt', ['id']), signal()))).rows.length, 51);
      } finally {
        await fresh.close();
      }
    } finally {
      await s.close();
      await sql(srcDb, `DELETE FROM filt WHERE id = 1000; UPDATE filt SET s = 'v1' WHERE id = 1`);
    }
  });

  it('streams 300k rows source -> target in batches with bounded memory', async (t) => {
    const tables = await source.listTables(signal());
    const big = tables.find((t) => t.name === 'big')!;
    const columns: TargetColumn[] = big.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
    await target.ensureSchema('bigcopy', signal());
    await target.createTable({ schema: 'bigcopy', name: 'big', columns, primaryKey: big.primaryKey }, { withPrimaryKey: false }, signal());
    const writer = await target.openWriter({ schema: 'bigcopy', name: 'big' }, columns, signal());
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let n = 0;
    let batches = 0;
    for await (const batch of source.read(req('public', 'big', ['id', 'pad', 'n'], { batchRows: 5000 }), signal())) {
      assert.ok(batch.length <= 5000);
      n += batch.length;
      batches++;
      await writer.write(batch);
      if (n % 50_000 === 0) await writer.commit();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await writer.close();
    assert.equal(n, 300000);
    assert.equal(batches, 60);
    // The table is ~160 MB of text; held whole it would take several times that in the heap.
    const growthMb = (peak - rss0) / 1024 / 1024;
    t.diagnostic(`rss growth ${growthMb.toFixed(0)} MB while streaming 300k rows`);
    assert.ok(growthMb < 120, `rss grew by ${growthMb.toFixed(0)} MB`);
    await target.addPrimaryKey({ schema: 'bigcopy', name: 'big' }, ['id'], signal());
    const check = await sql<{ n: string; s: string }>(dstDb, `SELECT count(*)::text AS n, sum(n)::text AS s FROM bigcopy.big`);
    const expect = await sql<{ n: string; s: string }>(srcDb, `SELECT count(*)::text AS n, sum(n)::text AS s FROM public.big`);
    assert.deepEqual(check, expect);
    const diff = await sql<{ n: string }>(dstDb, `SELECT count(*)::text AS n FROM bigcopy.big WHERE pad <> repeat(md5(id::text), 16)`);
    assert.equal(diff[0]!.n, '0');
  });

  it('abort mid-read stops promptly with the caller’s reason and closes the connection', async () => {
    const ac = new AbortController();
    const reason = new Error('stop reading');
    let got = 0;
    const t0 = Date.now();
    await assert.rejects(
      (async () => {
        for await (const batch of source.read(req('public', 'big', ['id', 'pad']), ac.signal)) {
          got += batch.length;
          if (got >= 2000) ac.abort(reason);
        }
      })(),
      (e) => e === reason,
    );
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(got < 300000);
    // Only the session's coordinator (and no reader) stays connected.
    let readers = Infinity;
    for (let i = 0; i < 50 && readers > 1; i++) {
      readers = Number((await sql<{ n: string }>('postgres', `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'opendms'`, [srcDb]))[0]!.n);
      if (readers > 1) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(readers, 1);
    // Aborted before the start: rejects at once.
    const dead = new AbortController();
    dead.abort(reason);
    await assert.rejects(collect(source.read(req('public', 'big', ['id']), dead.signal)), (e) => e === reason);
  });

  it('commit() makes rows durable; abort() rolls back the rest; close() commits', async () => {
    const cols: TargetColumn[] = [{ name: 'id', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: false }, { name: 'v', type: { kind: 'text' }, nullable: true }];
    await target.createTable({ schema: 'public', name: 'commits', columns: cols, primaryKey: ['id'] }, { withPrimaryKey: true }, signal());
    const count = async (): Promise<number> => Number((await sql<{ n: string }>(dstDb, 'SELECT count(*)::text AS n FROM public.commits'))[0]!.n);
    const w = await target.openWriter({ schema: 'public', name: 'commits' }, cols, signal());
    await w.write([['1', 'a'], ['2', null]]);
    assert.equal(await count(), 0, 'not visible before commit');
    await w.commit();
    assert.equal(await count(), 2);
    await w.write([['3', 'c']]);
    await w.abort();
    assert.equal(await count(), 2);
    const w2 = await target.openWriter({ schema: 'public', name: 'commits' }, cols, signal());
    await w2.write([['3', 'c']]);
    await w2.close();
    assert.equal(await count(), 3);
    await assert.rejects(w2.write([['4', 'd']]), /closed/);
    await target.truncateTable({ schema: 'public', name: 'commits' }, signal());
    assert.equal(await count(), 0);
    assert.equal(await target.tableExists({ schema: 'public', name: 'commits' }, signal()), true);
    await target.dropTable({ schema: 'public', name: 'commits' }, signal());
    assert.equal(await target.tableExists({ schema: 'public', name: 'commits' }, signal()), false);
  });

  it('a refused row fails its batch with a DataLoadError naming the row; the batch can be retried row by row', async () => {
    const cols: TargetColumn[] = [
      { name: 'id', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: false },
      { name: 'v', type: { kind: 'varchar', length: 3 }, nullable: false },
    ];
    await target.createTable({ schema: 'public', name: 'refuse', columns: cols, primaryKey: ['id'] }, { withPrimaryKey: true }, signal());
    const w = await target.openWriter({ schema: 'public', name: 'refuse' }, cols, signal());
    await w.write([['1', 'ok']]);
    const batch: Row[] = [['2', 'a'], ['3', 'b'], ['x4', 'c'], ['5', 'toolong'], ['1', 'dup'], ['6', null], ['7', 'z']];
    let caught: unknown;
    await assert.rejects(w.write(batch), (e) => ((caught = e), true));
    assert.ok(caught instanceof DataLoadError, 'the SPI error the engine knows');
    assert.ok(caught instanceof PostgresDataLoadError, String(caught));
    assert.equal(caught.rowNumber, 3);
    assert.equal(caught.rowIndex, 2);
    assert.match(caught.serverMessage, /invalid input syntax/);
    assert.equal(caught.column, 'id');
    assert.equal(caught.sqlState, '22P02');
    assert.match(caught.message, /invalid input syntax for type integer: "x4"/);
    // Row by row: the good rows load, each bad one says why.
    const refused: [number, string, boolean][] = [];
    for (const [i, row] of batch.entries()) {
      try {
        await w.write([row]);
      } catch (e) {
        assert.ok(e instanceof PostgresDataLoadError);
        assert.equal(e.rowNumber, 1);
        refused.push([i + 1, e.sqlState, e.truncation]);
      }
    }
    assert.deepEqual(refused, [[3, '22P02', false], [4, '22001', true], [5, '23505', false], [6, '23502', false]]);
    await w.close();
    const rows = await sql<{ id: number }>(dstDb, 'SELECT id FROM public.refuse ORDER BY id');
    assert.deepEqual(rows.map((r) => r.id), [1, 2, 3, 7]);
  });

  it('creates tables from any neutral type (MySQL ones too) and loads their canonical values', async () => {
    const cols: TargetColumn[] = [
      { name: 'i1', type: { kind: 'int', bytes: 1, unsigned: false }, nullable: false },
      { name: 'u1', type: { kind: 'int', bytes: 1, unsigned: true }, nullable: true },
      { name: 'u2', type: { kind: 'int', bytes: 2, unsigned: true }, nullable: true },
      { name: 'i3', type: { kind: 'int', bytes: 3, unsigned: false }, nullable: true },
      { name: 'u3', type: { kind: 'int', bytes: 3, unsigned: true }, nullable: true },
      { name: 'u4', type: { kind: 'int', bytes: 4, unsigned: true }, nullable: true },
      { name: 'u8', type: { kind: 'int', bytes: 8, unsigned: true }, nullable: true },
      { name: 'd', type: { kind: 'decimal', precision: 65, scale: 30 }, nullable: true },
      { name: 'f', type: { kind: 'float', bytes: 8 }, nullable: true },
      { name: 'b', type: { kind: 'boolean' }, nullable: true },
      { name: 'ch', type: { kind: 'char', length: 0 }, nullable: true },
      { name: 'bin', type: { kind: 'binary', length: 4, fixed: true }, nullable: true },
      { name: 'dt', type: { kind: 'timestamp', precision: 6, withTimeZone: false }, nullable: true },
      { name: 'tm', type: { kind: 'time', precision: 2 }, nullable: true },
      { name: 'js', type: { kind: 'json', binary: false }, nullable: true },
      { name: 'en', type: { kind: 'enum', values: ['x-small', 'small', "it's"] }, nullable: true },
      { name: 'st', type: { kind: 'set', values: ['a', 'b', 'c'] }, nullable: true },
      { name: 'yr', type: { kind: 'year' }, nullable: true },
      { name: 'bits', type: { kind: 'bit', length: 3, varying: false }, nullable: true },
      { name: 'geo', type: { kind: 'native', engine: 'mysql', type: 'geometry' }, nullable: true },
      { name: 'gone', type: { kind: 'native', engine: 'postgres', type: 'no_such_type' }, nullable: true },
      { name: 'arr', type: { kind: 'array', element: { kind: 'varchar', length: 5 }, nativeElement: 'character varying(5)' }, nullable: true },
    ];
    const notices = await target.createTable({ schema: 'public', name: 'fromMysql', columns: cols, primaryKey: ['i1'] }, { withPrimaryKey: false }, signal());
    assert.deepEqual(notices.map((n) => n.column), ['ch', 'st', 'geo', 'gone']);
    const types = await sql<{ n: string; t: string; nn: boolean }>(
      dstDb,
      `SELECT attname AS n, format_type(atttypid, atttypmod) AS t, attnotnull AS nn FROM pg_attribute WHERE attrelid = 'public."fromMysql"'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    assert.deepEqual(types.map((r) => r.t), [
      'smallint', 'smallint', 'integer', 'integer', 'integer', 'bigint', 'numeric(20,0)', 'numeric(65,30)', 'double precision', 'boolean',
      'character(1)', 'bytea', 'timestamp(6) without time zone', 'time(2) without time zone', 'json', '"fromMysql_en_enum"', 'text', 'smallint', 'bit(3)',
      'text', 'text', 'character varying(5)[]',
    ]);
    assert.equal(types[0]!.nn, true);
    assert.equal((await sql(dstDb, `SELECT 1 FROM pg_constraint WHERE conrelid = 'public."fromMysql"'::regclass AND contype = 'p'`)).length, 0);
    const w = await target.openWriter({ schema: 'public', name: 'fromMysql' }, cols, signal());
    await w.write([
      ['-128', '255', '65535', '-8388608', '16777215', '4294967295', '18446744073709551615', '-12345678901234567890123456789012345.123456789012345678901234567890', '1e+100', true, 'x', Buffer.from([0, 1, 2, 3]), '2024-01-02 03:04:05.678901', '10:11:12.5', '{"a":1}', "it's", 'a,c', '2024', '101', 'POINT(1 2)', 'anything', '{"a b","c"}'],
      ['0', null, null, null, null, null, null, null, '-0', false, '', Buffer.alloc(0), null, null, null, null, '', null, null, null, null, null],
    ]);
    await w.close();
    const got = await textForms(dstDb, 'public."fromMysql"', cols.map((c) => c.name), 'i1');
    assert.deepEqual(got[0], ['-128', '255', '65535', '-8388608', '16777215', '4294967295', '18446744073709551615', '-12345678901234567890123456789012345.123456789012345678901234567890', '1e+100', 't', 'x', '\\x00010203', '2024-01-02 03:04:05.678901', '10:11:12.5', '{"a":1}', "it's", 'a,c', '2024', '101', 'POINT(1 2)', 'anything', '{"a b",c}']);
    assert.deepEqual(got[1]!.slice(0, 12), ['0', null, null, null, null, null, null, null, '-0', 'f', ' ', '\\x']);
    // An enum of the same name with other labels: another type, said in a notice.
    const clash = await target.createTable(
      { schema: 'public', name: 'clash', columns: [{ name: 'e', type: { kind: 'enum', values: ['p', 'q'], name: 'fromMysql_en_enum' }, nullable: true }], primaryKey: [] },
      { withPrimaryKey: true },
      signal(),
    );
    assert.deepEqual(clash.map((n) => n.message), ['enum type fromMysql_en_enum exists with other labels: created fromMysql_en_enum_2']);
  });
});
