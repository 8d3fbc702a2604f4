/**
 * PostgreSQL's COPY binary format, decoded back into canonical rows (spi/data-types.ts).
 *
 * The PostgreSQL -> PostgreSQL full load may pass `COPY ... TO STDOUT (FORMAT binary)` bytes
 * straight into `COPY ... FROM STDIN (FORMAT binary)` of the target. When the target refuses
 * such a chunk, the held tuples are decoded here and written again row by row (COPY text),
 * so every decoded value is a valid PostgreSQL text input of its type that denotes exactly
 * the same value: the server's own canonical output form where that is easy (numeric with
 * its display scale, dates and timestamps in ISO style with BC, timestamptz in UTC with
 * '+00', interval in IntervalStyle postgres), the shortest round-tripping form for floats.
 *
 * Only base types whose binary form is self-contained qualify (`binaryCopyTypes`): arrays,
 * enums, composites, domains and extension types carry or depend on type OIDs that differ
 * between two servers.
 */
import { isUtf8 } from 'node:buffer';
import type { Row, Value } from '../spi/index.js';

/** pg_catalog type names (pg_type.typname) whose COPY binary form OpenDMS passes between two PostgreSQL servers and can decode. */
export const binaryCopyTypes: ReadonlySet<string> = new Set([
  'bool',
  'int2',
  'int4',
  'int8',
  'oid',
  'float4',
  'float8',
  'numeric',
  'text',
  'varchar',
  'bpchar',
  'name',
  'char',
  'bytea',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'uuid',
  'json',
  'jsonb',
]);

/** Decodes one non-NULL field: `len` bytes of `buf` from `at`. Throws a message without context; the caller adds it. */
type FieldDecoder = (buf: Buffer, at: number, len: number) => Value;

/**
 * Decodes COPY binary tuples into rows. `bytes` holds whole tuples only (no file header, no trailer),
 * either plain (framing 'rows': int16 field count, then per field int32 length (-1 = NULL) + data)
 * or each tuple wrapped in a protocol CopyData message (framing 'messages': byte 'd' (0x64), int32 length including itself, then the tuple).
 * `types`: the typname of each column, in order (all in binaryCopyTypes). Throws a clear Error on malformed input (field count mismatch, truncated data) naming what is wrong.
 */
export function decodeBinaryTuples(bytes: Buffer, framing: 'rows' | 'messages', types: readonly string[]): Row[] {
  const decoders = types.map((t, i) => {
    const d = DECODERS.get(t);
    if (!d) throw new Error(`COPY binary: column ${i + 1} has type ${JSON.stringify(t)}, which OpenDMS does not decode from COPY binary`);
    return d;
  });
  const rows: Row[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tuple = rows.length + 1;
    let end = bytes.length;
    if (framing === 'messages') {
      if (bytes.length - pos < 5) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: truncated CopyData message header (${bytes.length - pos} of 5 bytes)`);
      const kind = bytes[pos]!;
      if (kind !== 0x64) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: expected a CopyData message ('d'), found message type 0x${kind.toString(16).padStart(2, '0')}`);
      const len = bytes.readInt32BE(pos + 1);
      if (len < 4) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: invalid CopyData message length ${len}`);
      end = pos + 1 + len;
      if (end > bytes.length) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: truncated CopyData message (length ${len}, only ${bytes.length - pos - 1} bytes left)`);
      pos += 5;
    }
    if (end - pos < 2) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: truncated tuple (no room for its field count)`);
    const count = bytes.readInt16BE(pos);
    if (count === -1) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: found the COPY trailer (field count -1); only whole tuples are expected`);
    if (count !== decoders.length) throw new Error(`COPY binary: tuple ${tuple} at byte ${pos}: field count mismatch: the tuple has ${count} fields, expected ${decoders.length}`);
    pos += 2;
    const row: Value[] = new Array<Value>(count);
    for (let i = 0; i < count; i++) {
      if (end - pos < 4) throw new Error(`COPY binary: tuple ${tuple}, column ${i + 1} (${types[i]}) at byte ${pos}: truncated tuple (no room for the field length)`);
      const len = bytes.readInt32BE(pos);
      pos += 4;
      if (len === -1) {
        row[i] = null;
        continue;
      }
      if (len < 0) throw new Error(`COPY binary: tuple ${tuple}, column ${i + 1} (${types[i]}) at byte ${pos - 4}: invalid field length ${len}`);
      if (len > end - pos) throw new Error(`COPY binary: tuple ${tuple}, column ${i + 1} (${types[i]}) at byte ${pos}: truncated tuple (field of ${len} bytes, only ${end - pos} left)`);
      try {
        row[i] = decoders[i]!(bytes, pos, len);
      } catch (e) {
        throw new Error(`COPY binary: tuple ${tuple}, column ${i + 1} (${types[i]}) at byte ${pos}: ${(e as Error).message}`);
      }
      pos += len;
    }
    if (framing === 'messages' && pos !== end) throw new Error(`COPY binary: tuple ${tuple}: the CopyData message holds ${end - pos} bytes more than the tuple`);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Field decoders
