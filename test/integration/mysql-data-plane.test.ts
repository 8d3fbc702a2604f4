/**
 * The MySQL/MariaDB full-load data plane against the real local MariaDB: source (catalog,
 * canonical values, filters, key ranges, LOB limits, split points, streaming, abort) and
 * target (DDL from neutral types, both writer paths, commit semantics, refused rows). The
 * oracle is MariaDB itself: source and target tables compared with EXCEPT.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { MysqlConnector } from '../../src/connectors/mysql/mysql-connector.js';
import { openMysqlTarget } from '../../src/connectors/mysql/mysql-target.js';
import {
  DataLoadError,
  type ColumnInfo,
  type ConnectionParams,
  type ReadRequest,
  type Row,
  type SourceSession,
  type TableInfo,
  type TargetColumn,
  type TargetSession,
} from '../../src/connectors/spi/index.js';
import { mariaConnect, mariaTextValues, uniqueSuffix } from '../helpers/databases.js';

const suffix = uniqueSuffix();
const src = `opendms_dp_src_${suffix}`;
const src2 = `opendms_dp_src2_${suffix}`;
const tgt = `opendms_dp_tgt_${suffix}`;

const connector = new MysqlConnector();
const base: ConnectionParams = { engineName: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', password: '', ssl: { mode: 'none' } };
const srcParams: ConnectionParams = { ...base, database: src };
const sig = (): AbortSignal => new AbortController().signal;

let admin: mysql.Connection;
const q = async <T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> => (await admin.query(sql, values))[0] as T[];

async function readAll(source: SourceSession, req: Partial<ReadRequest> & Pick<ReadRequest, 'table' | 'columns'>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of source.read({ filters: [], batchRows: 1000, ...req }, sig())) rows.push(...batch);
  return rows;
}

const targetColumns = (t: TableInfo): TargetColumn[] => t.columns.filter((c) => !c.generated).map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));

/** An expression that compares a column exactly (bytes for strings, values for numbers). */
function exact(c: ColumnInfo): string {
  const id = `\`${c.name}\``;
  switch (c.type.kind) {
    case 'boolean':
    case 'int':
    case 'decimal':
    case 'float':
      return id;
    case 'bit':
      return `${id} + 0`;
    case 'native':
      if (c.nativeType === 'point') return `CONCAT(ST_SRID(${id}), HEX(ST_AsBinary(${id})))`;
      return `HEX(CAST(${id} AS BINARY))`;
    default:
      return `HEX(CAST(${id} AS BINARY))`;
  }
}

/** Rows of a.t missing from b.t and the other way round, column by column: [] when equal. */
async function differences(info: TableInfo, a: string, b: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of info.columns.filter((x) => !x.generated && x.name !== 'id')) {
    const e = exact(c);
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const rows = await q(`SELECT id, ${e} AS v FROM \`${x}\`.\`${info.name}\` EXCEPT SELECT id, ${e} AS v FROM \`${y}\`.\`${info.name}\``);
      for (const r of rows) out.push(`${c.name} id=${String(r.id)} ${x} has ${String(r.v)}`);
    }
  }
  return out;
}

