/**
 * Canonical values (spi/data-types.ts) <-> PostgreSQL's COPY text format.
 *
 * With the session settings of postgres-session.ts (TimeZone UTC, DateStyle ISO,
 * IntervalStyle postgres, extra_float_digits 3, bytea_output hex), the text output of
 * PostgreSQL already is the canonical form of every type except two: booleans (`t`/`f`
 * become true/false) and bytea (`\x...` becomes a Buffer). Rows are lines ended by \n,
 * fields are separated by \t, NULL is \N, and backslash escapes \b \f \n \r \t \v \\ (and
 * octal/hex, which the server never sends in COPY TO) stand for the characters they name.
 */
import type { Row, Value } from '../spi/data-types.js';

/** How the text of one column becomes a canonical value. */
export type ColumnDecoder = 'text' | 'bool' | 'bytea';

/** The decoder of a base type (pg_type.typname in pg_catalog). */
export function decoderOf(typeName: string, schema: string, isArray: boolean): ColumnDecoder {
  if (isArray || schema !== 'pg_catalog') return 'text';
  return typeName === 'bool' ? 'bool' : typeName === 'bytea' ? 'bytea' : 'text';
}

/**
 * Turns the byte stream of `COPY ... TO STDOUT` (text format) into rows. Lines may be split
 * anywhere across chunks (also inside a UTF-8 character): only whole lines are decoded.
 */
export class CopyTextParser {
  private pending: Buffer[] = [];

  constructor(private readonly decoders: readonly ColumnDecoder[]) {}

  /** Appends the rows completed by `chunk` to `out`. */
  push(chunk: Buffer, out: Row[]): void {
    let start = 0;
    if (this.pending.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.pending.push(chunk);
        return;
      }
      const line = Buffer.concat([...this.pending, chunk.subarray(0, nl)]);
      this.pending = [];
      out.push(this.parseLine(line.toString('utf8')));
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      // UTF-8 never has a 0x0a byte inside a character, so whole lines decode as text.
      for (const line of chunk.toString('utf8', start, last).split('\n')) out.push(this.parseLine(line));
      start = last + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  /** Checks that the stream ended on a row boundary. */
  end(): void {
    if (this.pending.length > 0) throw new Error('COPY output ended in the middle of a row');
  }

  private parseLine(line: string): Row {
    if (this.decoders.length === 0) return [];
    const fields = line.split('\t');
    const decoders = this.decoders;
    if (fields.length !== decoders.length) {
      throw new Error(`COPY output row has ${fields.length} fields, ${decoders.length} expected`);
    }
    const row: Value[] = new Array<Value>(fields.length);
    for (let i = 0; i < fields.length; i++) row[i] = decodeField(fields[i]!, decoders[i]!);
    return row;
  }
}

export function decodeField(f: string, d: ColumnDecoder): Value {
  if (f === '\\N') return null;
  switch (d) {
    case 'bool':
      return f === 't';
    case 'bytea':
      // hex output `\x0a0b`, its backslash escaped by COPY: `\\x0a0b`.
      if (f.startsWith('\\\\x')) return Buffer.from(f.slice(3), 'hex');
      return Buffer.from(unescapeCopy(f).slice(2), 'hex');
    default:
      return f.includes('\\') ? unescapeCopy(f) : f;
  }
}

const escapes: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function unescapeCopy(f: string): string {
  return f.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|([\s\S]))/g, (_m, oct?: string, hex?: string, ch?: string) => {
    if (oct !== undefined) return String.fromCharCode(parseInt(oct, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return escapes[ch!] ?? ch!;
  });
}

const specials = /[\\\t\n\r]/;
const specialsGlobal = /[\\\t\n\r]/g;
const escapeOf: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One canonical value as a field of `COPY ... FROM STDIN` text: NULL as \N, booleans t/f,
 * Buffers as bytea hex (`\\x..`, the backslash escaped), strings with backslash, tab,
 * newline and carriage return escaped (so a value `\.` or `\N` stays data). Every other
 * canonical string (numbers, dates, JSON, array literals, a MySQL SET's `a,b` ...) is the
 * input form of the matching PostgreSQL type as is.
 */
export function encodeField(v: Value): string {
  if (v === null) return '\\N';
  if (typeof v === 'string') return specials.test(v) ? v.replace(specialsGlobal, (c) => escapeOf[c]!) : v;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return `\\\\x${v.toString('hex')}`;
}

/** One row as a line of COPY text. */
export function encodeRow(row: Row, columns: number): string {
  if (row.length !== columns) throw new Error(`a row has ${row.length} values for ${columns} columns`);
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += encodeField(row[i]!);
  }
  return `${line}\n`;
}
