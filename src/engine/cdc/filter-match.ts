/**
 * DMS source filters evaluated on one captured row, as the full load's source query evaluates
 * them in SQL: AND across filters, OR across one filter's conditions, NULL matching only the
 * `null` operator. Values are canonical (data-types.ts): numbers compare as numbers (exactly,
 * also beyond 2^53), dates and times compare as their ISO text (which orders like time), and
 * other text compares by code point — which may differ from a source column's collation
 * (case-insensitive MySQL collations): documented in 04-task-runtime.md.
 */
import type { ColumnFilter, FilterCondition, NeutralType, Value } from '../../connectors/spi/index.js';

export function passesFilters(
  filters: readonly ColumnFilter[],
  valueOf: (column: string) => Value | undefined,
  typeOf: (column: string) => NeutralType | undefined,
): boolean {
  return filters.every((f) => {
    const v = valueOf(f.column);
    // A column the change did not carry (an unchanged TOAST value) did not change: the row
    // passed before, so it is kept.
    if (v === undefined) return true;
    const type = typeOf(f.column);
    return f.conditions.some((c) => matches(c, v, type));
  });
}

function matches(c: FilterCondition, v: Value, type: NeutralType | undefined): boolean {
  if (c.op === 'null') return v === null;
  if (c.op === 'notnull') return v !== null;
  if (v === null) return false;
  const text = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? '1' : '0') : v.toString('hex');
  const cmp = (bound: string): number => compare(text, bound, type);
  switch (c.op) {
    case 'eq':
      return cmp(c.value) === 0;
    case 'noteq':
      return cmp(c.value) !== 0;
    case 'lte':
      return cmp(c.value) <= 0;
    case 'gte':
      return cmp(c.value) >= 0;
    case 'between':
      return cmp(c.start) >= 0 && cmp(c.end) <= 0;
    case 'notbetween':
      return cmp(c.start) < 0 || cmp(c.end) > 0;
  }
}

function compare(a: string, b: string, type: NeutralType | undefined): number {
  if (type && (type.kind === 'int' || type.kind === 'decimal' || type.kind === 'float' || type.kind === 'year')) {
    const n = compareNumbers(a, b);
    if (n !== undefined) return n;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const decimalRe = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Exact comparison of decimal strings; undefined when one is not a plain decimal (NaN, 1e10). */
export function compareNumbers(a: string, b: string): number | undefined {
  const pa = decimalRe.exec(a.trim());
  const pb = decimalRe.exec(b.trim());
  if (!pa || !pb) {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const norm = (m: RegExpExecArray): { neg: boolean; int: string; frac: string } => {
    const int = (m[2] ?? '').replace(/^0+/, '');
    const frac = (m[3] ?? '').replace(/0+$/, '');
    return { neg: m[1] === '-' && (int !== '' || frac !== ''), int, frac };
  };
  const x = norm(pa);
  const y = norm(pb);
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  const sign = x.neg ? -1 : 1;
  if (x.int.length !== y.int.length) return (x.int.length < y.int.length ? -1 : 1) * sign;
  if (x.int !== y.int) return (x.int < y.int ? -1 : 1) * sign;
  const len = Math.max(x.frac.length, y.frac.length);
  const fx = x.frac.padEnd(len, '0');
  const fy = y.frac.padEnd(len, '0');
  if (fx === fy) return 0;
  return (fx < fy ? -1 : 1) * sign;
}
