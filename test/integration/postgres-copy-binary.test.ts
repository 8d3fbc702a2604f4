/**
 * The COPY binary decoder (connectors/postgres/copy-binary.ts) against a real PostgreSQL as
 * the oracle: a table with one column per supported type and many edge values is copied out
 * in binary, decoded, and written back through the text input functions into a second table
 * of the same definition, which must then hold exactly the same values (floats compared by
 * their bits, numerics with their display scale, bpchar with its padding). The decoded
 * strings must also be what the server itself prints (floats: the same number), and
 * malformed input must throw an error that says what is wrong.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binaryCopyTypes, decodeBinaryTuples } from '../../src/connectors/postgres/copy-binary.js';
import type { Row } from '../../src/connectors/spi/index.js';
import { pgCreateDatabase, pgDropDatabase, uniqueSuffix, withPg } from '../helpers/databases.js';

const SESSION = { setup: "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1" };

/** Column name, SQL type, and for comparing two tables an expression that shows every bit of the value. */
const COLUMNS: readonly { name: string; type: string; exact?: string }[] = [
  { name: 'c_bool', type: 'bool' },
  { name: 'c_int2', type: 'int2' },
  { name: 'c_int4', type: 'int4' },
  { name: 'c_int8', type: 'int8' },
  { name: 'c_oid', type: 'oid' },
  { name: 'c_float4', type: 'float4', exact: 'float4send(%)' },
  { name: 'c_float8', type: 'float8', exact: 'float8send(%)' },
  { name: 'c_numeric', type: 'numeric' },
  { name: 'c_numeric_scaled', type: 'numeric(40,12)' },
  { name: 'c_text', type: 'text' },
  { name: 'c_varchar', type: 'varchar(200)' },
  { name: 'c_bpchar', type: 'char(10)', exact: 'bpcharsend(%)' },
  { name: 'c_name', type: 'name' },
  { name: 'c_char', type: '"char"', exact: '%::int' },
  { name: 'c_bytea', type: 'bytea' },
  { name: 'c_date', type: 'date' },
  { name: 'c_time', type: 'time' },
  { name: 'c_timestamp', type: 'timestamp' },
  { name: 'c_timestamptz', type: 'timestamptz' },
  { name: 'c_interval', type: 'interval' }, // the text form keeps months, days and time apart ('1 day' = '24:00:00' as values)
  { name: 'c_uuid', type: 'uuid' },
  { name: 'c_json', type: 'json' },
  { name: 'c_jsonb', type: 'jsonb' },
];

const allBytes = `(SELECT decode(string_agg(lpad(to_hex(g), 2, '0'), '' ORDER BY g), 'hex') FROM generate_series(0, 255) g)`;

