/**
 * Canonical values (spi/data-types.ts) <-> MySQL's wire forms. Reading: the text protocol's
 * bytes of each column, turned into the canonical form by the column's neutral type. Writing:
 * canonical values as fields of LOAD DATA, as literals of INSERT, and as bound parameters of
 * filters and key ranges. Pure: no I/O.
 */
import mysql from 'mysql2';
import type { ColumnInfo, NeutralType, Value } from '../spi/data-types.js';
import { geometryTypes, quoteId } from './mysql-types.js';

/** How one source column is selected and decoded. */
export interface ColumnReader {
  /** The SELECT expression (with the LOB limit applied, when given). */
  select(lobLimit?: number): string;
  /** The text protocol's bytes (null for NULL) -> the canonical value. */
  decode(raw: Buffer | null): Value;
}

export function isGeometry(nativeType: string): boolean {
  return geometryTypes.has(nativeType.toLowerCase().replace(/\s.*$/, ''));
}

export function columnReader(c: ColumnInfo): ColumnReader {
  const id = quoteId(c.name);
  const t = c.type;
  const plain = (expr = id) => (): string => expr;
  const text = (raw: Buffer | null): Value => (raw === null ? null : raw.toString('utf8'));
  switch (t.kind) {
    case 'boolean':
      // 0/1 are booleans; any other value of a TINYINT(1) stays its digits, never changed.
      return { select: plain(), decode: (raw) => (raw === null ? null : raw.length === 1 && raw[0] === 0x31 ? true : raw.length === 1 && raw[0] === 0x30 ? false : raw.toString('latin1')) };
    case 'float':
      if (t.bytes === 4) {
        // The text protocol prints FLOAT with 6 digits: read it widened to DOUBLE (exact).
        return { select: plain(`(${id} + 0E0)`), decode: (raw) => (raw === null ? null : shortestFloat32(Number(raw.toString('latin1')))) };
      }
      return { select: plain(), decode: (raw) => (raw === null ? null : String(Number(raw.toString('latin1')))) };
    case 'timestamp':
      if (t.withTimeZone) return { select: plain(), decode: (raw) => (raw === null ? null : `${raw.toString('latin1')}+00`) };
      return { select: plain(), decode: text };
    case 'binary':
      return { select: plain(), decode: (raw) => raw };
    case 'blob':
      return { select: (limit) => (limit === undefined ? id : `SUBSTRING(${id}, 1, ${Math.max(0, Math.floor(limit))})`), decode: (raw) => raw };
    case 'text':
    case 'json':
      return { select: (limit) => (limit === undefined ? id : `LEFT(${id}, ${Math.max(0, Math.floor(limit))})`), decode: text };
    case 'bit':
      return { select: plain(), decode: (raw) => (raw === null ? null : bitDigits(raw, t.length)) };
    case 'native':
      if (isGeometry(c.nativeType)) {
        // Extended WKT (SRID=n;WKT): what PostGIS reads, and what the MySQL writer parses back.
        return { select: plain(`CONCAT('SRID=', ST_SRID(${id}), ';', ST_AsText(${id}))`), decode: text };
      }
      return { select: plain(), decode: text };
    default:
      return { select: plain(), decode: text };
  }
}

/** The shortest decimal string that reads back as the same 32-bit float. */
export function shortestFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function bitDigits(raw: Buffer, length: number): string {
  let s = '';
  for (const b of raw) s += b.toString(2).padStart(8, '0');
  return s.length >= length ? s.slice(s.length - length) : s.padStart(length, '0');
}

/**
 * A canonical string of a key column as a bound parameter with its SQL placeholder
 * (timestamps with time zone lose their '+00', bit digits compare as numbers, binary keys
 * travel as '\x' + hex, PostgreSQL's bytea form).
 */
export function paramOf(t: NeutralType, value: string): { sql: string; value: unknown } {
  switch (t.kind) {
    case 'timestamp':
      return { sql: '?', value: t.withTimeZone ? stripUtc(value) : value };
    case 'bit':
      return { sql: 'CAST(CONV(?, 2, 10) AS UNSIGNED)', value };
    case 'boolean':
      return { sql: '?', value: value === 'true' || value === 't' ? '1' : value === 'false' || value === 'f' ? '0' : value };
    case 'binary':
    case 'blob':
      return { sql: '?', value: /^\\x[0-9a-fA-F]*$/.test(value) ? Buffer.from(value.slice(2), 'hex') : value };
    default:
      return { sql: '?', value };
  }
}

