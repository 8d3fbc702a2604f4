/**
 * MySQL's binary JSON (the JSON column type of MySQL 5.7+, json_binary.h) -> the JSON text the
 * server prints for it (`{"a": 1, "b": [true, null]}`: ", " and ": " separators, doubles as
 * my_gcvt prints them with ".0" on integral values). MariaDB stores JSON as text and never
 * needs this. Pure.
 */
import { serverDouble } from './binlog-text-forms.js';
import { decodeBinaryDecimal, decimalSize } from './binlog-decimal.js';

const SMALL_OBJECT = 0x00;
const LARGE_OBJECT = 0x01;
const SMALL_ARRAY = 0x02;
const LARGE_ARRAY = 0x03;
const LITERAL = 0x04;
const INT16 = 0x05;
const UINT16 = 0x06;
const INT32 = 0x07;
const UINT32 = 0x08;
const INT64 = 0x09;
const UINT64 = 0x0a;
const DOUBLE = 0x0b;
const STRING = 0x0c;
const OPAQUE = 0x0f;

/** A JSON document in binary form -> its text; an empty value is JSON null (as MySQL reads it). */
export function mysqlJsonText(doc: Buffer): string {
  if (doc.length === 0) return 'null';
  return value(doc, doc[0]!, 1, doc.length);
}

function value(buf: Buffer, type: number, at: number, end: number): string {
  switch (type) {
    case SMALL_OBJECT:
    case LARGE_OBJECT:
      return container(buf, at, end, true, type === LARGE_OBJECT);
    case SMALL_ARRAY:
    case LARGE_ARRAY:
      return container(buf, at, end, false, type === LARGE_ARRAY);
    case LITERAL:
      return literal(buf[at]!);
    case INT16:
      return String(buf.readInt16LE(at));
    case UINT16:
      return String(buf.readUInt16LE(at));
    case INT32:
      return String(buf.readInt32LE(at));
    case UINT32:
      return String(buf.readUInt32LE(at));
    case INT64:
      return buf.readBigInt64LE(at).toString();
    case UINT64:
      return buf.readBigUInt64LE(at).toString();
    case DOUBLE:
      return jsonDouble(buf.readDoubleLE(at));
    case STRING: {
      const { length, next } = varLength(buf, at, end);
      return quote(buf.toString('utf8', next, next + length));
    }
    case OPAQUE:
      return opaque(buf, at, end);
    default:
      throw new Error(`binary JSON has an unknown value type 0x${type.toString(16)}`);
  }
}

function literal(b: number): string {
  switch (b) {
    case 0x00:
      return 'null';
    case 0x01:
      return 'true';
    case 0x02:
      return 'false';
    default:
      throw new Error(`binary JSON has an unknown literal 0x${b.toString(16)}`);
  }
}

function jsonDouble(d: number): string {
  const s = serverDouble(d);
  // MySQL keeps a double a double in JSON text: 1.0, not 1.
  return /[.en]/.test(s) ? s : `${s}.0`;
}

/** An object or array: count and size, key entries (objects), value entries, then the data. */
function container(buf: Buffer, at: number, end: number, object: boolean, large: boolean): string {
  const w = large ? 4 : 2;
  const read = (p: number): number => (large ? buf.readUInt32LE(p) : buf.readUInt16LE(p));
  const count = read(at);
  const size = read(at + w);
  if (at + size > end) throw new Error('binary JSON container is larger than its value');
  let p = at + 2 * w;
  const keys: string[] = [];
  if (object) {
    for (let i = 0; i < count; i++) {
      const keyOffset = read(p);
      const keyLength = buf.readUInt16LE(p + w);
      keys.push(buf.toString('utf8', at + keyOffset, at + keyOffset + keyLength));
      p += w + 2;
    }
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const type = buf[p]!;
    const entry = p + 1;
    let text: string;
    if (inlined(type, large)) {
      text = value(buf, type, entry, entry + w);
    } else {
      const offset = read(entry);
      text = value(buf, type, at + offset, at + size);
    }
    out.push(object ? `${quote(keys[i]!)}: ${text}` : text);
    p += 1 + w;
  }
  return object ? `{${out.join(', ')}}` : `[${out.join(', ')}]`;
}

/** Scalars small enough for the value entry itself. */
function inlined(type: number, large: boolean): boolean {
  return type === LITERAL || type === INT16 || type === UINT16 || (large && (type === INT32 || type === UINT32));
}

/** The variable-length length of strings and opaque values: 7 bits a byte, low bits first. */
function varLength(buf: Buffer, at: number, end: number): { length: number; next: number } {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= end) break;
    const b = buf[at + i]!;
    length |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { length: length >>> 0, next: at + i + 1 };
  }
  throw new Error('binary JSON has an invalid length');
}

/** JSON string quoting as MySQL prints it. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default:
        out += c < 0x20 ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
    }
  }
  return `${out}"`;
}

/** MySQL field types of opaque JSON values (dates, times, decimals; anything else base64). */
const OPAQUE_NEWDECIMAL = 246;
const OPAQUE_DATE = 10;
const OPAQUE_TIME = 11;
const OPAQUE_DATETIME = 12;
const OPAQUE_TIMESTAMP = 7;

function opaque(buf: Buffer, at: number, end: number): string {
  const fieldType = buf[at]!;
  const { length, next } = varLength(buf, at + 1, end);
  const data = buf.subarray(next, next + length);
  switch (fieldType) {
    case OPAQUE_NEWDECIMAL: {
      const precision = data[0]!;
      const scale = data[1]!;
      const bin = data.subarray(2, 2 + decimalSize(precision, scale));
      return decodeBinaryDecimal(bin, precision, scale);
    }
    case OPAQUE_DATE:
    case OPAQUE_TIME:
    case OPAQUE_DATETIME:
    case OPAQUE_TIMESTAMP:
      return `"${packedTemporal(data.readBigInt64LE(0), fieldType)}"`;
    default:
      return `"base64:type${fieldType}:${data.toString('base64')}"`;
  }
}

/** MySQL's in-memory packed temporal (longlong) -> text, microseconds always shown (as MySQL's JSON does). */
function packedTemporal(packed: bigint, fieldType: number): string {
  const neg = packed < 0n;
  const v = neg ? -packed : packed;
  const micro = Number(v % (1n << 24n));
  const intpart = v >> 24n;
  const frac = `.${String(micro).padStart(6, '0')}`;
  const two = (n: number | bigint): string => String(n).padStart(2, '0');
  if (fieldType === OPAQUE_TIME) {
    const hms = Number(intpart);
    const hour = (hms >> 12) % (1 << 10);
    const minute = (hms >> 6) % 64;
    const second = hms % 64;
    return `${neg ? '-' : ''}${two(hour)}:${two(minute)}:${two(second)}${frac}`;
  }
  const ymd = intpart >> 17n;
  const ym = ymd >> 5n;
  const hms = Number(intpart % (1n << 17n));
  const day = Number(ymd % 32n);
  const month = Number(ym % 13n);
  const year = Number(ym / 13n);
  const date = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
  if (fieldType === OPAQUE_DATE) return date;
  return `${date} ${two(hms >> 12)}:${two((hms >> 6) % 64)}:${two(hms % 64)}${frac}`;
}
