/**
 * Row images of binlog row events -> canonical values, the same ones MysqlSourceSession.read()
 * yields for the stored row (mysql-values.ts columnReader: the server's text of each value,
 * read with time_zone '+00:00'). The binlog has the storage bytes and the TABLE_MAP types; the
 * catalog adds what it lacks (names, signedness, character sets, ENUM/SET members). Pure.
 */
import type { NeutralType, Value } from '../../spi/data-types.js';
import { shortestFloat32 } from '../mysql-values.js';
import { parseMysqlColumnType } from '../../spi/mysql-type-text.js';
import { ColumnType, Cursor, type MappedColumn } from './binlog-events.js';
import { decimalSize, decodeBinaryDecimal } from './binlog-decimal.js';
import { mysqlJsonText } from './binlog-json.js';
import { decodeText, geometryText, inet4Text, inet6Text, uuidText } from './binlog-text-forms.js';

/** One column of a captured table, from information_schema.COLUMNS. */
export interface CaptureColumn {
  readonly name: string;
  /** The neutral type, as the source's catalog maps it (listMysqlTables). */
  readonly type: NeutralType;
  /** COLUMN_TYPE, e.g. `int(5) unsigned zerofill`. */
  readonly nativeType: string;
  /** DATA_TYPE, lower case, e.g. `int`, `varchar`, `inet6`. */
  readonly dataType: string;
  /** CHARACTER_SET_NAME; null for non-text columns and binary strings. */
  readonly charset: string | null;
}

export interface ValueContext {
  /** `schema.table`, for messages. */
  readonly table: string;
  /** MariaDB prints some text forms differently (MULTIPOINT). */
  readonly mariadb: boolean;
}

export interface DecodedImage {
  /** The names of the columns the image holds, in table order. */
  readonly columns: string[];
  readonly values: Value[];
}

/**
 * One row image at the cursor: the NULL bitmap (one bit per present column), then the values of
 * the present, non-NULL columns in column order.
 */
