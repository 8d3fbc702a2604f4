/**
 * The type matrix: for each engine pair (PostgreSQL and MariaDB, as source and target), a
 * source table with one column per type of the full-load requirement, rows of edge values,
 * a full load through the engine with the real connectors, then every column of every row
 * compared with the source and every target column's type checked in the catalog.
 *
 * The oracle is the source itself, read by the test's own SQL (never the connectors' code).
 * What "equal" means is stated per column kind and pair in `equivalence` below; it is the
 * same statement as docs/architecture/05-type-mapping.md. Values that a target cannot hold
 * (PostgreSQL NaN/Infinity/infinity into MariaDB, a TINYINT(1) 5 into a boolean) must be
 * refused as data errors under ErrorBehavior (LOG_ERROR here: logged, skipped, counted),
 * never changed silently.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { mariaConnect, mariaTextValues, pgConnect, pgQuery } from '../helpers/databases.js';
import { EngineHarness, TestDb, includeAll, type Engine } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

/** How a column's values are compared (see `equivalence`). */
type Kind = 'int' | 'decimal' | 'decimal-free' | 'float4' | 'float8' | 'bool' | 'char' | 'string' | 'bytes' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'json' | 'jsonb' | 'uuid' | 'enum' | 'array';

interface Column {
  readonly name: string;
  /** The source DDL type. */
  readonly type: string;
  readonly kind: Kind;
  /** The target column type, as the catalog spells it: PostgreSQL format_type(), MariaDB COLUMN_TYPE (a RegExp when it names the schema). */
  readonly toPostgres: string | RegExp;
  readonly toMariadb: string | RegExp;
}

type Cell = string | Buffer | null;
type SourceRow = Record<string, Cell> & { id: string };

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
/**
 * MariaDB's catalog (COLUMN_TYPE, SHOW CREATE TABLE) is utf8mb3: it spells the 4-byte member
 * 'happy 😀' as 'happy ?'. The table holds the real member: the values check proves it (a strict
 * target refuses a value that is not a member).
 */
const mariaEnumAsCatalogSpellsIt = "enum('sad','ok','happy ?','it''s')";
/** Emoji (with a skin-tone modifier: two code points), 4-byte CJK (CJK Extension B), tab, newline, backslash, `\N`. */
const unicodeText = 'emoji 😀👍🏽 CJK 𠜎𩸽 ü\ttab\nnewline \\ backslash \\N end';

// ---------------------------------------------------------------------------------------
// PostgreSQL source
// ---------------------------------------------------------------------------------------

const pgColumns: readonly Column[] = [
  { name: 'c_int2', type: 'smallint', kind: 'int', toPostgres: 'smallint', toMariadb: 'smallint(6)' },
  { name: 'c_int4', type: 'integer', kind: 'int', toPostgres: 'integer', toMariadb: 'int(11)' },
  { name: 'c_int8', type: 'bigint', kind: 'int', toPostgres: 'bigint', toMariadb: 'bigint(20)' },
  { name: 'c_num', type: 'numeric(38,10)', kind: 'decimal', toPostgres: 'numeric(38,10)', toMariadb: 'decimal(38,10)' },
  { name: 'c_numfree', type: 'numeric', kind: 'decimal-free', toPostgres: 'numeric', toMariadb: 'decimal(65,30)' },
  { name: 'c_real', type: 'real', kind: 'float4', toPostgres: 'real', toMariadb: 'float' },
  { name: 'c_double', type: 'double precision', kind: 'float8', toPostgres: 'double precision', toMariadb: 'double' },
  { name: 'c_bool', type: 'boolean', kind: 'bool', toPostgres: 'boolean', toMariadb: 'tinyint(1)' },
  { name: 'c_char', type: 'char(5)', kind: 'char', toPostgres: 'character(5)', toMariadb: 'char(5)' },
  { name: 'c_varchar', type: 'varchar(20)', kind: 'string', toPostgres: 'character varying(20)', toMariadb: 'varchar(20)' },
  { name: 'c_text', type: 'text', kind: 'string', toPostgres: 'text', toMariadb: 'longtext' },
  { name: 'c_bytea', type: 'bytea', kind: 'bytes', toPostgres: 'bytea', toMariadb: 'longblob' },
  { name: 'c_date', type: 'date', kind: 'date', toPostgres: 'date', toMariadb: 'date' },
  { name: 'c_time', type: 'time(6)', kind: 'time', toPostgres: 'time(6) without time zone', toMariadb: 'time(6)' },
  { name: 'c_ts', type: 'timestamp(6)', kind: 'timestamp', toPostgres: 'timestamp(6) without time zone', toMariadb: 'datetime(6)' },
  { name: 'c_tstz', type: 'timestamptz(6)', kind: 'timestamptz', toPostgres: 'timestamp(6) with time zone', toMariadb: 'datetime(6)' },
  { name: 'c_json', type: 'json', kind: 'json', toPostgres: 'json', toMariadb: 'longtext' },
  { name: 'c_jsonb', type: 'jsonb', kind: 'jsonb', toPostgres: 'jsonb', toMariadb: 'longtext' },
  { name: 'c_uuid', type: 'uuid', kind: 'uuid', toPostgres: 'uuid', toMariadb: 'uuid' },
  { name: 'c_enum', type: 'mood', kind: 'enum', toPostgres: /^(\w+\.)?mood$/, toMariadb: mariaEnumAsCatalogSpellsIt },
  { name: 'c_int_arr', type: 'integer[]', kind: 'array', toPostgres: 'integer[]', toMariadb: 'longtext' },
  { name: 'c_text_arr', type: 'text[]', kind: 'array', toPostgres: 'text[]', toMariadb: 'longtext' },
];

