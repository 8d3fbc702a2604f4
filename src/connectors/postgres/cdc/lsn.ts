/**
 * Log sequence numbers and the PostgreSQL connector's positions (`pg:<LSN>`).
 *
 * An LSN is a 64-bit byte position in the WAL, written by PostgreSQL as two hexadecimal
 * halves `%X/%X` (e.g. `0/16B3748`). Positions compare as those 64-bit numbers; BigInt keeps
 * them exact beyond 2^53.
 */
import type { SourcePosition } from '../../spi/changes.js';

const lsnPattern = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;
const prefix = 'pg:';

/** `0/16B3748` -> 0x16B3748n; throws on anything else. */
export function parseLsn(text: string): bigint {
  const m = lsnPattern.exec(text);
  if (!m) throw new Error(`"${text}" is not a PostgreSQL LSN (two hexadecimal numbers separated by "/", e.g. 0/16B3748)`);
  return (BigInt(`0x${m[1]!}`) << 32n) | BigInt(`0x${m[2]!}`);
}

/** The way PostgreSQL prints an LSN: upper-case hexadecimal halves, no padding. */
export function formatLsn(lsn: bigint): string {
  if (lsn < 0n || lsn > 0xffff_ffff_ffff_ffffn) throw new Error(`LSN ${lsn} is out of range`);
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffff_ffffn).toString(16).toUpperCase()}`;
}

export function positionOfLsn(lsn: bigint): SourcePosition {
  return `${prefix}${formatLsn(lsn)}`;
}

/**
 * The LSN of a position: `pg:0/16B3748`, or a bare LSN `0/16B3748` (what a user copies from
 * pg_replication_slots). Throws an Error naming the valid forms otherwise.
 */
export function lsnOfPosition(text: string): bigint {
  const bare = text.startsWith(prefix) ? text.slice(prefix.length) : text;
  if (!lsnPattern.test(bare)) {
    throw new Error(
      `"${text}" is not a PostgreSQL position: give an LSN such as 0/16B3748 (as pg_current_wal_lsn() shows it) or a position such as pg:0/16B3748`,
    );
  }
  return parseLsn(bare);
}

/** A user's LSN or position, in the connector's form (`pg:` and PostgreSQL's spelling). */
export function parsePosition(text: string): SourcePosition {
  return positionOfLsn(lsnOfPosition(text.trim()));
}

export function comparePositions(a: SourcePosition, b: SourcePosition): number {
  const x = lsnOfPosition(a);
  const y = lsnOfPosition(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** PostgreSQL's epoch (2000-01-01 UTC) in Unix milliseconds: protocol timestamps count from it. */
const postgresEpochMs = 946_684_800_000;

/** A protocol timestamp (microseconds since 2000-01-01 UTC) as a Date (millisecond precision). */
export function dateOfPgTimestamp(micros: bigint): Date {
  return new Date(postgresEpochMs + Number(micros / 1000n));
}

/** Now as a protocol timestamp. */
export function pgTimestampNow(): bigint {
  return BigInt(Date.now() - postgresEpochMs) * 1000n;
}