/** SQL literals of edge values per column, in COLUMNS order. Row i takes value i modulo the list's length. */
function edgeValues(pg14: boolean): string[][] {
  return [
    ['true', 'false'],
    ['-32768', '32767', '0', '-1'],
    ['-2147483648', '2147483647', '0', '1'],
    ['-9223372036854775808', '9223372036854775807', '0', '-1', '4611686018427387904'],
    ['0', '4294967295', '12345'],
    ["'NaN'", "'Infinity'", "'-Infinity'", "'-0'", "'0'", "'0.1'", "'1e-45'", "'1.1754942e-38'", "'1.17549435e-38'", "'3.4028235e38'", "'-1.5'", "'16777216'", "'1e-7'", "'123456.79'", "'3.14159274'", "'0.3'", "'7e22'"],
    ["'NaN'", "'Infinity'", "'-Infinity'", "'-0'", "'0'", "'5e-324'", "'2.225073858507201e-308'", "'2.2250738585072014e-308'", "'1.7976931348623157e308'", "'1e308'", "'0.1'", "'-123.456'", "'1e21'", "'1e-7'", "'0.30000000000000004'", "'9007199254740993'"],
    [
      "'0'",
      "'-0.000100'",
      "'NaN'",
      ...(pg14 ? ["'Infinity'", "'-Infinity'"] : []),
      "'123456789012345678901234567890.123456789012345678901234567890'",
      "'1e-100'",
      "'-1e100'",
      "'0.00'",
      "'10000'",
      "'1.0000'",
      "'-12.5'",
      "'100000000.00000001'",
      "'0.1234567'",
      "'9999.9999'",
      "'99990000'",
      "'0.0001'",
      "'0.00001'",
      "'-0.0'",
      `'${'9'.repeat(1000)}.${'1'.repeat(999)}'`,
    ],
    ["'0'", "'-0.000100000000'", "'1234567890123456789012345678.123456789012'", "'-0.5'", "'1'"],
    ["''", "'plain'", "E'tab\\there\\nnew\\\\line\\r'", "'😀 4-byte 𝄞'", "'replacement \uFFFD character'", "'\\N'", `'${'x'.repeat(10000)}'`, "E'\\\\.'", "' '"],
    ["''", "' trailing  '", "'ünïcödé'", "E'a\\tb'"],
    ["''", "'a'", "'  lead'", "'full10char'", "'😀'", "'ab  '"],
    ["''", "'some_name'", "'Ω'", "'with space'"],
    ["'a'", "'\\'", "''", "E'\\t'", ...(pg14 ? ["'\\200'", "'\\377'"] : []), "'Z'"],
    [allBytes, "'\\x'", "'\\x00'", "'\\x5c4e'"],
    [
      "'2000-01-01'", "'1999-12-31'", "'2000-02-29'", "'2000-03-01'", "'1900-02-28'", "'1900-03-01'", "'2100-03-01'", "'2400-02-29'",
      "'0001-01-01'", "'0001-12-31 BC'", "'0005-02-29 BC'", "'0004-03-01 BC'", "'4713-01-01 BC'", "'4714-11-24 BC'", "'5874897-12-31'",
      "'infinity'", "'-infinity'", "'1970-01-01'", "'2038-01-19'", "'10000-01-01'", "'0099-12-31'", "'1582-10-04'",
    ],
    ["'00:00:00'", "'24:00:00'", "'23:59:59.999999'", "'12:34:56.5'", "'00:00:00.000001'", "'01:02:03.04'"],
    [
      "'2000-01-01 00:00:00'", "'1969-12-31 23:59:59.999999'", "'1970-01-01 00:00:00'", "'2038-01-19 03:14:08.000001'",
      "'1900-01-01 00:00:00.5'", "'0001-12-31 23:59:59.999999 BC'", "'4714-11-24 00:00:00 BC'", "'294276-12-31 23:59:59.999999'",
      "'infinity'", "'-infinity'", "'2000-02-29 12:00:00'", "'1999-12-31 23:59:59.999999'", "'0001-01-01 00:00:00'", "'2262-04-11 23:47:16.854775'",
    ],
    [
      "'2000-01-01 00:00:00+02'", "'1969-12-31 23:59:59.999999+00'", "'294276-12-31 23:59:59.999999+00'", "'4714-11-24 00:00:00+00 BC'",
      "'infinity'", "'-infinity'", "'2038-06-01 12:00:00.123456-07'", "'0001-01-01 00:00:00.000001+00'", "'1000-01-01 00:00:00+00 BC'",
    ],
    [
      "'0'", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 year -2 mons +3 days -04:05:06'", "'1 mon -1 day'", "'-00:00:00.000001'",
      "'178956970 years 7 mons 2147483647 days 2562047788:00:54.775807'", "'-178956970 years -8 mons -2147483648 days -2562047788 hours -54 seconds -775808 microseconds'",
      "'-178956970 years -8 mons -2147483648 days -2562047788:00:54.775807'",
      "'25 hours'", "'-1 days +02:00:00'", "'1 day -00:00:01'", "'1 year'", "'-1 mons'", "'12 mons'", "'-13 mons 1 day'",
    ],
    ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'123E4567-e89b-12d3-a456-426614174000'"],
    ["'{ \"a\" : 1,  \"b\":[ ] }'", "'\"😀 \\u0000\"'", "'null'", "'  [1, 2]  '", "E'{\"k\":\\n\"tab\\\\there\"}'", "'{\"a\":1,\"a\":2}'"],
    ["'{\"a\": 1}'", "'[]'", "'\"😀\"'", "'null'", "'{\"n\": 1.000e5}'", "E'{\"deep\": {\"x\": [1, \"\\\\\\\\\"]}}'", "'{\"a\":1,\"a\":2}'"],
  ];
}