// ---------------------------------------------------------------------------------------

function fixed(size: number, decode: FieldDecoder): FieldDecoder {
  return (buf, at, len) => {
    if (len !== size) throw new Error(`field of ${len} bytes, expected ${size}`);
    return decode(buf, at, len);
  };
}

/** The text of a field; invalid UTF-8 decodes to U+FFFD, so only text that has one needs the full check. */
function utf8(buf: Buffer, at: number, len: number): string {
  const text = buf.toString('utf8', at, at + len);
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(at, at + len))) throw new Error('text is not valid UTF-8');
  return text;
}

const DECODERS: ReadonlyMap<string, FieldDecoder> = new Map<string, FieldDecoder>([
  ['bool', fixed(1, (b, at) => b[at] !== 0)],
  ['int2', fixed(2, (b, at) => String(b.readInt16BE(at)))],
  ['int4', fixed(4, (b, at) => String(b.readInt32BE(at)))],
  ['int8', fixed(8, (b, at) => b.readBigInt64BE(at).toString())],
  ['oid', fixed(4, (b, at) => String(b.readUInt32BE(at)))],
  ['float4', fixed(4, (b, at) => float4Text(b.readFloatBE(at)))],
  ['float8', fixed(8, (b, at) => float8Text(b.readDoubleBE(at)))],
  ['numeric', numericText],
  ['text', utf8],
  ['varchar', utf8],
  ['bpchar', utf8],
  ['name', utf8],
  ['json', utf8],
  ['char', fixed(1, (b, at) => charText(b[at]!))],
  ['bytea', (b, at, len) => Buffer.from(b.subarray(at, at + len))],
  ['uuid', fixed(16, (b, at) => uuidText(b.toString('hex', at, at + 16)))],
  ['jsonb', jsonbText],
  ['date', fixed(4, (b, at) => dateText(b.readInt32BE(at)))],
  ['time', fixed(8, (b, at) => timeOfDay(Number(b.readBigInt64BE(at))))],
  ['timestamp', fixed(8, (b, at) => timestampText(b.readBigInt64BE(at), ''))],
  ['timestamptz', fixed(8, (b, at) => timestampText(b.readBigInt64BE(at), '+00'))],
  ['interval', fixed(16, (b, at) => intervalText(b.readBigInt64BE(at), b.readInt32BE(at + 8), b.readInt32BE(at + 12)))],
]);

function jsonbText(buf: Buffer, at: number, len: number): string {
  if (len < 1) throw new Error('empty jsonb field (no version byte)');
  const version = buf[at]!;
  if (version !== 1) throw new Error(`unsupported jsonb binary format version ${version} (expected 1)`);
  return utf8(buf, at + 1, len - 1);
}