const pgRows: readonly SourceRow[] = [
  {
    id: '1',
    c_int2: '32767',
    c_int4: '2147483647',
    c_int8: '9223372036854775807',
    c_num: '9999999999999999999999999999.9999999999',
    // 65 significant digits: 35 before the point, 30 after (the most MariaDB's DECIMAL holds).
    c_numfree: '12345678901234567890123456789012345.123456789012345678901234567890',
    c_real: '3.4e38',
    c_double: '1.7976931348623157e308',
    c_bool: 'true',
    c_char: 'ab',
    c_varchar: '😀𠜎𩸽 four-byte',
    c_text: unicodeText,
    c_bytea: allBytes,
    c_date: '0001-01-01',
    c_time: '23:59:59.999999',
    c_ts: '9999-12-31 23:59:59.999999',
    c_tstz: '2024-01-01 10:00:00+02',
    c_json: '{"b": 1,  "a": [1, 2.50, "é😀𠜎"], "big": 123456789012345678901234567890.5, "b": 2}',
    c_jsonb: '{"z": "𩸽", "a": {"deep": ["😀", 12345678901234567890123456789012345678901234567890]}, "n": null}',
    c_uuid: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    c_enum: 'happy 😀',
    c_int_arr: '{1,-2,NULL,2147483647}',
    c_text_arr: '{"a b","c,d","é😀",NULL,"","q\\"uote"}',
  },
  {
    id: '2',
    c_int2: '-32768',
    c_int4: '-2147483648',
    c_int8: '-9223372036854775808',
    c_num: '-9999999999999999999999999999.9999999999',
    c_numfree: '-0.000000000000000000000000000001',
    c_real: '-1.1754944e-38',
    c_double: '1e-300',
    c_bool: 'false',
    c_char: 'abcde',
    c_varchar: '',
    c_text: '',
    c_bytea: Buffer.alloc(0),
    c_date: '9999-12-31',
    c_time: '00:00:00',
    c_ts: '0001-01-01 00:00:00',
    // No offset: read in the session's zone (Asia/Kolkata, +05:30), i.e. 06:30 UTC.
    c_tstz: '2024-07-01 12:00:00',
    c_json: '[]',
    c_jsonb: '{}',
    c_uuid: '00000000-0000-0000-0000-000000000000',
    c_enum: "it's",
    c_int_arr: '{{1,2},{3,4}}',
    c_text_arr: '{}',
  },
  {
    id: '3',
    c_int2: '0',
    c_int4: '0',
    c_int8: '0',
    c_num: '0.0000000001',
    c_numfree: '0',
    c_real: '-0',
    c_double: '-0',
    c_bool: null,
    c_char: ' ',
    c_varchar: ' x ',
    c_text: 'NULL',
    c_bytea: Buffer.from([0]),
    c_date: '2024-02-29',
    c_time: '12:34:56.5',
    c_ts: '2024-02-29 12:00:00.5',
    c_tstz: '1970-01-01 05:30:00.000001',
    c_json: '"NULL"',
    c_jsonb: '[1.0, -0, 1e2, "escaped \\u00e9 \\ud83d\\ude00"]',
    c_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    c_enum: 'sad',
    c_int_arr: '{}',
    c_text_arr: '{NULL}',
  },
  { id: '4' },
  {
    id: '5',
    c_real: '1.4e-45',
    c_double: '-2.2250738585072014e-308',
    c_char: '',
    c_varchar: '',
    c_text: '',
    c_bytea: Buffer.alloc(0),
    c_json: '""',
    c_jsonb: '""',
    c_text_arr: '{""}',
  },
];

