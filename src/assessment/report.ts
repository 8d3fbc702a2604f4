/**
 * A premigration assessment run as a Markdown report for people: the run, a table of every
 * individual assessment, then what to change for each one that did not pass, with its
 * findings. The JSON result files stay the machine-readable form; this one is for reading.
 */
import type { Finding, IndividualResult } from './types.js';

export interface ReportMeta {
  readonly runName: string;
  readonly runArn: string;
  readonly taskIdentifier: string;
  readonly status: string;
  readonly startedAt: string;
}

/** Findings shown per assessment at most; the result files hold them all. */
const maxFindings = 200;

const statusOrder: readonly IndividualResult['status'][] = ['failed', 'warning', 'error', 'cancelled', 'skipped', 'passed'];
const headings: Readonly<Record<IndividualResult['status'], string>> = {
  failed: 'Failed',
  warning: 'Warnings',
  error: 'Errors',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  passed: 'Passed',
};

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

function findingLine(f: Finding): string {
  return `- ${code(f.object)}: ${f.detail.replace(/\r?\n/g, ' ')}`;
}

/** A human-readable Markdown report of a run. */
export function renderReport(meta: ReportMeta, results: readonly IndividualResult[]): string {
  const counts = new Map<IndividualResult['status'], number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const out: string[] = [];
  out.push(`# Premigration assessment run ${meta.runName}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Run | ${cell(meta.runArn)} |`);
  out.push(`| Replication task | ${cell(meta.taskIdentifier)} |`);
  out.push(`| Status | ${cell(meta.status)} |`);
  out.push(`| Started | ${cell(meta.startedAt)} |`);
  out.push('');
  const tally = statusOrder.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  out.push(`${results.length} individual assessment${results.length === 1 ? '' : 's'}${tally.length ? `: ${tally.join(', ')}` : ''}.`, '');
  if (results.length > 0) {
    out.push('| Assessment | Status | Summary |', '|---|---|---|');
    for (const r of results) out.push(`| ${code(r.name)} | ${r.status} | ${cell(r.summary)} |`);
    out.push('');
  }
  for (const status of statusOrder) {
    if (status === 'passed') continue;
    const group = results.filter((r) => r.status === status);
    if (group.length === 0) continue;
    out.push(`## ${headings[status]}`, '');
    for (const r of group) {
      out.push(`### ${r.name}`, '', r.summary, '');
      if (r.advice) out.push(`**What to change:** ${r.advice}`, '');
      if (r.findings.length > 0) {
        out.push(...r.findings.slice(0, maxFindings).map(findingLine));
        if (r.findings.length > maxFindings) out.push(`- ... and ${r.findings.length - maxFindings} more (see ${r.name}.json)`);
        out.push('');
      }
      out.push(`Ran from ${r.startedAt} to ${r.finishedAt}.`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
