/**
 * The PDF assessment report (ExportMetadataModelAssessment, AssessmentReportTypes pdf):
 * a title block, the summary (counts per object type and status), "what needs manual work"
 * (each object with its reasons and actions), then every object with its issues.
 */
import type { ObjectReport } from '../model.js';
import { objectLabel, STATUS_LABEL, summarizeReport, targetLabel, type ReportMeta } from './summary.js';
import { PAGE_HEIGHT, PAGE_WIDTH, type PdfLine, wrap, writePdf } from './pdf-writer.js';

const MARGIN = 50;
const BODY = 9;
const WIDTH = PAGE_WIDTH - 2 * MARGIN;

/** Lays lines out top to bottom, starting a new page when one is full; numbers the pages at the end. */
class Layout {
  readonly pages: PdfLine[][] = [[]];
  private y = PAGE_HEIGHT - MARGIN;

  private room(height: number): void {
    if (this.y - height < MARGIN + 20) {
      this.pages.push([]);
      this.y = PAGE_HEIGHT - MARGIN;
    }
  }

  text(text: string, opts: { size?: number; bold?: boolean; indent?: number; gapBefore?: number } = {}): void {
    const size = opts.size ?? BODY;
    const indent = opts.indent ?? 0;
    this.y -= opts.gapBefore ?? 0;
    for (const line of wrap(text, WIDTH - indent, size, opts.bold)) {
      const height = size * 1.35;
      this.room(height);
      this.y -= height;
      this.pages[this.pages.length - 1]!.push({ text: line, x: MARGIN + indent, y: this.y, size, ...(opts.bold ? { bold: true } : {}) });
    }
  }

  /** One row of fixed columns (x offsets from the margin). */
  row(cells: readonly string[], columns: readonly number[], bold = false): void {
    const height = BODY * 1.35;
    this.room(height);
    this.y -= height;
    const page = this.pages[this.pages.length - 1]!;
    cells.forEach((c, i) => page.push({ text: c, x: MARGIN + (columns[i] ?? 0), y: this.y, size: BODY, ...(bold ? { bold: true } : {}) }));
  }

  finish(footer: string): PdfLine[][] {
    const n = this.pages.length;
    return this.pages.map((p, i) => [...p, { text: `${footer} - page ${i + 1} of ${n}`, x: MARGIN, y: MARGIN - 10, size: 7 }]);
  }
}

function issuesOf(l: Layout, o: ObjectReport): void {
  for (const i of o.issues) {
    l.text(`${i.severity.toUpperCase()} ${i.code}: ${i.message}`, { indent: 14 });
    l.text(`Action: ${i.action}`, { indent: 28 });
  }
}

export function renderAssessmentPdf(report: readonly ObjectReport[], meta: ReportMeta): Buffer {
  const s = summarizeReport(report);
  const l = new Layout();
  const title = `Database migration assessment report: ${meta.projectName}`;
  l.text(title, { size: 16, bold: true });
  l.text(`Source engine: ${meta.sourceEngine}    Target engine: ${meta.targetEngine}`, { gapBefore: 6 });
  l.text(`Generated at: ${meta.generatedAt.toISOString()} by OpenDMS`);

  l.text('Summary', { size: 12, bold: true, gapBefore: 12 });
  l.text(
    `${s.total} objects: ${s.converted} converted, ${s.withWarnings} converted with warnings, ${s.manual} need manual work.`,
    { gapBefore: 2 },
  );
  const cols = [0, 120, 180, 260, 380];
  l.row(['Object type', 'Total', 'Converted', 'With warnings', 'Needs manual work'], cols, true);
  for (const t of s.byType) l.row([t.objectType, String(t.total), String(t.converted), String(t.withWarnings), String(t.manual)], cols);

  l.text('What needs manual work', { size: 12, bold: true, gapBefore: 12 });
  if (s.manualObjects.length === 0) l.text('Nothing: every object was converted.');
  for (const o of s.manualObjects) {
    l.text(`${o.objectType} ${objectLabel(o)}`, { bold: true, gapBefore: 3 });
    issuesOf(l, o);
  }

  l.text('All objects', { size: 12, bold: true, gapBefore: 12 });
  for (const o of report) {
    const target = targetLabel(o);
    l.text(`${o.objectType} ${objectLabel(o)}: ${STATUS_LABEL[o.status]}${target ? ` (target ${target})` : ''}`, { gapBefore: 2 });
    issuesOf(l, o);
  }
  return writePdf(l.finish(`OpenDMS assessment report - ${meta.projectName}`), { title, created: meta.generatedAt });
}