/** PostgreSQL values MariaDB cannot hold: each must be one refused row, never a changed value. */
const pgOnlyRows: readonly SourceRow[] = [
  { id: '91', c_real: 'NaN' },
  { id: '92', c_double: 'Infinity' },
  { id: '93', c_double: '-Infinity' },
  { id: '94', c_date: 'infinity' },
  { id: '95', c_numfree: 'NaN' },
  { id: '96', c_tstz: '-infinity' },
  { id: '97', c_ts: 'infinity' },
  { id: '99', c_date: '0044-03-15 BC' },
];

/** Beyond DECIMAL(65,30)'s 30 decimals: rounded by MariaDB (said by the column's DDL notice), exact on PostgreSQL. */
const pgRoundedRow: SourceRow = { id: '98', c_numfree: '0.1234567890123456789012345678909' };

// ---------------------------------------------------------------------------------------
// MariaDB source
// ---------------------------------------------------------------------------------------

const mariaColumns: readonly Column[] = [
  { name: 'c_tiny', type: 'tinyint', kind: 'int', toPostgres: 'smallint', toMariadb: 'tinyint(4)' },
  { name: 'c_utiny', type: 'tinyint unsigned', kind: 'int', toPostgres: 'smallint', toMariadb: 'tinyint(3) unsigned' },
  { name: 'c_small', type: 'smallint', kind: 'int', toPostgres: 'smallint', toMariadb: 'smallint(6)' },
  { name: 'c_usmall', type: 'smallint unsigned', kind: 'int', toPostgres: 'integer', toMariadb: 'smallint(5) unsigned' },
  { name: 'c_medium', type: 'mediumint', kind: 'int', toPostgres: 'integer', toMariadb: 'mediumint(9)' },
  { name: 'c_umedium', type: 'mediumint unsigned', kind: 'int', toPostgres: 'integer', toMariadb: 'mediumint(8) unsigned' },
  { name: 'c_int', type: 'int', kind: 'int', toPostgres: 'integer', toMariadb: 'int(11)' },
  { name: 'c_uint', type: 'int unsigned', kind: 'int', toPostgres: 'bigint', toMariadb: 'int(10) unsigned' },
  { name: 'c_big', type: 'bigint', kind: 'int', toPostgres: 'bigint', toMariadb: 'bigint(20)' },
  { name: 'c_ubig', type: 'bigint unsigned', kind: 'int', toPostgres: 'numeric(20,0)', toMariadb: 'bigint(20) unsigned' },
  { name: 'c_dec', type: 'decimal(65,30)', kind: 'decimal', toPostgres: 'numeric(65,30)', toMariadb: 'decimal(65,30)' },
  { name: 'c_dec2', type: 'decimal(38,10)', kind: 'decimal', toPostgres: 'numeric(38,10)', toMariadb: 'decimal(38,10)' },
  { name: 'c_float', type: 'float', kind: 'float4', toPostgres: 'real', toMariadb: 'float' },
  { name: 'c_double', type: 'double', kind: 'float8', toPostgres: 'double precision', toMariadb: 'double' },
  { name: 'c_bool', type: 'tinyint(1)', kind: 'bool', toPostgres: 'boolean', toMariadb: 'tinyint(1)' },
  { name: 'c_char', type: 'char(5)', kind: 'char', toPostgres: 'character(5)', toMariadb: 'char(5)' },
  { name: 'c_varchar', type: 'varchar(20)', kind: 'string', toPostgres: 'character varying(20)', toMariadb: 'varchar(20)' },
  { name: 'c_text', type: 'text', kind: 'string', toPostgres: 'text', toMariadb: 'longtext' },
  { name: 'c_blob', type: 'blob', kind: 'bytes', toPostgres: 'bytea', toMariadb: 'longblob' },
  { name: 'c_date', type: 'date', kind: 'date', toPostgres: 'date', toMariadb: 'date' },
  { name: 'c_time', type: 'time(6)', kind: 'time', toPostgres: 'time(6) without time zone', toMariadb: 'time(6)' },
  { name: 'c_dt', type: 'datetime(6)', kind: 'timestamp', toPostgres: 'timestamp(6) without time zone', toMariadb: 'datetime(6)' },
  { name: 'c_ts', type: 'timestamp(6) NULL DEFAULT NULL', kind: 'timestamptz', toPostgres: 'timestamp(6) with time zone', toMariadb: 'datetime(6)' },
  { name: 'c_json', type: 'json', kind: 'json', toPostgres: 'json', toMariadb: 'longtext' },
  { name: 'c_uuid', type: 'uuid', kind: 'uuid', toPostgres: 'uuid', toMariadb: 'uuid' },
  { name: 'c_enum', type: "enum('sad','ok','happy 😀','it''s')", kind: 'enum', toPostgres: /^(\w+\.)?types_c_enum_enum$/, toMariadb: mariaEnumAsCatalogSpellsIt },
  // Not in the requirement's list, but it shares the ENUM's catalog problem (members with 4-byte characters).
  { name: 'c_set', type: "set('x','😀 y','z')", kind: 'string', toPostgres: 'text', toMariadb: "set('x','? y','z')" },
];

