/**
 * Building a check's verdict: the DMS statuses with a sentence, findings and advice, so that
 * every check words its result the same way (what was checked, what was found, what to change).
 */
import type { TableRef } from '../connectors/spi/index.js';
import type { CheckVerdict, Finding } from './types.js';

export function passed(summary: string, findings: readonly Finding[] = []): CheckVerdict {
  return { status: 'passed', summary, findings };
}

export function warning(summary: string, advice: string, findings: readonly Finding[]): CheckVerdict {
  return { status: 'warning', summary, advice, findings };
}

export function failed(summary: string, advice: string, findings: readonly Finding[]): CheckVerdict {
  return { status: 'failed', summary, advice, findings };
}

/** `schema.table`, as findings name tables. */
export function tableName(t: TableRef): string {
  return `${t.schema}.${t.name}`;
}

/** `schema.table.column`, as findings name columns. */
export function columnName(t: TableRef, column: string): string {
  return `${t.schema}.${t.name}.${column}`;
}

/** `1 table` / `3 tables`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The first few items of a list for a sentence: `a, b, c and 4 more`. */
export function listed(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
