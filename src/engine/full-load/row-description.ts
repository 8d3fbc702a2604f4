/**
 * A refused row as the task log shows it: the key when the table has one (enough to find
 * the row), otherwise the values; never more than 1 KB, so a row of LOBs cannot flood the log.
 */
import type { Row, Value } from '../../connectors/spi/index.js';

export const maxRowDescriptionBytes = 1024;
const maxValueChars = 200;

/** `id=5` or `id=5, name='x'`; `columns` are the names of the row's values, in order. */
export function describeRow(columns: readonly string[], row: Row, key: readonly string[]): string {
  const keyIdx = key.map((k) => columns.indexOf(k)).filter((i) => i >= 0);
  const useKey = keyIdx.length === key.length && key.length > 0;
  const indexes = useKey ? keyIdx : columns.map((_, i) => i);
  const parts = indexes.map((i) => `${columns[i]}=${describeValue(row[i] ?? null)}`);
  return cap((useKey ? 'key ' : 'values ') + parts.join(', '), maxRowDescriptionBytes);
}

function describeValue(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return String(v);
  if (Buffer.isBuffer(v)) {
    const hex = v.subarray(0, 32).toString('hex');
    return `x'${hex}${v.length > 32 ? `...' (${v.length} bytes)` : "'"}`;
  }
  const s = v.length > maxValueChars ? `${v.slice(0, maxValueChars)}... (${v.length} characters)` : v;
  return `'${s.replace(/'/g, "''")}'`;
}

/** Cuts at a character boundary so the UTF-8 form stays within `bytes`. */
function cap(s: string, bytes: number): string {
  if (Buffer.byteLength(s) <= bytes) return s;
  let out = s.slice(0, bytes);
  while (Buffer.byteLength(out) > bytes - 3) out = out.slice(0, -1);
  return `${out}...`;
}