const mariaRows: readonly SourceRow[] = [
  {
    id: '1',
    c_tiny: '127',
    c_utiny: '255',
    c_small: '32767',
    c_usmall: '65535',
    c_medium: '8388607',
    c_umedium: '16777215',
    c_int: '2147483647',
    c_uint: '4294967295',
    c_big: '9223372036854775807',
    c_ubig: '18446744073709551615',
    c_dec: '99999999999999999999999999999999999.999999999999999999999999999999',
    c_dec2: '9999999999999999999999999999.9999999999',
    c_float: '3.4e38',
    c_double: '1.7976931348623157e308',
    c_bool: '1',
    c_char: 'ab',
    c_varchar: '😀𠜎𩸽 four-byte',
    c_text: unicodeText,
    c_blob: allBytes,
    c_date: '0001-01-01',
    c_time: '23:59:59.999999',
    c_dt: '9999-12-31 23:59:59.999999',
    // In the session zone +02:00 (see mariaSource): 08:00 UTC.
    c_ts: '2024-01-01 10:00:00',
    c_json: '{"b": 1,  "a": [1, 2.50, "é😀𠜎"], "big": 123456789012345678901234567890.5, "b": 2}',
    c_uuid: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    c_enum: 'happy 😀',
    c_set: 'x,😀 y',
  },
  {
    id: '2',
    c_tiny: '-128',
    c_utiny: '0',
    c_small: '-32768',
    c_usmall: '0',
    c_medium: '-8388608',
    c_umedium: '0',
    c_int: '-2147483648',
    c_uint: '0',
    c_big: '-9223372036854775808',
    c_ubig: '0',
    c_dec: '-99999999999999999999999999999999999.999999999999999999999999999999',
    c_dec2: '-0.0000000001',
    c_float: '-1.1754944e-38',
    c_double: '1e-300',
    c_bool: '0',
    c_char: 'abcde',
    c_varchar: '',
    c_text: '',
    c_blob: Buffer.alloc(0),
    c_date: '9999-12-31',
    c_time: '00:00:00',
    c_dt: '1000-01-01 00:00:00',
    c_ts: '2024-07-01 12:00:00',
    c_json: '[]',
    c_uuid: '00000000-0000-0000-0000-000000000000',
    c_enum: "it's",
    c_set: '',
  },
  {
    id: '3',
    c_tiny: '0',
    c_float: '-0',
    c_double: '-0',
    c_char: ' ',
    c_varchar: ' x ',
    c_text: 'NULL',
    c_blob: Buffer.from([0]),
    c_date: '2024-02-29',
    c_time: '12:34:56.5',
    c_dt: '2024-02-29 12:00:00.5',
    c_ts: '1970-01-01 02:00:01.000001',
    c_json: '"NULL"',
    c_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    c_enum: 'sad',
  },
  { id: '4' },
  { id: '5', c_char: '', c_varchar: '', c_text: '', c_blob: Buffer.alloc(0), c_json: '""', c_set: '' },
];