/** A key value as canonical string (for split points): binary as '\x' + hex, booleans 1/0. */
export function keyString(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return v;
}

/** A timestamp with time zone in canonical form ends in '+00' (UTC): MySQL stores it bare. */
export function stripUtc(s: string): string {
  return s.endsWith('+00') ? s.slice(0, -3) : s.endsWith('+00:00') ? s.slice(0, -6) : s;
}

/** How the writer sends one target column. */
export type WriteEncoding = 'text' | 'hex' | 'bit' | 'geometry';

/** The encoding for a target column, from its actual type on the server. */
export function writeEncodingOf(dataType: string): WriteEncoding {
  const dt = dataType.toLowerCase();
  if (dt === 'bit') return 'bit';
  if (/^(binary|varbinary|tinyblob|blob|mediumblob|longblob)$/.test(dt)) return 'hex';
  if (geometryTypes.has(dt)) return 'geometry';
  return 'text';
}

/** A value the writer refuses before sending it (the server would take it silently wrong). */
export class BadValueError extends Error {}

/** A canonical value as the text MySQL should store (before the encoding's own escaping). */
export function wireText(v: string | boolean, type: NeutralType, enc: WriteEncoding = 'text'): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  // CONV() stops at the first digit that is not binary: check first, never store a wrong value.
  if (enc === 'bit' && !/^[01]{1,64}$/.test(v)) throw new BadValueError(`'${v.slice(0, 80)}' is not a bit string of 1 to 64 digits`);
  if (type.kind === 'timestamp' && type.withTimeZone) return stripUtc(v);
  return v;
}

/** One field of a LOAD DATA line (tab-separated, backslash escapes, \N for NULL). */
export function loadDataField(v: Value, enc: WriteEncoding, type: NeutralType): string {
  if (v === null) return '\\N';
  if (Buffer.isBuffer(v)) return enc === 'hex' ? v.toString('hex') : escapeLoadData(v.toString('utf8'));
  const s = wireText(v, type, enc);
  if (enc === 'hex') return Buffer.from(s, 'utf8').toString('hex');
  return escapeLoadData(s);
}

const loadDataEscapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function escapeLoadData(s: string): string {
  return s.replace(/[\\\t\n\r\0]/g, (ch) => loadDataEscapes[ch] ?? ch);
}

/** The column list entry and SET clause of LOAD DATA for one column (@v<i> for converted ones). */
export function loadDataColumn(name: string, i: number, enc: WriteEncoding): { target: string; set?: string } {
  const id = quoteId(name);
  switch (enc) {
    case 'text':
      return { target: id };
    case 'hex':
      return { target: `@v${i}`, set: `${id} = UNHEX(@v${i})` };
    case 'bit':
      return { target: `@v${i}`, set: `${id} = CAST(CONV(@v${i}, 2, 10) AS UNSIGNED)` };
    case 'geometry':
      return { target: `@v${i}`, set: `${id} = ${geometryFromText(`@v${i}`)}` };
  }
}

/** EWKT ('SRID=n;WKT') or plain WKT -> a geometry. */
function geometryFromText(expr: string): string {
  return `IF(${expr} LIKE 'SRID=%;%', ST_GeomFromText(SUBSTRING_INDEX(${expr}, ';', -1), CAST(SUBSTRING_INDEX(SUBSTRING(${expr}, 6), ';', 1) AS UNSIGNED)), ST_GeomFromText(${expr}))`;
}

/** One value as an SQL literal of INSERT (escaped by the driver; binaries as X'..'). */
export function insertLiteral(v: Value, enc: WriteEncoding, type: NeutralType): string {
  if (v === null) return 'NULL';
  if (Buffer.isBuffer(v)) return enc === 'text' ? mysql.escape(v.toString('utf8')) : `X'${v.toString('hex')}'`;
  const s = wireText(v, type, enc);
  switch (enc) {
    case 'text':
      return mysql.escape(s);
    case 'hex':
      return `X'${Buffer.from(s, 'utf8').toString('hex')}'`;
    case 'bit':
      return `CAST(CONV(${mysql.escape(s)}, 2, 10) AS UNSIGNED)`;
    case 'geometry':
      return geometryFromText(mysql.escape(s));
  }
}
