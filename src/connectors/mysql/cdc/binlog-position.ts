/**
 * Positions in a MySQL/MariaDB binary log: `mysql:<file>:<pos>`, where pos is the offset of the
 * next event after a transaction (its XID/COMMIT event's end_log_pos), so a stream resumed there
 * starts with the next transaction. Pure.
 */
import type { SourcePosition } from '../../spi/changes.js';

export interface BinlogCoordinates {
  /** The binary log file name, e.g. `mariadb-bin.000003`. */
  readonly file: string;
  readonly pos: number;
}

const prefix = 'mysql:';

export function formatPosition(c: BinlogCoordinates): SourcePosition {
  return `${prefix}${c.file}:${c.pos}`;
}

const validForms = "a binlog position is `file:pos` or `mysql:file:pos` (e.g. mysql-bin.000003:1234, as SHOW MASTER STATUS shows it)";

/** `file:pos` or `mysql:file:pos` -> coordinates; an Error naming the valid forms otherwise. */
export function parseCoordinates(text: string): BinlogCoordinates {
  const t = text.trim();
  const body = t.startsWith(prefix) ? t.slice(prefix.length) : t;
  const colon = body.lastIndexOf(':');
  const file = colon > 0 ? body.slice(0, colon) : '';
  const posText = colon > 0 ? body.slice(colon + 1) : '';
  // A file name has no colon and no path; the position is a plain decimal offset (4 = the file's start).
  if (!file || file.includes(':') || /[\\/\s]/.test(file) || !/^\d{1,15}$/.test(posText)) {
    throw new Error(`'${text}' is not a MySQL/MariaDB binlog position: ${validForms}`);
  }
  const pos = Number(posText);
  if (pos < 4) throw new Error(`'${text}' is not a MySQL/MariaDB binlog position: the offset must be at least 4 (the start of a file); ${validForms}`);
  return { file, pos };
}

export function parsePosition(text: string): SourcePosition {
  return formatPosition(parseCoordinates(text));
}

/**
 * The sequence number of a binlog file (`mysql-bin.000012` -> 12): files of one server share a
 * base name and count up (past 999999 the suffix simply grows a digit).
 */
export function fileSequence(file: string): number {
  const m = /\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : -1;
}

/** <0, 0, >0 as a is before, equal to, after b: by file sequence number, then offset. */
export function comparePositions(a: SourcePosition, b: SourcePosition): number {
  const x = parseCoordinates(a);
  const y = parseCoordinates(b);
  const fx = fileSequence(x.file);
  const fy = fileSequence(y.file);
  if (fx !== fy) return fx - fy;
  if (fx < 0 && x.file !== y.file) return x.file < y.file ? -1 : 1;
  return x.pos - y.pos;
}