/** A TINYINT(1) holding neither 0 nor 1: a MariaDB target keeps it, a boolean target refuses it. */
const mariaOnlyRows: readonly SourceRow[] = [{ id: '91', c_bool: '5' }];

// ---------------------------------------------------------------------------------------
// Equivalence: what the target must hold for each source value, per column kind and pair
// ---------------------------------------------------------------------------------------

/** The canonical form both sides are reduced to before comparing; `null` stays null, '' stays ''. */
function equivalence(kind: Kind, from: Engine, to: Engine, side: Engine, v: string | null): string | null {
  if (v === null) return null;
  const cross = from !== to;
  switch (kind) {
    case 'bool':
      // PostgreSQL true/false (boolean::text) == MariaDB TINYINT(1) 1/0. Anything else stays its digits.
      return v === 'true' ? '1' : v === 'false' ? '0' : v;
    case 'float4':
    case 'float8':
      // The same IEEE value: -0 distinct from 0, NaN/Infinity by name; 4-byte floats as float32.
      // Except: MariaDB stores -0 as 0 (FLOAT and DOUBLE lose the sign of zero whatever the
      // client sends), so into MariaDB -0 == 0. Documented as lossy in 05-type-mapping.md.
      return to === 'mariadb' && from !== to ? floatKey(v, kind === 'float4').replace(/^-0$/, '0') : floatKey(v, kind === 'float4');
    case 'char':
      // PostgreSQL pads character(n) with blanks, MariaDB strips CHAR's trailing blanks on read:
      // across engines equal up to trailing blanks. Same engine: exactly equal.
      return cross ? v.replace(/ +$/, '') : v;
    case 'decimal-free':
      // PostgreSQL unconstrained numeric -> MariaDB DECIMAL(65,30): the same number, which
      // MariaDB prints with 30 decimals (trailing zeros). PG -> PG: digit for digit.
      return cross ? trimFraction(v) : v;
    case 'time':
    case 'timestamp':
      // Across engines equal up to trailing fractional zeros (MariaDB prints all 6 digits,
      // PostgreSQL only the significant ones). Same engine: exact text.
      return cross ? trimSeconds(v) : v;
    case 'timestamptz': {
      // The same instant in UTC: PostgreSQL read with TimeZone UTC ('... 08:00:00+00'),
      // MariaDB DATETIME/TIMESTAMP read with time_zone '+00:00' ('... 08:00:00').
      const utc = side === 'postgres' ? v.replace(/\+00$/, '') : v;
      return cross ? trimSeconds(utc) : utc;
    }
    default:
      // int, decimal (digit for digit), string, bytes (hex), date, json (exact text), uuid
      // (lower case), enum (the label), array (the PostgreSQL array literal, also as MariaDB
      // LONGTEXT). jsonb is reduced before (canonicalJson).
      return v;
  }
}

function floatKey(v: string, single: boolean): string {
  const n = v === 'NaN' ? NaN : v === 'Infinity' || v === 'inf' ? Infinity : v === '-Infinity' || v === '-inf' ? -Infinity : Number(v);
  assert.ok(!Number.isNaN(n) || v === 'NaN', `not a float: ${v}`);
  const x = single ? Math.fround(n) : n;
  return Object.is(x, -0) ? '-0' : String(x);
}

function trimFraction(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}

function trimSeconds(v: string): string {
  return v.replace(/(\d\d:\d\d:\d\d)(\.\d*?)0*$/, (_m, hms: string, frac: string) => (frac === '.' ? hms : hms + frac));
}

/** jsonb semantics: keys sorted and deduplicated, numbers exact; computed by PostgreSQL's own jsonb. */
async function canonicalJson(values: readonly (string | null)[]): Promise<(string | null)[]> {
  const rows = await pgQuery<{ v: string | null }>('postgres', 'SELECT x::jsonb::text AS v FROM unnest($1::text[]) WITH ORDINALITY u(x, n) ORDER BY n', [values]);
  return rows.map((x) => x.v);
}