export function decodeRowImage(c: Cursor, mapped: readonly MappedColumn[], present: readonly boolean[], columns: readonly CaptureColumn[], ctx: ValueContext): DecodedImage {
  let count = 0;
  for (const p of present) if (p) count++;
  const nulls = c.bitmap(count);
  const names: string[] = [];
  const values: Value[] = [];
  let k = 0;
  for (let i = 0; i < present.length; i++) {
    if (!present[i]) continue;
    const col = columns[i];
    const m = mapped[i];
    if (!col || !m) throw new Error(`${ctx.table}: the binlog row has a column ${i + 1} the table does not have`);
    names.push(col.name);
    if (nulls[k++]) {
      values.push(null);
      continue;
    }
    try {
      values.push(decodeValue(c, m, col, ctx));
    } catch (err) {
      throw new Error(`${ctx.table}, column ${col.name} (${col.nativeType}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return { columns: names, values };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Microseconds shown with `fsp` digits, as the server prints TIME(n)/DATETIME(n)/TIMESTAMP(n). */
function fraction(micro: number, fsp: number): string {
  return fsp > 0 ? `.${String(micro).padStart(6, '0').slice(0, fsp)}` : '';
}

/** The fractional part of TIME2/DATETIME2/TIMESTAMP2: (fsp+1)/2 big-endian bytes, signed. */
function readFraction(c: Cursor, fsp: number): number {
  switch (fsp) {
    case 1:
    case 2:
      return c.bytes(1).readInt8(0) * 10000;
    case 3:
    case 4:
      return c.bytes(2).readInt16BE(0) * 100;
    case 5:
    case 6:
      return c.bytes(3).readIntBE(0, 3);
    default:
      return 0;
  }
}

function intText(v: bigint | number, col: CaptureColumn): string {
  const s = String(v);
  if (col.type.kind !== 'int') return s;
  // ZEROFILL columns print zero-padded to their display width (what read() gets).
  const t = parseMysqlColumnType(col.nativeType);
  const width = t.zerofill ? Number(t.args[0] ?? 0) : 0;
  return width > s.length ? s.padStart(width, '0') : s;
}

/** An integer: booleans (TINYINT(1)) 0/1 -> false/true, like read(); anything else its digits. */
function integer(v: bigint | number, col: CaptureColumn): Value {
  if (col.type.kind === 'boolean') return v === 0 || v === 0n ? false : v === 1 || v === 1n ? true : String(v);
  return intText(v, col);
}

function unsigned(col: CaptureColumn): boolean {
  return col.type.kind === 'int' && col.type.unsigned;
}

function lengthPrefixed(c: Cursor, lengthBytes: number): Buffer {
  return c.bytes(c.uint(lengthBytes));
}

/** Text or binary by the column's type: binary strings are Buffers, text is decoded from its charset. */
function stringValue(bytes: Buffer, col: CaptureColumn): Value {
  const t = col.type;
  if (t.kind === 'binary') {
    // BINARY(n) loses its trailing 0x00 padding in the row image; the column holds n bytes.
    if (t.fixed && bytes.length < t.length) {
      const full = Buffer.alloc(t.length);
      bytes.copy(full);
      return full;
    }
    return Buffer.from(bytes);
  }
  if (t.kind === 'blob') return Buffer.from(bytes);
  if (t.kind === 'uuid') return uuidText(bytes);
  if (t.kind === 'native') {
    if (col.dataType === 'inet6') return inet6Text(bytes);
    if (col.dataType === 'inet4') return inet4Text(bytes);
  }
  if (col.charset === null || col.charset === 'binary') {
    // A binary string the catalog maps to a text type (should not happen): keep the bytes.
    return Buffer.from(bytes);
  }
  return decodeText(bytes, col.charset);
}

function memberOf(values: readonly string[] | undefined, index: number): string {
  if (index === 0) return '';
  const v = values?.[index - 1];
  if (v === undefined) throw new Error(`ENUM index ${index} is beyond the column's ${values?.length ?? 0} members`);
  return v;
}

function setText(values: readonly string[] | undefined, bits: bigint): string {
  const out: string[] = [];
  for (let i = 0; bits >> BigInt(i) !== 0n; i++) {
    if ((bits >> BigInt(i)) & 1n) {
      const v = values?.[i];
      if (v === undefined) throw new Error(`SET bit ${i} is beyond the column's ${values?.length ?? 0} members`);
      out.push(v);
    }
  }
  return out.join(',');
}

function membersOf(col: CaptureColumn): readonly string[] | undefined {
  return col.type.kind === 'enum' || col.type.kind === 'set' ? col.type.values : undefined;
}

/** One value of the column at the cursor, by its binlog type and metadata. */
export function decodeValue(c: Cursor, m: MappedColumn, col: CaptureColumn, ctx: ValueContext): Value {
  const meta0 = m.meta[0] ?? 0;
  const meta1 = m.meta[1] ?? 0;
  switch (m.type) {
    case ColumnType.TINY: {
      const b = c.bytes(1);
      return integer(unsigned(col) ? b.readUInt8(0) : b.readInt8(0), col);
    }
    case ColumnType.SHORT: {
      const b = c.bytes(2);
      return integer(unsigned(col) ? b.readUInt16LE(0) : b.readInt16LE(0), col);
    }
    case ColumnType.INT24: {
      const b = c.bytes(3);
      return integer(unsigned(col) ? b.readUIntLE(0, 3) : b.readIntLE(0, 3), col);
    }
    case ColumnType.LONG: {
      const b = c.bytes(4);
      return integer(unsigned(col) ? b.readUInt32LE(0) : b.readInt32LE(0), col);
    }
    case ColumnType.LONGLONG: {
      const b = c.bytes(8);
      return integer(unsigned(col) ? b.readBigUInt64LE(0) : b.readBigInt64LE(0), col);
    }
    case ColumnType.FLOAT:
      // read() widens FLOAT to DOUBLE in SQL and prints the shortest float32 form.
      return shortestFloat32(c.bytes(4).readFloatLE(0));
    case ColumnType.DOUBLE:
      return String(c.bytes(8).readDoubleLE(0));
    case ColumnType.NEWDECIMAL: {
      const precision = meta0;
      const scale = meta1;
      return decodeBinaryDecimal(c.bytes(decimalSize(precision, scale)), precision, scale);
    }
    case ColumnType.YEAR: {
      const y = c.u8();
      return y === 0 ? '0000' : String(1900 + y);
    }
    case ColumnType.DATE:
    case ColumnType.NEWDATE: {
      const v = c.u24();
      return `${String(v >> 9).padStart(4, '0')}-${two((v >> 5) & 15)}-${two(v & 31)}`;
    }
    case ColumnType.TIME: {
      // The pre-5.6 TIME: a signed HHMMSS integer.
      const v = c.bytes(3).readIntLE(0, 3);
      const a = Math.abs(v);
      return `${v < 0 ? '-' : ''}${two(Math.floor(a / 10000))}:${two(Math.floor(a / 100) % 100)}:${two(a % 100)}`;
    }
    case ColumnType.TIME2:
      return time2(c, meta0);
    case ColumnType.DATETIME: {
      // The pre-5.6 DATETIME: YYYYMMDDhhmmss as an integer.
      const v = c.u64();
      const d = String(v).padStart(14, '0');
      return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}`;
    }
    case ColumnType.DATETIME2:
      return datetime2(c, meta0);
    case ColumnType.TIMESTAMP: {
      const seconds = c.u32();
      return withZone(utcText(seconds, 0, 0), col);
    }
    case ColumnType.TIMESTAMP2: {
      const seconds = c.bytes(4).readUInt32BE(0);
      const micro = readFraction(c, meta0);
      return withZone(utcText(seconds, micro, meta0), col);
    }
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING: {
      const max = meta0 | (meta1 << 8);
      return stringValue(lengthPrefixed(c, max < 256 ? 1 : 2), col);
    }
    case ColumnType.STRING:
    case ColumnType.ENUM:
    case ColumnType.SET: {
      // STRING's metadata: the real type (CHAR, BINARY, ENUM, SET) and the byte length, whose
      // bits above 255 are folded into the type byte.
      let realType = meta0;
      let length = meta1;
      if (m.type === ColumnType.STRING && (realType & 0x30) !== 0x30) {
        length = meta1 | (((realType & 0x30) ^ 0x30) << 4);
        realType = realType | 0x30;
      }
      if (realType === ColumnType.ENUM) return memberOf(membersOf(col), c.uint(length));
      if (realType === ColumnType.SET) {
        const b = c.bytes(length);
        let bits = 0n;
        for (let i = length - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(b[i]!);
        return setText(membersOf(col), bits);
      }
      return stringValue(lengthPrefixed(c, length > 255 ? 2 : 1), col);
    }
    case ColumnType.BIT: {
      const bits = meta0;
      const bytes = meta1;
      const raw = c.bytes(bytes + (bits > 0 ? 1 : 0));
      const length = col.type.kind === 'bit' ? col.type.length : bytes * 8 + bits;
      let s = '';
      for (const b of raw) s += b.toString(2).padStart(8, '0');
      return s.length >= length ? s.slice(s.length - length) : s.padStart(length, '0');
    }
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.BLOB:
      return stringValue(lengthPrefixed(c, meta0), col);
    case ColumnType.JSON:
      return mysqlJsonText(lengthPrefixed(c, meta0));
    case ColumnType.GEOMETRY:
      return geometryText(lengthPrefixed(c, meta0), ctx.mariadb);
    default:
      throw new Error(`binlog column type ${m.type} cannot be decoded`);
  }
}

function withZone(text: string, col: CaptureColumn): string {
  return col.type.kind === 'timestamp' && col.type.withTimeZone ? `${text}+00` : text;
}

/** A TIMESTAMP (seconds since the epoch) in UTC; 0 is the zero timestamp. */
function utcText(seconds: number, micro: number, fsp: number): string {
  if (seconds === 0) return `0000-00-00 00:00:00${fraction(micro, fsp)}`;
  const d = new Date(seconds * 1000);
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${fraction(micro, fsp)}`;
}

/**
 * TIME2: 3 big-endian bytes (sign bit, 1 unused, 10 bits hour, 6 minute, 6 second) offset by
 * 0x800000, then the fraction; negative values are stored as their two's complement.
 */
function time2(c: Cursor, fsp: number): string {
  const intOffset = 0x800000;
  let packed: bigint;
  if (fsp >= 5) {
    packed = BigInt(c.bytes(6).readUIntBE(0, 6)) - 0x800000000000n;
  } else {
    let intpart = c.bytes(3).readUIntBE(0, 3) - intOffset;
    let frac = 0;
    if (fsp >= 1) {
      const width = fsp <= 2 ? 1 : 2;
      frac = c.bytes(width).readUIntBE(0, width);
      if (intpart < 0 && frac !== 0) {
        intpart++;
        frac -= width === 1 ? 0x100 : 0x10000;
      }
      frac *= width === 1 ? 10000 : 100;
    }
    packed = (BigInt(intpart) << 24n) + BigInt(frac);
  }
  const neg = packed < 0n;
  const v = neg ? -packed : packed;
  const micro = Number(v % (1n << 24n));
  const hms = Number(v >> 24n);
  const hour = (hms >> 12) % (1 << 10);
  const minute = (hms >> 6) % 64;
  const second = hms % 64;
  return `${neg ? '-' : ''}${two(hour)}:${two(minute)}:${two(second)}${fraction(micro, fsp)}`;
}

/**
 * DATETIME2: 5 big-endian bytes offset by 0x8000000000 (sign, 17 bits year*13+month, 5 day,
 * 5 hour, 6 minute, 6 second), then the fraction.
 */
function datetime2(c: Cursor, fsp: number): string {
  const intpart = c.bytes(5).readUIntBE(0, 5) - 0x8000000000;
  const micro = readFraction(c, fsp);
  const ymd = Math.floor(intpart / 2 ** 17);
  const hms = intpart % 2 ** 17;
  const ym = ymd >> 5;
  const day = ymd % 32;
  const month = ym % 13;
  const year = Math.floor(ym / 13);
  const second = hms % 64;
  const minute = (hms >> 6) % 64;
  const hour = hms >> 12;
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${fraction(micro, fsp)}`;
}
