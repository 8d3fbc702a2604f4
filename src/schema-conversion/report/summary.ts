/**
 * The figures both assessment reports (CSV and PDF) show: counts per object type and status,
 * and the list of objects that need manual work.
 */
import type { ConversionStatus, ObjectReport, ObjectType } from '../model.js';

/** What a report says about where it comes from. */
export interface ReportMeta {
  readonly projectName: string;
  readonly sourceEngine: string;
  readonly targetEngine: string;
  readonly generatedAt: Date;
}

export interface TypeCounts {
  readonly objectType: ObjectType;
  readonly total: number;
  readonly converted: number;
  readonly withWarnings: number;
  readonly manual: number;
}

export interface ReportSummary {
  readonly total: number;
  readonly converted: number;
  readonly withWarnings: number;
  readonly manual: number;
  /** One line per object type present, in a fixed order (schemas, tables ... triggers). */
  readonly byType: readonly TypeCounts[];
  /** The objects that need manual work, in report order. */
  readonly manualObjects: readonly ObjectReport[];
}

/** The order object types are listed in. */
export const TYPE_ORDER: readonly ObjectType[] = [
  'schema', 'table', 'column', 'primary-key', 'unique-key', 'foreign-key', 'check', 'index',
  'view', 'sequence', 'type', 'function', 'procedure', 'trigger',
];

export const STATUS_LABEL: Readonly<Record<ConversionStatus, string>> = {
  converted: 'Converted',
  'converted-with-warnings': 'Converted with warnings',
  manual: 'Needs manual work',
};

/** "schema.table.name" (or "schema.name") for a report line. */
export function objectLabel(o: ObjectReport): string {
  if (o.objectType === 'schema') return o.name;
  return [o.schema, o.table, o.name].filter((x) => x !== undefined && x !== '').join('.');
}

/** "targetSchema.targetName", when the object was converted. */
export function targetLabel(o: ObjectReport): string {
  return [o.targetSchema, o.targetName].filter((x) => x !== undefined && x !== '').join('.');
}

export function summarizeReport(report: readonly ObjectReport[]): ReportSummary {
  const counts = new Map<ObjectType, { total: number; converted: number; withWarnings: number; manual: number }>();
  for (const o of report) {
    const c = counts.get(o.objectType) ?? { total: 0, converted: 0, withWarnings: 0, manual: 0 };
    c.total++;
    if (o.status === 'converted') c.converted++;
    else if (o.status === 'converted-with-warnings') c.withWarnings++;
    else c.manual++;
    counts.set(o.objectType, c);
  }
  const rank = (t: ObjectType): number => {
    const i = TYPE_ORDER.indexOf(t);
    return i < 0 ? TYPE_ORDER.length : i;
  };
  const byType = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([objectType, c]) => ({ objectType, ...c }));
  return {
    total: report.length,
    converted: byType.reduce((n, t) => n + t.converted, 0),
    withWarnings: byType.reduce((n, t) => n + t.withWarnings, 0),
    manual: byType.reduce((n, t) => n + t.manual, 0),
    byType,
    manualObjects: report.filter((o) => o.status === 'manual'),
  };
}