// ---------------------------------------------------------------------------------------
// Reading and writing both engines with the test's own SQL
// ---------------------------------------------------------------------------------------

const pgClient = (db: TestDb, timeZone = 'UTC'): Promise<pg.Client> => pgConnect(db.database, { setup: `SET TIME ZONE '${timeZone}'` });

const myConn = (db: TestDb, timeZone = '+00:00'): Promise<mysql.Connection> => mariaConnect({ ...mariaTextValues, database: db.database, setup: `SET time_zone = '${timeZone}'` });

/** Every column as text (bytes as lower-case hex, floats as exact doubles), rows by id. */
async function readTable(db: TestDb, table: string, columns: readonly Column[]): Promise<Map<string, (string | null)[]>> {
  const out = new Map<string, (string | null)[]>();
  if (db.engine === 'postgres') {
    const c = await pgClient(db);
    try {
      const exprs = columns.map((col) => (col.kind === 'bytes' ? `encode("${col.name}", 'hex')` : `"${col.name}"::text`));
      const r = await c.query({ text: `SELECT id::text, ${exprs.join(', ')} FROM ${db.q(table)} ORDER BY id`, rowMode: 'array' });
      for (const row of r.rows as (string | null)[][]) out.set(row[0]!, row.slice(1));
    } finally {
      await c.end();
    }
    return out;
  }
  const c = await myConn(db);
  try {
    // FLOAT widened to DOUBLE (exact; the text protocol prints FLOAT with 6 digits), `* 1E0` keeps -0.
    const exprs = columns.map((col) => (col.kind === 'bytes' ? `LOWER(HEX(\`${col.name}\`))` : col.kind === 'float4' ? `\`${col.name}\` * 1E0` : `\`${col.name}\``));
    // The server's own text of every value (mysql2's number parsing is not exact for doubles).
    const [rows] = await c.query({ sql: `SELECT CAST(id AS CHAR), ${exprs.join(', ')} FROM ${db.q(table)} ORDER BY id`, rowsAsArray: true, typeCast: (field) => field.string('utf8') });
    for (const row of rows as (string | null)[][]) out.set(String(row[0]), row.slice(1));
  } finally {
    await c.end();
  }
  return out;
}

