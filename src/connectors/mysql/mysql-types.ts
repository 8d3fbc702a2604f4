/**
 * MySQL/MariaDB native types <-> NeutralType (docs/architecture/05-type-mapping-mysql.md is
 * the table of both directions). Pure: no I/O.
 */
import type { NeutralType } from '../spi/data-types.js';
import { neutralOfMysqlType, parseMysqlColumnType } from '../spi/mysql-type-text.js';
import type { DdlNotice, TargetColumn } from '../spi/target.js';

/** What information_schema.COLUMNS says of one column's type (plus the MariaDB json_valid check). */
export interface NativeColumn {
  /** COLUMN_TYPE: `int(10) unsigned`, `enum('a','b')`, `decimal(10,2)` ... */
  readonly columnType: string;
  /** MariaDB's JSON: a LONGTEXT with a json_valid() CHECK constraint. */
  readonly jsonCheck: boolean;
}

export const geometryTypes = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

/**
 * Native -> neutral, for a source column: COLUMN_TYPE read by the one MySQL type-text mapping
 * schema conversion uses too. A type without a neutral equivalent keeps COLUMN_TYPE as written.
 */
export function neutralOf(c: NativeColumn): NeutralType {
  const t = neutralOfMysqlType(parseMysqlColumnType(c.columnType), c.jsonCheck);
  return t.kind === 'native' ? { kind: 'native', engine: 'mysql', type: c.columnType } : t;
}

/** What the target server can do, for the neutral -> native choices. */
export interface ServerTraits {
  readonly mariadb: boolean;
  /** MariaDB >= 10.7 has a UUID type. */
  readonly uuidType: boolean;
}

export function serverTraitsOf(version: string): ServerTraits {
  const mariadb = /mariadb/i.test(version);
  const [major = 0, minor = 0] = version.split(/[.-]/).map((x) => Number(x));
  return { mariadb, uuidType: mariadb && (major > 10 || (major === 10 && minor >= 7)) };
}

/** InnoDB's row size limit (the sum of the columns' maximum in-row sizes). */
const maxRowBytes = 65_535;
/** InnoDB's index key length limit (DYNAMIC/COMPRESSED rows, the default since 5.7/10.2). */
const maxKeyBytes = 3_072;
/** Bytes per character of utf8mb4. */
const mb = 4;

export interface ColumnDdl {
  readonly name: string;
  readonly sql: string;
}

/**
 * Neutral -> native: the column definitions of CREATE TABLE, and what had to be approximated.
 * Key columns get types an InnoDB index accepts (no TEXT/BLOB, at most 3072 bytes in all).
 */
export function renderColumns(columns: readonly TargetColumn[], primaryKey: readonly string[], traits: ServerTraits): { columns: ColumnDdl[]; notices: DdlNotice[] } {
  const notices: DdlNotice[] = [];
  const keys = new Set(primaryKey);
  const note = (column: string, message: string): void => {
    notices.push({ column, message });
  };
  // Key columns that are unbounded (or too long) share what the index allows beyond the fixed ones.
  const variableKeys = columns.filter((c) => keys.has(c.name) && keyVariable(c.type));
  const fixedKeyBytes = columns.filter((c) => keys.has(c.name) && !keyVariable(c.type)).reduce((n, c) => n + typeOf(c, traits, () => undefined).bytes, 0);
  const keyShare = variableKeys.length ? Math.max(1, Math.floor((maxKeyBytes - fixedKeyBytes) / variableKeys.length)) : 0;
  const types = columns.map((c) => {
    if (keys.has(c.name) && keyVariable(c.type)) return keyType(c, keyShare, note);
    return typeOf(c, traits, note);
  });
  // Over the row size limit: the widest VARCHAR/VARBINARY (not in the key) become TEXT/BLOB.
  let total = types.reduce((n, t) => n + t.bytes, 0);
  while (total > maxRowBytes) {
    let widest = -1;
    types.forEach((t, i) => {
      const c = columns[i];
      if (t.widen && c && !keys.has(c.name) && (widest < 0 || t.bytes > (types[widest]?.bytes ?? 0))) widest = i;
    });
    const c = columns[widest];
    const t = types[widest];
    if (!c || !t?.widen) break;
    total -= t.bytes;
    const wide = t.widen();
    types[widest] = wide;
    total += wide.bytes;
    note(c.name, `${t.sql} would pass MySQL's row size limit of 65535 bytes with the other columns: created as ${wide.sql}, which does not check the length`);
  }
  return {
    columns: columns.map((c, i) => ({ name: c.name, sql: `${quoteId(c.name)} ${types[i]?.sql ?? 'LONGTEXT'}${c.nullable && !keys.has(c.name) ? ' NULL' : ' NOT NULL'}` })),
    notices,
  };
}