/** 2000 rows of generated values, spread over each type's range. */
const RANDOM_ROWS = `
  SELECT 100000 + g, random() < 0.5, (random() * 65535 - 32768)::int2, (random() * 4294967295 - 2147483648)::int4,
    ((random() - 0.5) * 1.8e19)::numeric::int8, (random() * 4294967295)::bigint::oid,
    ((random() - 0.5) * 10 ^ (random() * 68 - 30))::float4, ((random() - 0.5) * 10 ^ (random() * 600 - 300))::float8,
    round(((random() - 0.5) * 10 ^ floor(random() * 40)::int)::numeric, floor(random() * 20)::int),
    round(((random() - 0.5) * 10 ^ floor(random() * 25)::int)::numeric, floor(random() * 12)::int),
    md5(g::text) || chr(9) || chr(10) || '\\', left(md5(g::text), g % 33), left(md5(g::text), g % 11), md5(g::text)::name,
    chr(32 + g % 90)::"char", decode(md5(g::text), 'hex'),
    '2000-01-01'::date + (random() * 4000000 - 2000000)::int, '00:00'::time + (random() * 86400e6)::bigint * interval '1 microsecond',
    '2000-01-01'::timestamp + (random() * 2e17 - 1e17)::bigint * interval '1 microsecond',
    '2000-01-01'::timestamptz + (random() * 2e17 - 1e17)::bigint * interval '1 microsecond',
    make_interval(months => (random() * 20000 - 10000)::int, days => (random() * 2000 - 1000)::int, secs => round(((random() - 0.5) * 1e9)::numeric, 6)::float8),
    md5(g::text)::uuid, json_build_object('g', g, 'r', random(), 's', md5(g::text)), jsonb_build_object('g', g, 'a', jsonb_build_array(g, random()))
  FROM generate_series(1, 2000) g`;

/** The bytes of `COPY <what> TO STDOUT (FORMAT binary)`. */
async function copyOutBinary(c: pg.Client, what: string): Promise<Buffer> {
  const stream = c.query(copyTo(`COPY ${what} TO STDOUT (FORMAT binary)`));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The tuples of a whole COPY binary file: checks and strips the 19-byte header and the 2-byte trailer. */
function tuplesOf(file: Buffer): Buffer {
  assert.equal(file.subarray(0, 11).toString('latin1'), 'PGCOPY\n\xff\r\n\0');
  assert.equal(file.readInt32BE(15), 0, 'no header extension');
  assert.equal(file.readInt16BE(file.length - 2), -1, 'trailer');
  return file.subarray(19, file.length - 2);
}

/** Each tuple of `tuples` wrapped in a CopyData message, as they arrive on the wire. */
function asMessages(tuples: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < tuples.length) {
    const start = pos;
    const count = tuples.readInt16BE(pos);
    pos += 2;
    for (let i = 0; i < count; i++) {
      const len = tuples.readInt32BE(pos);
      pos += 4 + Math.max(len, 0);
    }
    const header = Buffer.alloc(5);
    header[0] = 0x64;
    header.writeInt32BE(4 + pos - start, 1);
    out.push(header, tuples.subarray(start, pos));
  }
  return Buffer.concat(out);
}

