/**
 * A small PDF 1.4 writer for text reports: standard Helvetica fonts (no embedding), A4 pages
 * of positioned lines, an xref table with exact byte offsets. Text is WinAnsi (Latin-1 in
 * practice); characters outside it print as '?'. Pure: bytes in memory.
 */

export interface PdfLine {
  readonly text: string;
  readonly x: number;
  /** From the bottom of the page, as PDF counts. */
  readonly y: number;
  readonly size: number;
  readonly bold?: boolean;
}

export const PAGE_WIDTH = 595;
export const PAGE_HEIGHT = 842;

/** Helvetica advance widths (1/1000 em) of ASCII 32..126, from the standard font metrics. */
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
  278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
  611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** The width of `text` in points; bold is taken 10% wider (an upper bound, to wrap safely). */
export function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 63;
    units += c >= 32 && c <= 126 ? (HELVETICA[c - 32] ?? 556) : 556;
  }
  return (units * size * (bold ? 1.1 : 1)) / 1000;
}

/** Splits `text` into lines no wider than `width` (breaking at spaces, or inside a word that is too long). */
export function wrap(text: string, width: number, size: number, bold = false): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, bold) <= width) {
      line = candidate;
      continue;
    }
    if (line) out.push(line);
    line = word;
    while (textWidth(line, size, bold) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > width) cut--;
      out.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

/** A PDF literal string of `text` in WinAnsi bytes (latin1), escaped. */
function pdfString(text: string): string {
  let s = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 63;
    const b = c === 9 ? ' ' : c < 32 || c > 255 || (c >= 127 && c < 160) ? '?' : ch;
    s += b === '\\' || b === '(' || b === ')' ? `\\${b}` : b;
  }
  return `(${s})`;
}

function pdfDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** The bytes of a PDF whose pages hold `pages` lines. */
export function writePdf(pages: readonly (readonly PdfLine[])[], info: { title: string; created: Date }): Buffer {
  const objects: Buffer[] = [];
  /** Reserves an object number; bodies are filled in later. */
  const add = (body: string | Buffer): number => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const lines of pages.length > 0 ? pages : [[]]) {
    const content = lines
      .map((l) => `BT /${l.bold ? 'F2' : 'F1'} ${l.size} Tf ${l.x.toFixed(2)} ${l.y.toFixed(2)} Td ${pdfString(l.text)} Tj ET`)
      .join('\n');
    const stream = Buffer.from(content, 'latin1');
    const contentObj = add(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]));
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
          `/Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >> >> /Contents ${contentObj} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObj} 0 R >>`, 'latin1');
  objects[pagesObj - 1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`, 'latin1');
  const infoObj = add(`<< /Title ${pdfString(info.title)} /Producer (OpenDMS) /CreationDate (${pdfDate(info.created)}) >>`);

  // The header's second line holds bytes above 127 so that tools treat the file as binary.
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(chunk);
    offset += chunk.length;
  });
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, n/f, two-byte EOL.
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${infoObj} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(chunks);
}
