/**
 * The CSV assessment report (ExportMetadataModelAssessment, AssessmentReportTypes csv): a
 * .zip, as DMS delivers it, holding a summary CSV (counts per object type and status) and a
 * per-object CSV (one row per issue; an object without issues has one row).
 * RFC 4180: CRLF line ends, fields quoted when needed; a UTF-8 BOM so spreadsheet programs
 * read non-ASCII names correctly.
 */
import type { ObjectReport } from '../model.js';
import { STATUS_LABEL, summarizeReport, type ReportMeta } from './summary.js';
import { writeZip } from './zip.js';

/** One CSV field. Cells a spreadsheet would run as a formula (= + - @ first) get a leading quote mark. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(rows: readonly (readonly (string | number)[])[]): Buffer {
  return Buffer.from('\uFEFF' + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

export const SUMMARY_HEADER = ['Project', 'Source engine', 'Target engine', 'Generated at', 'Object type', 'Total', 'Converted', 'Converted with warnings', 'Needs manual work'] as const;
export const OBJECTS_HEADER = ['Object type', 'Schema', 'Table', 'Name', 'Status', 'Target schema', 'Target name', 'Severity', 'Code', 'Message', 'Recommended action'] as const;

/** File names inside the zip. */
export const CSV_SUMMARY_FILE = 'assessment-summary.csv';
export const CSV_OBJECTS_FILE = 'assessment-objects.csv';

export function renderAssessmentCsv(report: readonly ObjectReport[], meta: ReportMeta): Buffer {
  const s = summarizeReport(report);
  const when = meta.generatedAt.toISOString();
  const head = [meta.projectName, meta.sourceEngine, meta.targetEngine, when];
  const summary = csv([
    SUMMARY_HEADER,
    ...s.byType.map((t) => [...head, t.objectType, t.total, t.converted, t.withWarnings, t.manual]),
    [...head, 'all', s.total, s.converted, s.withWarnings, s.manual],
  ]);
  const rows: (string | number)[][] = [[...OBJECTS_HEADER]];
  for (const o of report) {
    const base = [o.objectType, o.schema, o.table ?? '', o.name, STATUS_LABEL[o.status], o.targetSchema ?? '', o.targetName ?? ''];
    if (o.issues.length === 0) rows.push([...base, '', '', '', '']);
    for (const i of o.issues) rows.push([...base, i.severity, i.code, i.message, i.action]);
  }
  return writeZip(
    [
      { name: CSV_SUMMARY_FILE, data: summary },
      { name: CSV_OBJECTS_FILE, data: csv(rows) },
    ],
    meta.generatedAt,
  );
}