async function typesOf(c: pg.Client, table: string): Promise<string[]> {
  const r = await c.query<{ typname: string }>(
    `SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  return r.rows.map((x) => x.typname);
}

/** Inserts decoded rows through the text input functions (parameters as text; booleans and Buffers as node-postgres sends them). */
async function insertRows(c: pg.Client, table: string, rows: readonly Row[], width: number): Promise<void> {
  const params = Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ');
  await c.query('BEGIN');
  for (const row of rows) await c.query(`INSERT INTO ${table} VALUES (${params})`, [...row]);
  await c.query('COMMIT');
}

/** Every column of `a` and `b` (joined on id) that differs anywhere, with a few of its differences. */
async function differences(c: pg.Client, a: string, b: string): Promise<string[]> {
  const found: string[] = [];
  const missing = await c.query(`SELECT id FROM ${a} FULL JOIN ${b} USING (id) WHERE ${a}.id IS NULL OR ${b}.id IS NULL LIMIT 5`);
  if (missing.rowCount) found.push(`rows only on one side: ${missing.rows.map((r) => r.id).join(', ')}`);
  for (const col of COLUMNS) {
    const ex = (t: string) => (col.exact ?? '%::text').replaceAll('%', `${t}.${col.name}`);
    const r = await c.query(
      `SELECT id, ${a}.${col.name}::text AS x, ${b}.${col.name}::text AS y FROM ${a} JOIN ${b} USING (id) WHERE ${ex(a)} IS DISTINCT FROM ${ex(b)} ORDER BY id LIMIT 3`,
    );
    if (r.rowCount) found.push(`${col.name}: ${r.rows.map((x) => `id ${x.id}: ${JSON.stringify(x.x)} became ${JSON.stringify(x.y)}`).join('; ')}`);
  }
  // The same both ways as multisets over a projection that has an equality for every type.
  const projection = (t: string) => ['id', ...COLUMNS.map((col) => (col.exact ?? '%::text').replaceAll('%', col.name))].join(', ') + ` FROM ${t}`;
  for (const [x, y] of [[a, b], [b, a]] as const) {
    const r = await c.query(`SELECT count(*)::int AS n FROM (SELECT ${projection(x)} EXCEPT ALL SELECT ${projection(y)}) d`);
    if (r.rows[0].n !== 0) found.push(`${r.rows[0].n} rows of ${x} are not in ${y}`);
  }
  return found;
}

/** Checks a decoded value against the server's own text output of the same field. */
function assertSameAsServer(type: string, decoded: Row[number], server: string | null, where: string): void {
  if (server === null) return assert.equal(decoded, null, where);
  if (type === 'bool') return assert.equal(decoded, server === 't', where);
  if (type === 'bytea') {
    assert.ok(Buffer.isBuffer(decoded), where);
    return assert.equal(`\\x${decoded.toString('hex')}`, server, where);
  }
  assert.equal(typeof decoded, 'string', where);
  if (type === 'float4' || type === 'float8') {
    const round = type === 'float4' ? Math.fround : (x: number) => x;
    const a = round(Number(decoded));
    const b = round(Number(server));
    return assert.ok(Object.is(a, b), `${where}: ${String(decoded)} vs server ${server}`);
  }
  if (type === 'interval' && server.endsWith('-2562047788:00:54.775808')) {
    // The server cannot read this time part back; the decoder spells it in units instead.
    return assert.equal(decoded, server.replace('-2562047788:00:54.775808', '-2562047788 hours -54 seconds -775808 microseconds'), where);
  }
  assert.equal(decoded, server, where);
}

describe('COPY binary decoding (PostgreSQL as the oracle)', () => {
  const db = `cpbin_${uniqueSuffix()}`;
  let pg14 = false;
  let decodedRows: Row[] = [];
  let types: string[] = [];

  before(async () => {
    await pgCreateDatabase(db);
    await withPg(db, async (c) => {
      pg14 = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) >= 140000;
      const definition = `(id int PRIMARY KEY, ${COLUMNS.map((col) => `${col.name} ${col.type}`).join(', ')})`;
      await c.query(`CREATE TABLE a ${definition}; CREATE TABLE b ${definition}; CREATE TABLE m ${definition}`);
      const lists = edgeValues(pg14);
      const n = Math.max(...lists.map((l) => l.length));
      const values: string[] = [];
      for (let i = 0; i < n; i++) values.push(`(${i}, ${lists.map((l) => l[i % l.length]).join(', ')})`);
      // A second pass shifted per column, so that values meet other values in a row; and an all-NULL row.
      for (let i = 0; i < n; i++) values.push(`(${1000 + i}, ${lists.map((l, k) => l[(i + k) % l.length]).join(', ')})`);
      values.push(`(9999, ${COLUMNS.map(() => 'NULL').join(', ')})`);
      await c.query(`INSERT INTO a VALUES ${values.join(',\n')}`);
      await c.query(`INSERT INTO a ${RANDOM_ROWS}`);
    }, SESSION);
  });

  after(async () => {
    await pgDropDatabase(db);
  });

  it('decodes every value so that the text input functions restore it exactly (rows framing)', async () => {
    await withPg(db, async (c) => {
      types = await typesOf(c, 'a');
      for (const t of types) assert.ok(binaryCopyTypes.has(t), `${t} is in binaryCopyTypes`);
      const tuples = tuplesOf(await copyOutBinary(c, '(SELECT * FROM a ORDER BY id)'));
      decodedRows = decodeBinaryTuples(tuples, 'rows', types);
      const count = (await c.query('SELECT count(*)::int AS n FROM a')).rows[0].n;
      assert.equal(decodedRows.length, count);
      await insertRows(c, 'b', decodedRows, types.length);
      assert.deepEqual(await differences(c, 'a', 'b'), []);
    }, SESSION);
  });

  it('decodes the same rows from CopyData messages (messages framing)', async () => {
    await withPg(db, async (c) => {
      const tuples = tuplesOf(await copyOutBinary(c, '(SELECT * FROM a ORDER BY id)'));
      const rows = decodeBinaryTuples(asMessages(tuples), 'messages', types);
      assert.deepEqual(rows, decodedRows);
      await insertRows(c, 'm', rows, types.length);
      assert.deepEqual(await differences(c, 'a', 'm'), []);
    }, SESSION);
  });

  it('prints what the server prints (floats: the same number)', async () => {
    await withPg(db, async (c) => {
      const r = await c.query({ text: 'SELECT * FROM a ORDER BY id', rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
      const server = r.rows as (string | null)[][];
      assert.equal(server.length, decodedRows.length);
      server.forEach((row, i) => {
        row.forEach((v, k) => assertSameAsServer(types[k]!, decodedRows[i]![k]!, v, `row id ${row[0]}, column ${k + 1} (${types[k]})`));
      });
    }, SESSION);
  });

  it('decodes floats of random bit patterns to text the server reads back to the same bits', async () => {
    await withPg(db, async (c) => {
      for (const [type, size] of [['float4', 4], ['float8', 8]] as const) {
        const n = 50000;
        const tuples = Buffer.alloc(n * (2 + 4 + size));
        const bits: string[] = [];
        for (let i = 0, pos = 0; i < n; i++) {
          tuples.writeInt16BE(1, pos);
          tuples.writeInt32BE(size, pos + 2);
          const field = tuples.subarray(pos + 6, pos + 6 + size);
          for (let k = 0; k < size; k++) field[k] = Math.floor(Math.random() * 256);
          if (i < 64) field[0] = (field[0]! & 0x80) | (i & 1 ? 0 : 0x7f); // some subnormals and huge values
          bits.push(field.toString('hex'));
          pos += 6 + size;
        }
        const texts = decodeBinaryTuples(tuples, 'rows', [type]).map((r) => r[0] as string);
        const r = await c.query(
          `SELECT t, b FROM unnest($1::text[], $2::text[]) u(t, b)
           WHERE ${type}send(t::${type}) <> decode(b, 'hex') AND NOT (t = 'NaN' AND t::${type} = 'NaN') LIMIT 5`,
          [texts, bits],
        );
        assert.deepEqual(r.rows, [], `${type}: texts that do not read back to their bits`);
      }
    }, SESSION);
  });

  it('gives the canonical forms of chosen values', async () => {
    await withPg(db, async (c) => {
      const sql = `(SELECT '-0.000100'::numeric, '0001-12-31 BC'::date, '1969-12-31 23:59:59.999999'::timestamp,
          '0001-12-31 23:59:59.5 BC'::timestamp, '2000-01-01 02:00:00+02'::timestamptz, '24:00:00'::time, 'infinity'::date,
          '-infinity'::timestamp, 100::int8 * -92233720368547758, '0.1'::float4, '-0'::float8, '1e-45'::float4, '-1 days +02:00:00'::interval,
          '123E4567-e89b-12d3-a456-426614174000'::uuid, ' {"a" :1} '::json, '{"a" :1}'::jsonb, 'ab'::char(4), 'NaN'::numeric, '1e-3'::numeric(10,5),
          '3.40282347e38'::float4, '5874897-12-31'::date, '4714-11-24 00:00:00 BC'::timestamp, '12000-01-01'::date)`;
      const chosen = ['numeric', 'date', 'timestamp', 'timestamp', 'timestamptz', 'time', 'date', 'timestamp', 'int8', 'float4', 'float8', 'float4', 'interval', 'uuid', 'json', 'jsonb', 'bpchar', 'numeric', 'numeric', 'float4', 'date', 'timestamp', 'date'];
      const [row] = decodeBinaryTuples(tuplesOf(await copyOutBinary(c, sql)), 'rows', chosen);
      assert.deepEqual(row, [
        '-0.000100', '0001-12-31 BC', '1969-12-31 23:59:59.999999', '0001-12-31 23:59:59.5 BC', '2000-01-01 00:00:00+00', '24:00:00', 'infinity',
        '-infinity', '-9223372036854775800', '0.1', '-0', '1e-45', '-1 days +02:00:00', '123e4567-e89b-12d3-a456-426614174000', ' {"a" :1} ', '{"a": 1}', 'ab  ',
        'NaN', '0.00100', '3.4028235e+38', '5874897-12-31', '4714-11-24 00:00:00 BC', '12000-01-01',
      ]);
    }, SESSION);
  });

  it('throws an error that says what is wrong with malformed input', async () => {
    await withPg(db, async (c) => {
      const sql = `(SELECT 42::int4, 'hello'::text, '{"a": 1}'::jsonb)`;
      const tuples = tuplesOf(await copyOutBinary(c, sql));
      const types3 = ['int4', 'text', 'jsonb'];
      assert.deepEqual(decodeBinaryTuples(tuples, 'rows', types3), [['42', 'hello', '{"a": 1}']]);
      assert.deepEqual(decodeBinaryTuples(Buffer.alloc(0), 'rows', types3), []);

      assert.throws(() => decodeBinaryTuples(tuples.subarray(0, tuples.length - 3), 'rows', types3), /truncated tuple \(field of \d+ bytes, only \d+ left\)/);
      assert.throws(() => decodeBinaryTuples(tuples.subarray(0, 12), 'rows', types3), /column 2 \(text\).*truncated tuple/);
      assert.throws(() => decodeBinaryTuples(tuples.subarray(0, 1), 'rows', types3), /truncated tuple \(no room for its field count\)/);
      assert.throws(() => decodeBinaryTuples(tuples, 'rows', ['int4', 'text']), /field count mismatch: the tuple has 3 fields, expected 2/);
      assert.throws(() => decodeBinaryTuples(Buffer.from([0xff, 0xff]), 'rows', types3), /COPY trailer/);
      assert.throws(() => decodeBinaryTuples(tuples, 'rows', ['int8', 'text', 'jsonb']), /column 1 \(int8\).*field of 4 bytes, expected 8/);
      assert.throws(() => decodeBinaryTuples(tuples, 'rows', ['int4', 'text', '_int4']), /column 3 has type "_int4", which OpenDMS does not decode/);

      const badJsonb = Buffer.from(tuples);
      badJsonb[tuples.length - 9] = 2; // the version byte of the jsonb field ('{"a": 1}' is 8 bytes)
      assert.throws(() => decodeBinaryTuples(badJsonb, 'rows', types3), /unsupported jsonb binary format version 2/);

      const messages = asMessages(tuples);
      assert.deepEqual(decodeBinaryTuples(messages, 'messages', types3), [['42', 'hello', '{"a": 1}']]);
      assert.throws(() => decodeBinaryTuples(tuples, 'messages', types3), /expected a CopyData message \('d'\), found message type 0x00/);
      assert.throws(() => decodeBinaryTuples(messages.subarray(0, messages.length - 1), 'messages', types3), /truncated CopyData message/);
      const longer = Buffer.concat([messages, Buffer.alloc(2)]);
      longer.writeInt32BE(messages.length - 1 + 2, 1);
      assert.throws(() => decodeBinaryTuples(longer, 'messages', types3), /the CopyData message holds 2 bytes more than the tuple/);
      const shorter = Buffer.from(messages);
      shorter.writeInt32BE(messages.length - 1 - 3, 1);
      assert.throws(() => decodeBinaryTuples(shorter, 'messages', types3), /truncated tuple/);

      const badUtf8 = tuplesOf(await copyOutBinary(c, `(SELECT '\\xc328'::bytea)`));
      assert.throws(() => decodeBinaryTuples(badUtf8, 'rows', ['text']), /not valid UTF-8/);
      const badNumeric = tuplesOf(await copyOutBinary(c, `(SELECT 1.5::numeric)`));
      assert.throws(() => decodeBinaryTuples(badNumeric.subarray(0, badNumeric.length - 2), 'rows', ['numeric']), /truncated tuple/);
    }, SESSION);
  });
});
