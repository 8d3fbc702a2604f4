/**
 * Assessment reports: the CSV zip read back entry by entry (CRCs checked), the PDF read back
 * through its xref table (every offset must land on its object, stream lengths must be exact).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { ObjectReport } from '../../src/schema-conversion/model.js';
import { CSV_OBJECTS_FILE, CSV_SUMMARY_FILE, csvField, renderAssessmentCsv } from '../../src/schema-conversion/report/assessment-csv.js';
import { renderAssessmentPdf } from '../../src/schema-conversion/report/assessment-pdf.js';
import { summarizeReport, type ReportMeta } from '../../src/schema-conversion/report/summary.js';
import { writeZip } from '../../src/schema-conversion/report/zip.js';

const META: ReportMeta = { projectName: 'sakila-project', sourceEngine: 'mysql', targetEngine: 'postgres', generatedAt: new Date('2024-05-06T07:08:10Z') };

function sampleReport(extraTables = 0): ObjectReport[] {
  const out: ObjectReport[] = [
    { objectType: 'schema', schema: 'sakila', name: 'sakila', status: 'converted', targetSchema: 'sakila', targetName: 'sakila', issues: [] },
    { objectType: 'table', schema: 'sakila', name: 'film', status: 'converted-with-warnings', targetSchema: 'sakila', targetName: 'film', issues: [
      { severity: 'warning', code: 'fulltext-index', message: 'index idx_title_description (title, description) is FULLTEXT, "not" converted', action: 'Create a GIN index on to_tsvector(...)\nby hand.' },
    ] },
    { objectType: 'column', schema: 'sakila', table: 'film', name: 'rating', status: 'converted', targetSchema: 'sakila', targetName: 'rating', issues: [] },
    { objectType: 'trigger', schema: 'sakila', name: 'ins_film', status: 'manual', issues: [{ severity: 'error', code: 'trigger-not-converted', message: 'trigger ins_film (AFTER INSERT ON film) is kept as MySQL source', action: '=rewrite it as a PL/pgSQL trigger function' }] },
    { objectType: 'procedure', schema: 'sakila', name: 'film_in_stock', status: 'manual', issues: [{ severity: 'error', code: 'routine-not-converted', message: 'procedure film_in_stock (uses OUT parameters) is kept as MySQL source', action: 'Rewrite it in PL/pgSQL.' }] },
    { objectType: 'function', schema: 'sakila', name: 'get_customer_balance', status: 'manual', issues: [
      { severity: 'error', code: 'routine-not-converted', message: 'function get_customer_balance is kept as MySQL source', action: 'Rewrite it in PL/pgSQL.' },
      { severity: 'info', code: 'note', message: 'reads (rental) and (payment)', action: 'None \\ really.' },
    ] },
  ];
  for (let i = 0; i < extraTables; i++) out.push({ objectType: 'table', schema: 'sakila', name: `t${i}`, status: 'converted', targetSchema: 'sakila', targetName: `t${i}`, issues: [] });
  return out;
}

/** Reads a zip through its central directory, checking each local header and CRC. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory record');
  assert.equal(eocd, zip.length - 22, 'no trailing bytes after the EOCD');
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  let p = zip.readUInt32LE(eocd + 16);
  assert.equal(p + dirSize, eocd, 'central directory ends at the EOCD');
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50, 'central directory signature');
    const crc = zip.readUInt32LE(p + 16);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    assert.equal(zip.readUInt16LE(local + 8), 0, 'stored');
    assert.equal(zip.readUInt32LE(local + 14), crc);
    const lnameLen = zip.readUInt16LE(local + 26);
    const lextra = zip.readUInt16LE(local + 28);
    assert.equal(zip.subarray(local + 30, local + 30 + lnameLen).toString('utf8'), name);
    const data = zip.subarray(local + 30 + lnameLen + lextra, local + 30 + lnameLen + lextra + size);
    assert.equal(crc32(data) >>> 0, crc, `crc of ${name}`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'file ends with CRLF');
  return rows;
}

describe('zip writer', () => {
  it('writes entries that read back with their names, bytes and CRCs', () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('hello') },
      { name: 'dir/ünïcode.csv', data: Buffer.alloc(70_000, 7) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    const files = readZip(writeZip(entries, META.generatedAt));
    assert.deepEqual([...files.keys()], entries.map((e) => e.name));
    for (const e of entries) assert.ok(files.get(e.name)!.equals(e.data));
  });
});

describe('renderAssessmentCsv', () => {
  it('is a zip of a summary CSV and a per-object CSV that match the report', () => {
    const report = sampleReport();
    const files = readZip(renderAssessmentCsv(report, META));
    assert.deepEqual([...files.keys()], [CSV_SUMMARY_FILE, CSV_OBJECTS_FILE]);
    const text = (name: string): string => {
      const b = files.get(name)!;
      assert.ok(b.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
      return b.subarray(3).toString('utf8');
    };

    const summary = parseCsv(text(CSV_SUMMARY_FILE));
    const s = summarizeReport(report);
    assert.equal(summary[0]![4], 'Object type');
    const all = summary.find((r) => r[4] === 'all')!;
    assert.deepEqual(all.slice(0, 4), ['sakila-project', 'mysql', 'postgres', '2024-05-06T07:08:10.000Z']);
    assert.deepEqual(all.slice(5).map(Number), [report.length, s.converted, s.withWarnings, s.manual]);
    assert.deepEqual(summary.find((r) => r[4] === 'table')!.slice(5).map(Number), [1, 0, 1, 0]);
    assert.equal(summary.length, 1 + s.byType.length + 1);

    const rows = parseCsv(text(CSV_OBJECTS_FILE));
    const header = rows[0]!;
    assert.deepEqual(header, ['Object type', 'Schema', 'Table', 'Name', 'Status', 'Target schema', 'Target name', 'Severity', 'Code', 'Message', 'Recommended action']);
    const expectedRows = report.reduce((n, o) => n + Math.max(1, o.issues.length), 0);
    assert.equal(rows.length - 1, expectedRows);
    for (const r of rows) assert.equal(r.length, header.length);
    const film = rows.find((r) => r[3] === 'film')!;
    assert.equal(film[4], 'Converted with warnings');
    assert.equal(film[9], report[1]!.issues[0]!.message, 'commas and quotes survive');
    assert.equal(film[10], report[1]!.issues[0]!.action, 'newlines survive');
    const manual = rows.filter((r) => r[4] === 'Needs manual work').map((r) => `${r[0]}:${r[3]}`);
    assert.deepEqual([...new Set(manual)], ['trigger:ins_film', 'procedure:film_in_stock', 'function:get_customer_balance']);
    assert.equal(rows.find((r) => r[3] === 'ins_film')![10], "'=rewrite it as a PL/pgSQL trigger function", 'formula-like cell defused');
    assert.equal(rows.find((r) => r[3] === 'rating')![2], 'film');
  });

  it('quotes only what needs quoting', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "x"'), '"say ""x"""');
    assert.equal(csvField(-3), '-3');
  });
});

interface PdfObjects {
  readonly objects: Map<number, string>;
  readonly trailer: string;
}

/** Reads a PDF through startxref and the xref table; every entry must point at its object. */
function readPdf(pdf: Buffer): PdfObjects {
  const text = pdf.toString('latin1');
  assert.ok(text.startsWith('%PDF-1.4\n'), 'header');
  assert.ok(text.endsWith('%%EOF\n'), 'trailer end');
  const sx = /startxref\n(\d+)\n%%EOF\n$/.exec(text);
  assert.ok(sx, 'startxref');
  const xrefAt = Number(sx[1]);
  assert.equal(text.slice(xrefAt, xrefAt + 5), 'xref\n', 'startxref points at the xref table');
  const head = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt))!;
  const size = Number(head[1]);
  const entriesAt = xrefAt + head[0].length;
  const objects = new Map<number, string>();
  for (let i = 0; i < size; i++) {
    const entry = text.slice(entriesAt + i * 20, entriesAt + (i + 1) * 20);
    assert.equal(entry.length, 20);
    assert.match(entry, /^\d{10} \d{5} [nf] \n$/, `xref entry ${i} is 20 bytes`);
    if (i === 0) {
      assert.equal(entry, '0000000000 65535 f \n');
      continue;
    }
    const offset = Number(entry.slice(0, 10));
    assert.equal(text.slice(offset, offset + `${i} 0 obj\n`.length), `${i} 0 obj\n`, `xref offset of object ${i}`);
    const end = text.indexOf('\nendobj\n', offset);
    objects.set(i, text.slice(offset + `${i} 0 obj\n`.length, end));
  }
  const trailer = text.slice(entriesAt + size * 20);
  assert.match(trailer, new RegExp(`^trailer\\n<< /Size ${size} /Root \\d+ 0 R /Info \\d+ 0 R >>`));
  for (const [n, body] of objects) {
    const m = /^<< \/Length (\d+) >>\nstream\n/.exec(body);
    if (!m) continue;
    const data = body.slice(m[0].length);
    assert.ok(data.endsWith('\nendstream'), `object ${n} stream end`);
    assert.equal(Buffer.byteLength(data.slice(0, -'\nendstream'.length), 'latin1'), Number(m[1]), `object ${n} stream /Length`);
  }
  return { objects, trailer };
}