/** The target's column types as its catalog spells them. */
async function catalogTypes(db: TestDb, table: string): Promise<Map<string, string>> {
  if (db.engine === 'postgres') {
    const rows = await db.rows(`SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
      WHERE a.attrelid = '${db.schema}.${table}'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
    return new Map(rows.map((r) => [r[0]!, r[1]!]));
  }
  const rows = await db.rows(`SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${db.schema}' AND TABLE_NAME = '${table}' ORDER BY ORDINAL_POSITION`);
  return new Map(rows.map((r) => [r[0]!, r[1]!]));
}

async function createPgSource(db: TestDb): Promise<void> {
  // Sessions of this database default to a zone other than UTC: the connectors must set their own.
  await db.exec(`ALTER DATABASE ${db.database} SET timezone TO 'America/New_York';
    CREATE TYPE ${db.schema}.mood AS ENUM ('sad', 'ok', 'happy 😀', 'it''s');
    CREATE TABLE ${db.schema}.types (id integer PRIMARY KEY, ${pgColumns.map((c) => `${c.name} ${c.type === 'mood' ? `${db.schema}.mood` : c.type}`).join(', ')});`);
  // Values bound as parameters, in a non-UTC session zone (timestamptz literals without an offset take it).
  const c = await pgClient(db, 'Asia/Kolkata');
  try {
    const names = ['id', ...pgColumns.map((col) => col.name)];
    const sql = `INSERT INTO ${db.q('types')} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
    for (const row of [...pgRows, ...pgOnlyRows, pgRoundedRow]) await c.query(sql, names.map((n) => row[n] ?? null));
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

async function createMariaSource(db: TestDb, rows: readonly SourceRow[]): Promise<void> {
  await db.exec(`CREATE TABLE types (id int PRIMARY KEY, ${mariaColumns.map((c) => `${c.name} ${c.type}`).join(', ')}) CHARSET utf8mb4`);
  // TIMESTAMP values given in a non-UTC session zone: stored as UTC by MariaDB.
  const c = await myConn(db, '+02:00');
  try {
    await c.query("SET sql_mode = 'STRICT_ALL_TABLES'");
    const names = ['id', ...mariaColumns.map((col) => col.name)];
    for (const row of rows) {
      await c.query(`INSERT INTO types (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, names.map((n) => row[n] ?? null));
    }
    // Timestamps given with +05:30 (row 2): stored as 06:30 UTC.
    await c.query("SET time_zone = '+05:30'");
    await c.query("UPDATE types SET c_ts = '2024-07-01 12:00:00' WHERE id = 2");
    await c.query('ANALYZE TABLE types');
  } finally {
    await c.end();
  }
}

/**
 * Refused rows are logged and skipped (DataErrorPolicy LOG_ERROR); no value of the matrix may
 * be a truncation, so DataTruncationErrorPolicy STOP_TASK fails the run should one be.
 */
const errorBehavior = {
  dataErrorPolicy: 'LOG_ERROR',
  dataTruncationErrorPolicy: 'STOP_TASK',
  dataErrorEscalationCount: 0,
  dataErrorEscalationPolicy: 'SUSPEND_TABLE',
  tableErrorPolicy: 'SUSPEND_TABLE',
  failOnNoTablesCaptured: true,
} as const;

interface PairCase {
  readonly from: Engine;
  readonly to: Engine;
  readonly columns: readonly Column[];
  /** Rows the target must refuse (ids), each reported as a data error. */
  readonly refused: readonly string[];
  /** Knowingly lossy values: the exact target text expected (row id -> column -> value). */
  readonly lossy?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The UTC instants the timestamptz column must hold in the target (row id -> target text). */
  readonly instants: readonly [string, string, string][];
  /** DDL notices the task log must show (column -> message pattern). */
  readonly notices: ReadonlyArray<readonly [string, RegExp]>;
}

const cases: readonly PairCase[] = [
  {
    from: 'postgres',
    to: 'postgres',
    columns: pgColumns,
    refused: [],
    notices: [],
    instants: [
      ['1', 'c_tstz', '2024-01-01 08:00:00+00'],
      ['2', 'c_tstz', '2024-07-01 06:30:00+00'],
    ],
  },
  {
    from: 'postgres',
    to: 'mariadb',
    columns: pgColumns,
    refused: pgOnlyRows.map((r) => r.id),
    lossy: { '98': { c_numfree: '0.123456789012345678901234567891' } },
    instants: [
      ['1', 'c_tstz', '2024-01-01 08:00:00.000000'],
      ['2', 'c_tstz', '2024-07-01 06:30:00.000000'],
    ],
    notices: [
      ['c_numfree', /unconstrained numeric created as DECIMAL\(65,30\)/],
      ['c_tstz', /timestamp with time zone created as DATETIME\(6\) holding UTC/],
      ['c_int_arr', /PostgreSQL array \(integer\[\]\) has no MySQL equivalent: created as LONGTEXT/],
      ['c_text_arr', /PostgreSQL array \(text\[\]\) has no MySQL equivalent: created as LONGTEXT/],
    ],
  },
  {
    from: 'mariadb',
    to: 'postgres',
    columns: mariaColumns,
    refused: mariaOnlyRows.map((r) => r.id),
    notices: [['c_set', /SET\(x,😀 y,z\) is created as text/]],
    instants: [
      ['1', 'c_ts', '2024-01-01 08:00:00+00'],
      ['2', 'c_ts', '2024-07-01 06:30:00+00'],
    ],
  },
  {
    from: 'mariadb',
    to: 'mariadb',
    columns: mariaColumns,
    refused: [],
    notices: [['c_ts', /timestamp with time zone created as DATETIME\(6\) holding UTC/]],
    instants: [
      ['1', 'c_ts', '2024-01-01 08:00:00.000000'],
      ['2', 'c_ts', '2024-07-01 06:30:00.000000'],
    ],
  },
];

for (const pair of cases) {
  const { from, to, columns } = pair;
  describe(`type matrix ${from} -> ${to}`, () => {
    it('maps every type to the documented target type and keeps every value', async () => {
      const source = await TestDb.create(from, 'tms');
      const target = await TestDb.create(to, 'tmd');
      try {
        if (from === 'postgres') await createPgSource(source);
        else await createMariaSource(source, [...mariaRows, ...mariaOnlyRows]);
        if (to === 'postgres') await target.exec(`ALTER DATABASE ${target.database} SET timezone TO 'Pacific/Auckland'`);

        const run = harness.start({ source, target, rules: [includeAll(source.schema)], settings: { targetSchema: target.schema, errorBehavior } });
        const outcome = await run.finished;
        assert.deepEqual(outcome, { kind: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, run.log());
        const log = run.log();

        // Target types, column by column, as the doc table says.
        const types = await catalogTypes(target, 'types');
        for (const col of columns) {
          const expected = to === 'postgres' ? col.toPostgres : col.toMariadb;
          const actual = types.get(col.name);
          if (expected instanceof RegExp) assert.match(actual ?? '', expected, `${col.name} (${col.type}) -> ${to}`);
          else assert.equal(actual, expected, `${col.name} (${col.type}) -> ${to}`);
        }
        if (to === 'mariadb') {
          // MariaDB's JSON is LONGTEXT with a json_valid() CHECK: the type of the json columns.
          const checks = await target.rows(`SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '${target.schema}' AND TABLE_NAME = 'types'`);
          for (const col of columns.filter((c) => c.kind === 'json' || c.kind === 'jsonb')) {
            assert.ok(checks.some(([name, clause]) => name === col.name && /json_valid/i.test(clause ?? '')), `${col.name} has a json_valid check: ${JSON.stringify(checks)}`);
          }
        }

        // DDL notices: what is approximated is said in the task log.
        for (const [column, message] of pair.notices) {
          assert.match(log, new RegExp(`Table .*types.*, column ${column}: ${message.source}`), `notice for ${column}`);
        }

        // Refused rows: data errors under ErrorBehavior (LOG_ERROR: logged, skipped, counted).
        const stats = run.reporter.last('types')!;
        assert.equal(stats.state, 'Table completed', stats.detail);
        assert.equal(stats.fullLoadErrorRows, pair.refused.length, log);
        for (const id of pair.refused) assert.match(log, new RegExp(`row refused, skipped \\(key id='${id}'\\)`), `row ${id} refused`);

        // Values, column by column, row by row.
        const src = await readTable(source, 'types', columns);
        const dst = await readTable(target, 'types', columns);
        const expectedIds = [...src.keys()].filter((id) => !pair.refused.includes(id));
        assert.deepEqual([...dst.keys()], expectedIds, 'the rows that arrived');
        assert.equal(stats.fullLoadRows, expectedIds.length);
        for (const [k, col] of columns.entries()) {
          let want: (string | null)[] = expectedIds.map((id) => src.get(id)![k] ?? null);
          let got: (string | null)[] = expectedIds.map((id) => dst.get(id)![k] ?? null);
          if (col.kind === 'jsonb') {
            want = await canonicalJson(want);
            got = await canonicalJson(got);
          }
          expectedIds.forEach((id, i) => {
            const lossy = pair.lossy?.[id]?.[col.name];
            if (lossy !== undefined) {
              assert.equal(got[i], lossy, `row ${id}, column ${col.name}: the documented approximation`);
              return;
            }
            const w = equivalence(col.kind, from, to, from, want[i] ?? null);
            const g = equivalence(col.kind, from, to, to, got[i] ?? null);
            assert.deepEqual(g, w, `row ${id}, column ${col.name} (${col.type}): target ${JSON.stringify(got[i])}, source ${JSON.stringify(want[i])}`);
          });
        }

        // Timestamps with time zone: the instant in UTC, whatever the sessions' zones were.
        for (const [id, name, utc] of pair.instants) {
          assert.equal(dst.get(id)![columns.findIndex((c) => c.name === name)], utc, `row ${id} ${name} in UTC`);
        }

        // NULL and '' stay distinct (row 4 all NULL, row 5 empty strings).
        const stringCols = columns.filter((c) => c.kind === 'string' || c.kind === 'bytes');
        for (const col of stringCols) {
          const k = columns.indexOf(col);
          assert.equal(dst.get('4')![k], null, `${col.name} NULL`);
          assert.equal(dst.get('5')![k], '', `${col.name} ''`);
        }
      } finally {
        await source.drop();
        await target.drop();
      }
    });
  });
}
