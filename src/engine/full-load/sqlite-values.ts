/**
 * Canonical values (connectors/spi Value) to and from SQLite, for add-column expressions:
 * numbers bind as numbers so that `$age > 18` compares numerically, and results come back
 * in the canonical form of the added column's type.
 */
import type { NeutralType, Value } from '../../connectors/spi/index.js';

export type SqliteValue = string | number | bigint | Buffer | null;

/** A canonical source value as a SQLite parameter, by the source column's type. */
export function toSqlite(v: Value, type: NeutralType | undefined): SqliteValue {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Buffer.isBuffer(v)) return v;
  switch (type?.kind) {
    case 'int':
    case 'year':
      // BigInt keeps 64-bit values exact; SQLite integers are 64-bit.
      return /^-?\d+$/.test(v) ? BigInt(v) : v;
    case 'float':
    case 'decimal': {
      const n = Number(v);
      return Number.isNaN(n) && v !== 'NaN' ? v : n;
    }
    default:
      return v;
  }
}

/** A SQLite result (or a constant string) as the canonical value of `type`. */
export function fromSqlite(v: unknown, type: NeutralType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      if (typeof v === 'string') return /^(1|t|true|y|yes|on)$/i.test(v.trim());
      if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
      return Boolean(v);
    case 'binary':
    case 'blob':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString();
      return String(v);
    default:
      if (Buffer.isBuffer(v)) return v.toString('utf8');
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
      return String(v);
  }
}