interface Rendered {
  readonly sql: string;
  /** The column's share of the row size limit. */
  readonly bytes: number;
  /** For VARCHAR/VARBINARY: the off-page type to fall back to over the row size limit. */
  readonly widen?: () => Rendered;
}

const lob = (sql: string): Rendered => ({ sql, bytes: 12 });

function textFor(chars: number): string {
  const bytes = chars * mb;
  return bytes <= 65_535 ? 'TEXT' : bytes <= 16_777_215 ? 'MEDIUMTEXT' : 'LONGTEXT';
}

function blobFor(bytes: number): string {
  return bytes <= 65_535 ? 'BLOB' : bytes <= 16_777_215 ? 'MEDIUMBLOB' : 'LONGBLOB';
}

function varchar(n: number): Rendered {
  return { sql: `VARCHAR(${n})`, bytes: n * mb + 2, widen: () => lob(textFor(n)) };
}

function varbinary(n: number): Rendered {
  return { sql: `VARBINARY(${n})`, bytes: n + 2, widen: () => lob(blobFor(n)) };
}

function typeOf(c: TargetColumn, traits: ServerTraits, note: (column: string, message: string) => void): Rendered {
  const t = c.type;
  switch (t.kind) {
    case 'boolean':
      return { sql: 'TINYINT(1)', bytes: 1 };
    case 'int': {
      const name = { 1: 'TINYINT', 2: 'SMALLINT', 3: 'MEDIUMINT', 4: 'INT', 8: 'BIGINT' }[t.bytes];
      return { sql: `${name}${t.unsigned ? ' UNSIGNED' : ''}`, bytes: t.bytes };
    }
    case 'decimal': {
      if (t.precision === undefined) {
        note(c.name, 'unconstrained numeric created as DECIMAL(65,30): more than 35 digits before the point are refused, more than 30 after it are rounded');
        return { sql: 'DECIMAL(65,30)', bytes: 30 };
      }
      let p = t.precision;
      let s = t.scale ?? 0;
      if (p > 65 || s > 30 || s < 0) {
        const was = `numeric(${p},${s})`;
        s = Math.min(Math.max(s, 0), 30);
        p = Math.min(p, 65);
        note(c.name, `${was} is beyond MySQL's DECIMAL (65 digits, 30 after the point): created as DECIMAL(${p},${s}); values beyond it are refused or rounded`);
      }
      return { sql: `DECIMAL(${p},${Math.min(s, p)})`, bytes: Math.ceil(p / 2) + 1 };
    }
    case 'float':
      return t.bytes === 4 ? { sql: 'FLOAT', bytes: 4 } : { sql: 'DOUBLE', bytes: 8 };
    case 'char':
      if (t.length <= 255) return { sql: `CHAR(${Math.max(t.length, 1)})`, bytes: Math.max(t.length, 1) * mb };
      note(c.name, `char(${t.length}) is longer than MySQL's CHAR (255): created as VARCHAR(${t.length}), without blank padding`);
      return varcharOrText(c.name, t.length, note);
    case 'varchar':
      if (t.length === undefined) return lob('LONGTEXT');
      return varcharOrText(c.name, t.length, note);
    case 'text':
      return lob('LONGTEXT');
    case 'binary':
      if (t.fixed && t.length <= 255) return { sql: `BINARY(${Math.max(t.length, 1)})`, bytes: Math.max(t.length, 1) };
      if (t.length <= 65_532) return varbinary(Math.max(t.length, 1));
      note(c.name, `binary(${t.length}) is longer than MySQL's VARBINARY allows: created as ${blobFor(t.length)}, which does not check the length`);
      return lob(blobFor(t.length));
    case 'blob':
      return lob('LONGBLOB');
    case 'date':
      return { sql: 'DATE', bytes: 3 };
    case 'time':
      return { sql: `TIME(${fraction(c.name, t.precision, note)})`, bytes: 6 };
    case 'timestamp': {
      const p = fraction(c.name, t.precision, note);
      if (t.withTimeZone) {
        note(c.name, `timestamp with time zone created as DATETIME(${p}) holding UTC (MySQL's TIMESTAMP ends in 2038); the zone offset is not kept`);
      }
      return { sql: `DATETIME(${p})`, bytes: 8 };
    }
    case 'json':
      // MariaDB turns JSON into LONGTEXT with a json_valid() check; MySQL has a JSON type.
      return lob('JSON');
    case 'uuid':
      return traits.uuidType ? { sql: 'UUID', bytes: 16 } : { sql: 'CHAR(36) CHARACTER SET ascii COLLATE ascii_bin', bytes: 36 };
    case 'enum':
      return { sql: `ENUM(${t.values.map(quoteString).join(',')})`, bytes: 2 };
    case 'set':
      if (t.values.length <= 64) return { sql: `SET(${t.values.map(quoteString).join(',')})`, bytes: 8 };
      note(c.name, `set of ${t.values.length} members is beyond MySQL's SET (64): created as LONGTEXT`);
      return lob('LONGTEXT');
    case 'year':
      return { sql: 'YEAR', bytes: 1 };
    case 'bit':
      if (!t.varying && t.length >= 1 && t.length <= 64) return { sql: `BIT(${t.length})`, bytes: Math.ceil(t.length / 8) };
      note(c.name, `${t.varying ? 'bit varying' : `bit(${t.length})`} has no MySQL BIT equivalent: created as a string of 0/1 digits`);
      return t.length >= 1 && t.length <= 16_383 ? asciiVarchar(t.length) : lob('LONGTEXT');
    case 'array':
      note(c.name, `PostgreSQL array (${t.nativeElement}[]) has no MySQL equivalent: created as LONGTEXT holding the array literal`);
      return lob('LONGTEXT');
    case 'native':
      if (t.engine === 'mysql') return { sql: t.type, bytes: 12 };
      note(c.name, `PostgreSQL type ${t.type} has no MySQL equivalent: created as LONGTEXT holding its text form`);
      return lob('LONGTEXT');
  }
}