/** The text shown by the content streams (Tj operands, escapes undone). */
function shownText(objects: Map<number, string>): string {
  const out: string[] = [];
  for (const body of objects.values()) {
    for (const m of body.matchAll(/\((?:\\.|[^\\)])*\) Tj/g)) out.push(m[0].slice(1, -4).replace(/\\(.)/g, '$1'));
  }
  return out.join('\n');
}

describe('renderAssessmentPdf', () => {
  it('is a valid PDF whose xref offsets and stream lengths are exact', () => {
    const { objects, trailer } = readPdf(renderAssessmentPdf(sampleReport(), META));
    const root = Number(/\/Root (\d+) 0 R/.exec(trailer)![1]);
    assert.match(objects.get(root)!, /\/Type \/Catalog/);
    const text = shownText(objects);
    assert.match(text, /sakila-project/);
    assert.match(text, /What needs manual work/);
    for (const name of ['ins_film', 'film_in_stock', 'get_customer_balance']) assert.ok(text.includes(name), name);
    assert.ok(text.includes('reads (rental) and (payment)'), 'parentheses escaped and restored');
    assert.ok(text.includes('None \\ really.'), 'backslash escaped and restored');
    assert.match(text, /6 objects: 2 converted, 1 converted with warnings, 3 need manual work\./);
  });

  it('spreads a long report over several pages, each listed in /Kids', () => {
    const { objects, trailer } = readPdf(renderAssessmentPdf(sampleReport(300), META));
    const pages = [...objects.entries()].filter(([, b]) => b.includes('/Type /Page ')).map(([n]) => n);
    assert.ok(pages.length >= 4, `pages: ${pages.length}`);
    const tree = [...objects.values()].find((b) => b.includes('/Type /Pages'))!;
    assert.match(tree, new RegExp(`/Count ${pages.length}\\b`));
    assert.deepEqual([...tree.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1])), pages);
    const text = shownText(objects);
    assert.ok(text.includes(`page ${pages.length} of ${pages.length}`));
    assert.ok(text.includes('t299'));
    assert.match(trailer, /\/Info/);
  });
});