describe('MySQL/MariaDB full-load data plane', () => {
  let source: SourceSession;
  let target: TargetSession;
  let alltypes: TableInfo;

  before(async () => {
    admin = await mariaConnect(mariaTextValues);
    await q(`SET SESSION time_zone = '+00:00'`);
    await q(`CREATE DATABASE \`${src}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await q(`CREATE DATABASE \`${src2}\``);
    await q(`CREATE TABLE \`${src2}\`.other (id INT PRIMARY KEY)`);
    await q(`CREATE TABLE \`${src}\`.alltypes (
      id INT PRIMARY KEY,
      b TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT, bi BIGINT, biu BIGINT UNSIGNED,
      d DECIMAL(65,30), dn DECIMAL(10,2), f FLOAT, db DOUBLE,
      c CHAR(10), vc VARCHAR(100), tt TINYTEXT, tx TEXT, lt LONGTEXT,
      bn BINARY(4), vb VARBINARY(300), bl BLOB, lb LONGBLOB,
      dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL,
      j JSON, e ENUM('a','b''c','x y\\\\z'), st SET('r','g','b'), y YEAR, bt BIT(10), u UUID, g POINT, ip INET6,
      gen BIGINT AS (i + 1) VIRTUAL,
      UNIQUE KEY uq_vc (vc, c)
    )`);
    const all = Array.from({ length: 256 }, (_, k) => k.toString(16).padStart(2, '0')).join('');
    await q(`INSERT INTO \`${src}\`.alltypes (id, b, ti, tiu, si, mi, i, bi, biu, d, dn, f, db, c, vc, tt, tx, lt, bn, vb, bl, lb, dt, tm, dtm, ts, j, e, st, y, bt, u, g, ip) VALUES
      (1, 1, -128, 255, -32768, 16777215, -2147483648, -9223372036854775808, 18446744073709551615,
       '12345678901234567890123456789012345.123456789012345678901234567890', '-12345678.99', 0.1, 0.1,
       'ab', '😀 émoji \\t tab', '', 'line1\\nline2\\\\back', REPEAT('x😀', 1000),
       UNHEX('00FF7F80'), UNHEX('${all}'), UNHEX('${all}'), UNHEX(REPEAT('${all}', 10)),
       '2024-02-29', '-838:59:59.000000', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999',
       '{"b": [1, 2.5, "x"], "a": null}', 'b''c', 'r,b', 1901, b'1000000001', '123e4567-e89b-12d3-a456-426614174000',
       ST_GeomFromText('POINT(1.5 -2.25)'), '2001:db8::1'),
      (2, 0, 0, 0, 0, 0, 0, 0, 0, '0', '0', 3.40282e38, 1.7976931348623157e308, '', '', '', '', '',
       UNHEX(''), UNHEX(''), UNHEX(''), UNHEX(''), '1000-01-01', '00:00:00', '1000-01-01 00:00:00', '1970-01-01 00:00:01',
       '[]', 'a', '', 2155, b'0', '00000000-0000-0000-0000-000000000000', ST_GeomFromText('POINT(0 0)'), '::'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, 5, 127, 1, 1, 1, 2147483647, 9223372036854775807, 1, '-0.000000000000000000000000000001', '0.01', 1.17549e-38, 5e-324,
       'Z', 'A', 'a', 'a', 'a', UNHEX('01'), UNHEX('01'), UNHEX('01'), UNHEX('01'), '2000-01-01', '838:59:59.999999',
       '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00', '"str"', 'x y\\\\z', 'r,g,b', 0, b'1111111111',
       'ffffffff-ffff-ffff-ffff-ffffffffffff', ST_GeomFromText('POINT(1e300 -1e-300)', 4326), '::ffff:1.2.3.4')`);
    // TIMESTAMP is stored in UTC: a value given in +05:00 reads as 5 hours earlier in UTC.
    await q(`SET SESSION time_zone = '+05:00'`);
    await q(`INSERT INTO \`${src}\`.alltypes (id, f, db, ts) VALUES (5, 16777216, -0.5, '2024-01-01 10:00:00.5')`);
    await q(`SET SESSION time_zone = '+00:00'`);
    // Zero dates (allowed without NO_ZERO_DATE) travel as the server's strings.
    await q(`INSERT INTO \`${src}\`.alltypes (id, dt, dtm, ts) VALUES (6, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')`);
    source = await connector.openSource(srcParams, sig());
    target = await connector.openTarget(base, sig());
    await target.ensureSchema(tgt, sig());
  });

  after(async () => {
    await source?.close();
    await target?.close();
    for (const d of [src, src2, tgt]) await q(`DROP DATABASE IF EXISTS \`${d}\``);
    await admin.end();
  });

  it('lists the tables of DatabaseName only, with columns, neutral types, keys and estimates', async () => {
    const tables = await source.listTables(sig());
    assert.deepEqual(tables.map((t) => t.name), ['alltypes']);
    alltypes = tables[0]!;
    assert.equal(alltypes.schema, src);
    assert.equal(alltypes.kind, 'table');
    assert.deepEqual(alltypes.primaryKey, ['id']);
    assert.deepEqual(alltypes.uniqueKeys, [['vc', 'c']]);
    assert.equal(typeof alltypes.estimatedRows, 'number');
    const type = (n: string) => alltypes.columns.find((c) => c.name === n)!;
    assert.deepEqual(alltypes.columns.map((c) => c.name).slice(0, 4), ['id', 'b', 'ti', 'tiu']);
    assert.deepEqual(type('b').type, { kind: 'boolean' });
    assert.deepEqual(type('tiu').type, { kind: 'int', bytes: 1, unsigned: true });
    assert.deepEqual(type('mi').type, { kind: 'int', bytes: 3, unsigned: true });
    assert.deepEqual(type('biu').type, { kind: 'int', bytes: 8, unsigned: true });
    assert.deepEqual(type('d').type, { kind: 'decimal', precision: 65, scale: 30 });
    assert.deepEqual(type('f').type, { kind: 'float', bytes: 4 });
    assert.deepEqual(type('c').type, { kind: 'char', length: 10 });
    assert.deepEqual(type('vc').type, { kind: 'varchar', length: 100 });
    assert.deepEqual(type('tt').type, { kind: 'text' });
    assert.deepEqual(type('bn').type, { kind: 'binary', length: 4, fixed: true });
    assert.deepEqual(type('vb').type, { kind: 'binary', length: 300, fixed: false });
    assert.deepEqual(type('lb').type, { kind: 'blob' });
    assert.deepEqual(type('tm').type, { kind: 'time', precision: 6 });
    assert.deepEqual(type('dtm').type, { kind: 'timestamp', precision: 6, withTimeZone: false });
    assert.deepEqual(type('ts').type, { kind: 'timestamp', precision: 6, withTimeZone: true });
    assert.deepEqual(type('j').type, { kind: 'json', binary: false });
    assert.deepEqual(type('e').type, { kind: 'enum', values: ['a', "b'c", 'x y\\z'] });
    assert.deepEqual(type('st').type, { kind: 'set', values: ['r', 'g', 'b'] });
    assert.deepEqual(type('y').type, { kind: 'year' });
    assert.deepEqual(type('bt').type, { kind: 'bit', length: 10, varying: false });
    assert.deepEqual(type('u').type, { kind: 'uuid' });
    assert.deepEqual(type('g').type, { kind: 'native', engine: 'mysql', type: 'point' });
    assert.deepEqual(type('ip').type, { kind: 'native', engine: 'mysql', type: 'inet6' });
    assert.equal(type('gen').generated, true);
    assert.equal(type('i').generated, false);
    assert.equal(type('id').nullable, false);
    assert.equal(type('b').nullable, true);

    // Without DatabaseName: every user database, system ones left out.
    const everywhere = await connector.openSource(base, sig());
    try {
      const all = await everywhere.listTables(sig());
      const schemas = new Set(all.map((t) => t.schema));
      assert.ok(schemas.has(src) && schemas.has(src2));
      for (const s of ['mysql', 'information_schema', 'performance_schema', 'sys']) assert.ok(!schemas.has(s), s);
    } finally {
      await everywhere.close();
    }
  });

  it('reads canonical values', async () => {
    const columns = alltypes.columns.map((c) => c.name);
    const rows = await readAll(source, { table: alltypes, columns });
    const byId = new Map(rows.map((r) => [r[0], Object.fromEntries(columns.map((c, i) => [c, r[i]]))]));
    const r1 = byId.get('1')!;
    assert.equal(r1.b, true);
    assert.equal(r1.biu, '18446744073709551615');
    assert.equal(r1.bi, '-9223372036854775808');
    assert.equal(r1.d, '12345678901234567890123456789012345.123456789012345678901234567890');
    assert.equal(r1.f, '0.1');
    assert.equal(r1.db, '0.1');
    assert.equal(r1.vc, '😀 émoji \t tab');
    assert.equal(r1.tt, '');
    assert.ok(Buffer.isBuffer(r1.vb) && (r1.vb as Buffer).length === 256 && (r1.vb as Buffer)[255] === 255);
    assert.equal(r1.tm, '-838:59:59.000000');
    assert.equal(r1.dtm, '9999-12-31 23:59:59.999999');
    assert.equal(r1.ts, '2038-01-19 03:14:07.999999+00');
    assert.equal(r1.e, "b'c");
    assert.equal(r1.st, 'r,b');
    assert.equal(r1.y, '1901');
    assert.equal(r1.bt, '1000000001');
    assert.equal(r1.u, '123e4567-e89b-12d3-a456-426614174000');
    assert.equal(r1.g, 'SRID=0;POINT(1.5 -2.25)');
    assert.equal(r1.ip, '2001:db8::1');
    assert.equal(r1.gen, '-2147483647');
    assert.equal(byId.get('2')!.b, false);
    assert.equal(byId.get('2')!.f, '3.40282e+38');
    assert.equal(byId.get('2')!.db, '1.7976931348623157e+308');
    assert.equal(byId.get('2')!.bt, '0000000000');
    assert.deepEqual(byId.get('2')!.bn, Buffer.from([0, 0, 0, 0]));
    assert.ok(Object.entries(byId.get('3')!).every(([k, v]) => k === 'id' || v === null));
    // A TINYINT(1) holding 5 is not a boolean: its digits travel unchanged.
    assert.equal(byId.get('4')!.b, '5');
    assert.equal(byId.get('4')!.f, '1.17549e-38');
    assert.equal(byId.get('4')!.db, '5e-324');
    assert.equal(byId.get('5')!.ts, '2024-01-01 05:00:00.500000+00');
    assert.equal(byId.get('5')!.f, '16777216');
    assert.deepEqual([byId.get('6')!.dt, byId.get('6')!.dtm, byId.get('6')!.ts], ['0000-00-00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00.000000+00']);
  });

  for (const loadData of [true, false]) {
    it(`creates the table from neutral types and loads it exactly (${loadData ? 'LOAD DATA' : 'INSERT'})`, async () => {
      const t = await openMysqlTarget(base, sig(), { loadData, insertRows: 2 });
      const name = `alltypes_${loadData ? 'ld' : 'ins'}`;
      try {
        const def = { schema: tgt, name, columns: targetColumns(alltypes), primaryKey: ['id'] };
        const notices = await t.createTable(def, { withPrimaryKey: true }, sig());
        assert.deepEqual(notices.map((n) => n.column), ['ts']);
        const writer = await t.openWriter(def, def.columns, sig());
        for await (const batch of source.read({ table: alltypes, columns: def.columns.map((c) => c.name), filters: [], batchRows: 2 }, sig())) await writer.write(batch);
        await writer.close();
      } finally {
        await t.close();
      }
      const [created] = await q<{ 'Create Table': string }>(`SHOW CREATE TABLE \`${tgt}\`.\`${name}\``);
      const ddl = created!['Create Table'];
      assert.match(ddl, /ENGINE=InnoDB/);
      assert.match(ddl, /utf8mb4_bin/);
      assert.match(ddl, /`ts` datetime\(6\)/);
      assert.match(ddl, /`biu` bigint\(20\) unsigned/);
      assert.match(ddl, /`b` tinyint\(1\)/);
      assert.match(ddl, /`u` uuid/);
      // Compare with the source through MariaDB, column by column, exact.
      const diffs = await differencesAgainst(alltypes, name);
      assert.deepEqual(diffs, []);
      // The oracle does see a difference (a case change in a utf8mb4_general_ci column).
      await q(`UPDATE \`${tgt}\`.\`${name}\` SET vc = 'a' WHERE id = 4`);
      assert.deepEqual(await differencesAgainst(alltypes, name), [`vc id=4 ${src} has 41`, `vc id=4 ${tgt} has 61`]);
      const [n] = await q<{ n: string }>(`SELECT COUNT(*) AS n FROM \`${tgt}\`.\`${name}\``);
      assert.equal(Number(n!.n), 6);
    });
  }

  async function differencesAgainst(info: TableInfo, targetName: string): Promise<string[]> {
    // differences() compares same-named tables: give the target copy the source's name in a view.
    await q(`CREATE OR REPLACE VIEW \`${tgt}\`.\`${info.name}_cmp\` AS SELECT * FROM \`${tgt}\`.\`${targetName}\``);
    await q(`CREATE OR REPLACE VIEW \`${src}\`.\`${info.name}_cmp\` AS SELECT * FROM \`${src}\`.\`${info.name}\``);
    try {
      return await differences({ ...info, name: `${info.name}_cmp` }, src, tgt);
    } finally {
      await q(`DROP VIEW \`${src}\`.\`${info.name}_cmp\``);
    }
  }
  it('applies filters of every operator (OR within a filter, AND across) with bound values', async () => {
    await q(`CREATE TABLE \`${src}\`.flt (id INT PRIMARY KEY, name VARCHAR(20), n INT NULL, ts TIMESTAMP NULL, flag TINYINT(1), bits BIT(4))`);
    await q(`INSERT INTO \`${src}\`.flt VALUES (1,'a',1,'2024-01-01 00:00:00',1,b'0001'),(2,'b',NULL,NULL,0,b'0010'),(3,'c''q',3,'2024-06-01 00:00:00',1,b'0011'),(4,'d',4,NULL,0,NULL),(5,'e',5,'2025-01-01 00:00:00',1,b'1111')`);
    const ids = async (filters: ReadRequest['filters']) => (await readAll(source, { table: { schema: src, name: 'flt' }, columns: ['id'], filters })).map((r) => Number(r[0])).sort();
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'eq', value: '3' }] }]), [3]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'noteq', value: '3' }] }]), [1, 4, 5]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'lte', value: '3' }] }]), [1, 3]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'gte', value: '4' }] }]), [4, 5]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'between', start: '2', end: '4' }] }]), [3, 4]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'notbetween', start: '2', end: '4' }] }]), [1, 5]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'null' }] }]), [2]);
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'notnull' }] }]), [1, 3, 4, 5]);
    assert.deepEqual(await ids([{ column: 'name', conditions: [{ op: 'eq', value: "c'q" }] }]), [3]);
    assert.deepEqual(await ids([{ column: 'name', conditions: [{ op: 'eq', value: "' OR 1=1 -- " }] }]), []);
    // OR within a filter, AND across filters.
    assert.deepEqual(await ids([{ column: 'n', conditions: [{ op: 'eq', value: '1' }, { op: 'null' }, { op: 'gte', value: '5' }] }]), [1, 2, 5]);
    assert.deepEqual(await ids([
      { column: 'n', conditions: [{ op: 'eq', value: '1' }, { op: 'null' }, { op: 'gte', value: '5' }] },
      { column: 'name', conditions: [{ op: 'noteq', value: 'e' }] },
    ]), [1, 2]);
    // Canonical values of other types: timestamps with '+00', booleans, bit digits.
    assert.deepEqual(await ids([{ column: 'ts', conditions: [{ op: 'gte', value: '2024-06-01 00:00:00+00' }] }]), [3, 5]);
    assert.deepEqual(await ids([{ column: 'flag', conditions: [{ op: 'eq', value: 'true' }] }]), [1, 3, 5]);
    assert.deepEqual(await ids([{ column: 'bits', conditions: [{ op: 'gte', value: '0011' }] }]), [3, 5]);
  });

  it('reads key ranges of a composite key as tuples; consecutive ranges cover the table once', async () => {
    await q(`CREATE TABLE \`${src}\`.kr (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))`);
    const values: string[] = [];
    for (let a = 1; a <= 5; a++) for (const b of ['x', 'y', 'z']) values.push(`(${a}, '${b}', ${a * 10})`);
    await q(`INSERT INTO \`${src}\`.kr VALUES ${values.join(',')}`);
    const keys = async (after?: string[], upTo?: string[]) =>
      (await readAll(source, { table: { schema: src, name: 'kr' }, columns: ['a', 'b'], range: { columns: ['a', 'b'], ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) } })).map((r) => `${String(r[0])}${String(r[1])}`);
    assert.deepEqual(await keys(undefined, ['1', 'y']), ['1x', '1y']);
    assert.deepEqual(await keys(['1', 'y'], ['3', 'x']), ['1z', '2x', '2y', '2z', '3x']);
    assert.deepEqual(await keys(['4', 'z']), ['5x', '5y', '5z']);
    const parts = [await keys(undefined, ['2', 'y']), await keys(['2', 'y'], ['4', 'a']), await keys(['4', 'a'])];
    assert.equal(parts.flat().length, 15);
    assert.equal(new Set(parts.flat()).size, 15);
  });

  it('cuts LOBs in the query (limited LOB mode) and counts what it cut', async () => {
    await q(`CREATE TABLE \`${src}\`.lobs (id INT PRIMARY KEY, t LONGTEXT, bl LONGBLOB, j JSON)`);
    await q(`INSERT INTO \`${src}\`.lobs VALUES (1, '😀😀😀😀😀😀', UNHEX('000102030405'), '[1,2,3]'), (2, 'abc', UNHEX('0001'), '[]'), (3, NULL, NULL, NULL), (4, REPEAT('é', 100), REPEAT('z', 100), '{}')`);
    const table = { schema: src, name: 'lobs' };
    const limits = new Map([['t', 4], ['bl', 4], ['j', 5]]);
    const rows = await readAll(source, { table, columns: ['id', 't', 'bl', 'j'], lobLimits: limits });
    const byId = new Map(rows.map((r) => [r[0], r]));
    assert.deepEqual(byId.get('1'), ['1', '😀😀😀😀', Buffer.from([0, 1, 2, 3]), '[1,2,']);
    assert.deepEqual(byId.get('2'), ['2', 'abc', Buffer.from([0, 1]), '[]']);
    assert.deepEqual(byId.get('3'), ['3', null, null, null]);
    assert.equal(byId.get('4')![1], 'éééé');
    const counts = await source.countOversized(table, [], limits, sig());
    assert.deepEqual(Object.fromEntries(counts), { t: 2, bl: 2, j: 1 });
    const filtered = await source.countOversized(table, [{ column: 'id', conditions: [{ op: 'gte', value: '2' }] }], limits, sig());
    assert.deepEqual(Object.fromEntries(filtered), { t: 1, bl: 1, j: 0 });
  });

  it('splits a table into key ranges of similar size', async () => {
    await q(`CREATE TABLE \`${src}\`.sp (a INT, b CHAR(1), PRIMARY KEY (a, b))`);
    await q(`INSERT INTO \`${src}\`.sp SELECT seq DIV 2, IF(seq % 2 = 0, 'p', 'q') FROM \`${src}\`.seq_0_to_999`);
    const table = { schema: src, name: 'sp' };
    const points = await source.splitPoints(table, ['a', 'b'], 4, sig());
    assert.deepEqual(points, [['124', 'q'], ['249', 'q'], ['374', 'q']]);
    const bounds = [undefined, ...points, undefined];
    const sizes: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const after = bounds[i];
      const upTo = bounds[i + 1];
      const rows = await readAll(source, { table, columns: ['a'], range: { columns: ['a', 'b'], ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) } });
      sizes.push(rows.length);
    }
    assert.deepEqual(sizes, [250, 250, 250, 250]);
    assert.deepEqual(await source.splitPoints(table, ['a', 'b'], 1, sig()), []);
    await q(`CREATE TABLE \`${src}\`.sp_empty (a INT PRIMARY KEY)`);
    assert.deepEqual(await source.splitPoints({ schema: src, name: 'sp_empty' }, ['a'], 4, sig()), []);
  });

  it('streams a big table with bounded memory and loads it', async () => {
    await q(`CREATE TABLE \`${src}\`.big (id INT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(12,2), created DATETIME(3), payload VARBINARY(64))`);
    await q(`INSERT INTO \`${src}\`.big SELECT seq, CONCAT('name-', seq, REPEAT('x', 30)), seq / 100, '2024-01-01' + INTERVAL seq SECOND, UNHEX(SHA2(seq, 256)) FROM \`${src}\`.seq_1_to_300000`);
    const [info] = (await source.listTables(sig())).filter((t) => t.name === 'big');
    const def = { schema: tgt, name: 'big', columns: targetColumns(info!), primaryKey: ['id'] };
    await target.createTable(def, { withPrimaryKey: true }, sig());
    const writer = await target.openWriter(def, def.columns, sig());
    global.gc?.();
    const start = process.memoryUsage().rss;
    let peak = start;
    let count = 0;
    const t0 = Date.now();
    for await (const batch of source.read({ table: info!, columns: def.columns.map((c) => c.name), filters: [], batchRows: 5000 }, sig())) {
      count += batch.length;
      await writer.write(batch);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await writer.close();
    const ms = Date.now() - t0;
    assert.equal(count, 300_000);
    assert.ok(peak - start < 200 * 1024 * 1024, `rss grew by ${Math.round((peak - start) / 1048576)} MB`);
    const [n] = await q<{ n: string }>(`SELECT COUNT(*) AS n FROM \`${tgt}\`.big`);
    assert.equal(Number(n!.n), 300_000);
    const diff = await q(`SELECT id, name, amount, created, payload FROM \`${src}\`.big EXCEPT SELECT id, name, amount, created, payload FROM \`${tgt}\`.big`);
    assert.equal(diff.length, 0);
    console.log(`# 300k rows read and written in ${ms} ms, rss +${Math.round((peak - start) / 1048576)} MB`);
  });

  it('aborts a read promptly and releases its connection', async () => {
    const ac = new AbortController();
    const reason = new Error('stop now');
    let batches = 0;
    const t0 = Date.now();
    await assert.rejects(
      (async () => {
        for await (const _batch of source.read({ table: { schema: src, name: 'big' }, columns: ['id', 'name'], filters: [], batchRows: 1000 }, ac.signal)) {
          batches++;
          if (batches === 2) ac.abort(reason);
        }
      })(),
      (e: unknown) => e === reason,
    );
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(batches, 2);
    // A consumer that stops early also tears the query down.
    for await (const _batch of source.read({ table: { schema: src, name: 'big' }, columns: ['id'], filters: [], batchRows: 1000 }, sig())) break;
    // The server ends the torn-down query asynchronously: under a loaded machine (the whole
    // suite in parallel) that can take longer than a moment, so wait for it, up to 5 s.
    let running: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      running = await q(`SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%FROM \`${src}\`.\`big\`%' AND ID <> CONNECTION_ID()`);
      if (running.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(running, []);
  });

  it('commits what commit() covered; abort() rolls back the rest; close() commits', async () => {
    const def = { schema: tgt, name: 'commits', columns: [{ name: 'id', type: { kind: 'int', bytes: 4, unsigned: false } as const, nullable: false }], primaryKey: ['id'] };
    await target.createTable(def, { withPrimaryKey: true }, sig());
    const count = async () => Number((await q<{ n: string }>(`SELECT COUNT(*) AS n FROM \`${tgt}\`.commits`))[0]!.n);
    const w1 = await target.openWriter(def, def.columns, sig());
    await w1.write([['1'], ['2']]);
    assert.equal(await count(), 0);
    await w1.commit();
    assert.equal(await count(), 2);
    await w1.write([['3']]);
    await w1.abort();
    assert.equal(await count(), 2);
    const w2 = await target.openWriter(def, def.columns, sig());
    await w2.write([['4']]);
    await w2.close();
    assert.equal(await count(), 3);
    await target.truncateTable(def, sig());
    assert.equal(await count(), 0);
    assert.equal(await target.tableExists(def, sig()), true);
    await target.dropTable(def, sig());
    assert.equal(await target.tableExists(def, sig()), false);
  });

  for (const loadData of [true, false]) {
    it(`refuses a bad row with a DataLoadError naming it, and stays usable (${loadData ? 'LOAD DATA' : 'INSERT'})`, async () => {
      const t = await openMysqlTarget(base, sig(), { loadData });
      const name = `refused_${loadData ? 'ld' : 'ins'}`;
      const def = {
        schema: tgt,
        name,
        columns: [
          { name: 'id', type: { kind: 'int', bytes: 4, unsigned: false } as const, nullable: false },
          { name: 's', type: { kind: 'varchar', length: 3 } as const, nullable: true },
          { name: 'b', type: { kind: 'bit', length: 4, varying: false } as const, nullable: true },
        ],
        primaryKey: ['id'],
      };
      try {
        await t.createTable(def, { withPrimaryKey: true }, sig());
        const w = await t.openWriter(def, def.columns, sig());
        await w.write([['0', 'ok', '1010']]);
        const rows: Row[] = [['1', 'abc', null], ['2', '', '0001'], ['3', 'abcd', null], ['4', null, null]];
        const err = await w.write(rows).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof DataLoadError, String(err));
        assert.equal(err.rowIndex, 2);
        assert.equal(err.truncation, true);
        assert.match(err.serverMessage, /Data too long for column 's'/);
        // The engine's retry: row by row, skipping the refused one.
        const refused: number[] = [];
        for (const [i, row] of rows.entries()) await w.write([row]).catch((e: unknown) => (e instanceof DataLoadError ? refused.push(i) : Promise.reject(e)));
        assert.deepEqual(refused, [2]);
        // Other data errors: a duplicate key, bad bit digits, a number that does not fit.
        for (const bad of [[['1', 'x', null]], [['9', 'x', '0102']], [['abc', 'x', null]], [['10', null, '11111']]] as Row[][]) {
          const e = await w.write(bad).then(() => undefined, (x: unknown) => x);
          assert.ok(e instanceof DataLoadError, `${JSON.stringify(bad)}: ${String(e)}`);
        }
        await w.close();
      } finally {
        await t.close();
      }
      const stored = await q<{ id: number; s: string | null; b: string | null }>(`SELECT id, s, BIN(b) AS b FROM \`${tgt}\`.\`${name}\` ORDER BY id`);
      assert.deepEqual(stored.map((r) => [r.id, r.s, r.b]), [[0, 'ok', '1010'], [1, 'abc', null], [2, '', '1'], [4, null, null]]);
    });
  }

  it('renders neutral types of other engines to MySQL DDL, with notices for approximations', async () => {
    const def = {
      schema: tgt,
      name: 'from_pg',
      columns: [
        { name: 'k', type: { kind: 'text' } as const, nullable: false },
        { name: 'n', type: { kind: 'decimal' } as const, nullable: true },
        { name: 'n2', type: { kind: 'decimal', precision: 80, scale: 40 } as const, nullable: true },
        { name: 'tz', type: { kind: 'timestamp', withTimeZone: true } as const, nullable: true },
        { name: 'arr', type: { kind: 'array', element: { kind: 'int', bytes: 4, unsigned: false }, nativeElement: 'integer' } as const, nullable: true },
        { name: 'iv', type: { kind: 'native', engine: 'postgres', type: 'interval' } as const, nullable: true },
        { name: 'big', type: { kind: 'varchar', length: 20000 } as const, nullable: true },
        { name: 'v1', type: { kind: 'varchar', length: 10000 } as const, nullable: true },
        { name: 'v2', type: { kind: 'varchar', length: 10000 } as const, nullable: true },
        { name: 'ch', type: { kind: 'char', length: 300 } as const, nullable: true },
        { name: 'u', type: { kind: 'uuid' } as const, nullable: true },
        { name: 'jb', type: { kind: 'json', binary: true } as const, nullable: true },
        { name: 'vb', type: { kind: 'bit', length: 12, varying: true } as const, nullable: true },
        { name: 'en', type: { kind: 'enum', values: ["it's", 'x\\y'], name: 'mood' } as const, nullable: true },
        { name: 'bo', type: { kind: 'boolean' } as const, nullable: true },
        { name: 'by', type: { kind: 'blob' } as const, nullable: true },
      ],
      primaryKey: ['k'],
    };
    const notices = await target.createTable(def, { withPrimaryKey: false }, sig());
    const noted = notices.map((n) => n.column).sort();
    assert.deepEqual(noted, ['arr', 'big', 'ch', 'iv', 'k', 'n', 'n2', 'tz', 'v1', 'vb']);
    await target.addPrimaryKey(def, ['k'], sig());
    const [created] = await q<{ 'Create Table': string }>(`SHOW CREATE TABLE \`${tgt}\`.from_pg`);
    const ddl = created!['Create Table'];
    assert.match(ddl, /`k` varchar\(768\) NOT NULL/);
    assert.match(ddl, /`n` decimal\(65,30\)/);
    assert.match(ddl, /`tz` datetime\(6\)/);
    assert.match(ddl, /`arr` longtext/);
    assert.match(ddl, /`big` mediumtext/);
    assert.match(ddl, /`v1` text/);
    assert.match(ddl, /`v2` varchar\(10000\)/);
    assert.match(ddl, /`en` enum\('it''s','x\\\\y'\)/);
    assert.match(ddl, /PRIMARY KEY \(`k`\)/);
    const writer = await target.openWriter(def, def.columns, sig());
    await writer.write([[
      'key😀', '123456789012345678901234567890.123456789012345678901234567890123', '1.5', '2024-05-06 07:08:09.123456+00', '{1,2,NULL}', '1 day 02:00:00',
      'x', 'y', 'z', 'c', '123e4567-e89b-12d3-a456-426614174000', '{"a": 1}', '0101', "it's", true, Buffer.from([0, 255]),
    ]]);
    await writer.close();
    const [row] = await q<Record<string, string>>(`SELECT k, n, tz, arr, iv, en, bo, HEX(\`by\`) AS by_hex, vb, u FROM \`${tgt}\`.from_pg`);
    assert.deepEqual(row, {
      k: 'key😀', n: '123456789012345678901234567890.123456789012345678901234567890', tz: '2024-05-06 07:08:09.123456', arr: '{1,2,NULL}', iv: '1 day 02:00:00',
      en: "it's", bo: 1, by_hex: '00FF', vb: '0101', u: '123e4567-e89b-12d3-a456-426614174000',
    });
  });
});