function uuidText(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The "char" type: one byte; the server prints 0 as '' and bytes with the high bit set as '\ooo' (read back as such since PostgreSQL 14). */
function charText(byte: number): string {
  if (byte === 0) return '';
  if (byte >= 0x80) return `\\${byte.toString(8).padStart(3, '0')}`;
  return String.fromCharCode(byte);
}

// ---------------------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------------------

function specialFloat(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return undefined;
}

/** JavaScript's shortest round-tripping form of a double, which PostgreSQL's float8in reads back to the same double. */
function float8Text(x: number): string {
  return specialFloat(x) ?? String(x);
}

/**
 * The shortest decimal that reads back (as a float4, rounded once from the decimal) to `x`.
 * A candidate is checked through the double nearest to it: unless that double is exactly
 * halfway between two floats, the decimal and the double round to the same float.
 */
function float4Text(x: number): string {
  const special = specialFloat(x);
  if (special !== undefined) return special;
  for (let digits = 1; digits <= 9; digits++) {
    const d = Number(x.toPrecision(digits));
    if (Math.fround(d) !== x) continue;
    if (d !== x) {
      const other = 2 * d - x; // the float on the other side of d if d is a midpoint
      if (other !== x && Math.fround(other) === other) continue;
    }
    return String(d);
  }
  return x.toPrecision(9); // 9 significant digits always identify a float4
}

// ---------------------------------------------------------------------------------------
// numeric
// ---------------------------------------------------------------------------------------

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

/**
 * numeric_send: int16 ndigits, int16 weight (of the first digit, in base-10000 positions),
 * uint16 sign, int16 dscale (decimal digits after the point), then ndigits int16 digits
 * 0..9999. Printed with exactly dscale fraction digits, as the server prints it.
 */
function numericText(buf: Buffer, at: number, len: number): string {
  if (len < 8) throw new Error(`numeric field of ${len} bytes, shorter than its 8-byte header`);
  const ndigits = buf.readInt16BE(at);
  const weight = buf.readInt16BE(at + 2);
  const sign = buf.readUInt16BE(at + 4);
  const dscale = buf.readInt16BE(at + 6);
  if (ndigits < 0 || len !== 8 + 2 * ndigits) throw new Error(`numeric field of ${len} bytes does not hold its ${ndigits} digits`);
  if (sign === NUMERIC_NAN) return 'NaN';
  if (sign === NUMERIC_PINF) return 'Infinity';
  if (sign === NUMERIC_NINF) return '-Infinity';
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw new Error(`invalid numeric sign 0x${sign.toString(16)}`);
  if (dscale < 0 || dscale > 0x3fff) throw new Error(`invalid numeric display scale ${dscale}`);
  const digit = (i: number): number => {
    if (i < 0 || i >= ndigits) return 0;
    const d = buf.readInt16BE(at + 8 + 2 * i);
    if (d < 0 || d > 9999) throw new Error(`invalid numeric digit ${d}`);
    return d;
  };
  for (let i = 0; i < ndigits; i++) digit(i); // validate every digit, also those the display scale hides
  let out = sign === NUMERIC_NEG ? '-' : '';
  // Integer part: base-10000 positions weight .. 0, digit index = weight - position.
  if (weight < 0) out += '0';
  else {
    out += String(digit(0));
    const parts: string[] = [];
    for (let i = 1; i <= weight; i++) parts.push(String(digit(i)).padStart(4, '0'));
    out += parts.join('');
  }
  if (dscale > 0) {
    // Fraction: positions -1, -2, ... as many as dscale needs, then cut to dscale (the server truncates too).
    const parts: string[] = [];
    const groups = Math.ceil(dscale / 4);
    for (let p = 1; p <= groups; p++) parts.push(String(digit(weight + p)).padStart(4, '0'));
    out += '.' + parts.join('').slice(0, dscale);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const USECS_PER_DAY = 86_400_000_000n;
/** Days from 0000-03-01 (proleptic Gregorian, astronomical year 0 = 1 BC) to 2000-01-01. */
const DAYS_0000_03_01_TO_2000_01_01 = 5 * 146097 - 60;
/** Days before the start of each month of a year that begins on March 1st. */
const MARCH_MONTH_STARTS = [0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337];

/** 'YYYY-MM-DD' and whether the date is BC, for `days` since 2000-01-01. */
function civilDate(days: number): { text: string; bc: boolean } {
  // Count from 0000-03-01 so that a leap day is the last day of its (March-based) year.
  const z = days + DAYS_0000_03_01_TO_2000_01_01;
  const cycle = Math.floor(z / 146097); // 400-year cycles, 146097 days each
  const dayOfCycle = z - cycle * 146097;
  // Centuries of 36524 days; only the last of a cycle has 36525 (its last year holds Feb 29 of a year divisible by 400).
  const century = Math.min(Math.floor(dayOfCycle / 36524), 3);
  const dayOfCentury = dayOfCycle - century * 36524;
  // 4-year groups of 1461 days (the last group of a common century is one day shorter, which the min below absorbs).
  const group = Math.floor(dayOfCentury / 1461);
  const dayOfGroup = dayOfCentury - group * 1461;
  const yearOfGroup = Math.min(Math.floor(dayOfGroup / 365), 3);
  const dayOfYear = dayOfGroup - yearOfGroup * 365;
  let monthIndex = 11;
  while (MARCH_MONTH_STARTS[monthIndex]! > dayOfYear) monthIndex--;
  const day = dayOfYear - MARCH_MONTH_STARTS[monthIndex]! + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = cycle * 400 + century * 100 + group * 4 + yearOfGroup + (month <= 2 ? 1 : 0);
  const bc = year <= 0;
  const shown = bc ? 1 - year : year;
  return { text: `${String(shown).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`, bc };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** '.ffffff' without trailing zeros, or '' for a whole second. */
function fraction(micros: number): string {
  if (micros === 0) return '';
  return '.' + String(micros).padStart(6, '0').replace(/0+$/, '');
}

/** 'HH:MM:SS[.ffffff]' for microseconds since midnight (86400000000 is '24:00:00'). */
function timeOfDay(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${pad2(h)}:${pad2(m)}:${pad2(seconds % 60)}${fraction(micros - seconds * 1_000_000)}`;
}

/** date: int32 days since 2000-01-01; the extreme int32 values are -infinity and infinity. */
function dateText(days: number): string {
  if (days === INT32_MIN) return '-infinity';
  if (days === INT32_MAX) return 'infinity';
  const d = civilDate(days);
  return d.bc ? `${d.text} BC` : d.text;
}

/** timestamp(tz): int64 microseconds since 2000-01-01 00:00:00 (UTC for timestamptz), printed in ISO style with `zone` after the time. */
function timestampText(micros: bigint, zone: string): string {
  if (micros === INT64_MIN) return '-infinity';
  if (micros === INT64_MAX) return 'infinity';
  let days = micros / USECS_PER_DAY;
  let rest = micros - days * USECS_PER_DAY;
  if (rest < 0n) {
    days -= 1n;
    rest += USECS_PER_DAY;
  }
  const d = civilDate(Number(days));
  return `${d.text} ${timeOfDay(Number(rest))}${zone}${d.bc ? ' BC' : ''}`;
}

/**
 * interval: int64 microseconds, int32 days, int32 months, printed as the server prints it
 * in IntervalStyle postgres ('1 year 2 mons -3 days +04:05:06.5'), which reads back to the
 * same three fields in every IntervalStyle. (The one exception is the smallest time part; see below.)
 */
function intervalText(micros: bigint, days: number, months: number): string {
  let out = '';
  let negativeBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    out += `${out === '' ? '' : ' '}${negativeBefore && value > 0 ? '+' : ''}${value} ${unit}${value === 1 ? '' : 's'}`;
    negativeBefore = value < 0;
  };
  part(Math.trunc(months / 12), 'year');
  part(months % 12, 'mon');
  part(days, 'day');
  if (micros === INT64_MIN) {
    // The server prints this time part as '-2562047788:00:54.775808' but cannot read that back
    // (PostgreSQL 15 and older); as units it reads back to the same microseconds.
    out += `${out === '' ? '' : ' '}-2562047788 hours -54 seconds -775808 microseconds`;
  } else if (out === '' || micros !== 0n) {
    const negative = micros < 0n;
    const abs = negative ? -micros : micros;
    const seconds = abs / 1_000_000n;
    const hours = seconds / 3600n;
    const minutes = Number((seconds % 3600n) / 60n);
    const sign = negative ? '-' : negativeBefore ? '+' : '';
    out += `${out === '' ? '' : ' '}${sign}${hours.toString().padStart(2, '0')}:${pad2(minutes)}:${pad2(Number(seconds % 60n))}${fraction(Number(abs % 1_000_000n))}`;
  }
  return out;
}