function asciiVarchar(n: number): Rendered {
  return { sql: `VARCHAR(${n}) CHARACTER SET ascii COLLATE ascii_bin`, bytes: n + 2, widen: () => lob('LONGTEXT') };
}

function varcharOrText(column: string, n: number, note: (column: string, message: string) => void): Rendered {
  // One VARCHAR may use the whole row (65535 bytes, 4 per utf8mb4 character).
  if (n * mb + 2 <= maxRowBytes) return varchar(Math.max(n, 1));
  const sql = textFor(n);
  note(column, `varchar(${n}) is beyond MySQL's VARCHAR in utf8mb4 (16383): created as ${sql}, which does not check the length`);
  return lob(sql);
}

function fraction(column: string, p: number | undefined, note: (column: string, message: string) => void): number {
  if (p === undefined) return 6;
  if (p > 6) note(column, `fractional seconds precision ${p} is beyond MySQL's 6: rounded to microseconds`);
  return Math.min(Math.max(p, 0), 6);
}

/** Key column types InnoDB cannot index whole: unbounded or long strings and binaries. */
function keyVariable(t: NeutralType): boolean {
  switch (t.kind) {
    case 'text':
    case 'blob':
    case 'json':
    case 'array':
      return true;
    case 'varchar':
      return t.length === undefined || t.length * mb > 767;
    case 'char':
      return t.length > 255;
    case 'binary':
      return t.length > 767;
    case 'native':
      return t.engine === 'postgres';
    default:
      return false;
  }
}

function keyType(c: TargetColumn, shareBytes: number, note: (column: string, message: string) => void): Rendered {
  const binary = c.type.kind === 'blob' || c.type.kind === 'binary';
  const declared = c.type.kind === 'varchar' || c.type.kind === 'char' ? c.type.length : c.type.kind === 'binary' ? c.type.length : undefined;
  const limit = binary ? Math.max(1, shareBytes) : Math.max(1, Math.floor(shareBytes / mb));
  const n = declared !== undefined ? Math.min(declared, limit) : limit;
  const rendered = binary ? varbinary(n) : varchar(n);
  if (declared === undefined || declared > n) {
    note(c.name, `primary key column: MySQL indexes at most 3072 bytes, so it is created as ${rendered.sql}; longer values are refused`);
  }
  return { sql: rendered.sql, bytes: rendered.bytes };
}

export function quoteId(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export function quoteTable(t: { readonly schema: string; readonly name: string }): string {
  return `${quoteId(t.schema)}.${quoteId(t.name)}`;
}

/** A string literal for DDL (ENUM/SET members): quotes doubled, backslashes escaped. */
export function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\0/g, '\\0') + "'";
}
