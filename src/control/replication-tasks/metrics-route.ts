/**
 * GET /metrics: Prometheus text exposition of every task and table, from what the store holds
 * (status, full-load progress, rows, applied changes) and the reporter's in-memory CDC latency.
 * DMS shows these only in CloudWatch; a self-hosted user scrapes them instead. Like the task log
 * route it carries no signature, so a server with a credentials file answers 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../common/clock.js';
import type { Repositories } from '../repositories.js';
import type { TaskLogRoute } from './task-log-route.js';

export interface LatencySource {
  readonly latencies: ReadonlyMap<string, { readonly latencyMs: number; readonly at: Date }>;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>): string => `{${Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;

export function renderMetrics(repos: Pick<Repositories, 'tasks' | 'tableStatistics'>, latency: LatencySource, clock: Clock): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Record<string, string>, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${labels(l)} ${Number.isFinite(v) ? v : 0}`);
  };
  const tasks = repos.tasks.all();
  const idOf = new Map(tasks.map((t) => [t.arn, t.identifier]));
  family('opendms_task_running', 'gauge', 'Whether the replication task is running (1) or not (0).', tasks.map((t) => [{ task: t.identifier, status: t.status, migration_type: t.migrationType }, t.status === 'running' ? 1 : 0]));
  family('opendms_task_full_load_progress_percent', 'gauge', 'FullLoadProgressPercent of the task.', tasks.map((t) => [{ task: t.identifier }, t.stats?.fullLoadProgressPercent ?? 0]));
  const now = clock.now().getTime();
  family(
    'opendms_task_cdc_latency_seconds',
    'gauge',
    'Change data capture: source commit to target commit of the last applied change batch.',
    tasks.flatMap((t) => {
      const l = latency.latencies.get(t.arn);
      return l ? [[{ task: t.identifier }, l.latencyMs / 1000] as [Record<string, string>, number]] : [];
    }),
  );
  family(
    'opendms_task_cdc_last_apply_age_seconds',
    'gauge',
    'Change data capture: seconds since the last change batch was applied (grows while nothing arrives).',
    tasks.flatMap((t) => {
      const l = latency.latencies.get(t.arn);
      return l ? [[{ task: t.identifier }, (now - l.at.getTime()) / 1000] as [Record<string, string>, number]] : [];
    }),
  );
  const tables = repos.tableStatistics.all().filter((s) => idOf.has(s.taskArn));
  const tl = (s: (typeof tables)[number]): Record<string, string> => ({ task: idOf.get(s.taskArn)!, schema: s.schemaName, table: s.tableName });
  family('opendms_table_full_load_rows', 'gauge', 'Rows loaded by the full load.', tables.map((s) => [tl(s), s.fullLoadRows]));
  family('opendms_table_full_load_error_rows', 'gauge', 'Rows the target refused during the full load.', tables.map((s) => [tl(s), s.fullLoadErrorRows]));
  family(
    'opendms_table_changes_applied_total',
    'counter',
    'Changes applied by change data capture in the current run, by kind.',
    tables.flatMap((s) =>
      (['insert', 'update', 'delete', 'ddl'] as const).map((kind) => [{ ...tl(s), kind }, (kind === 'insert' ? s.inserts : kind === 'update' ? s.updates : kind === 'delete' ? s.deletes : s.ddls) ?? 0] as [Record<string, string>, number]),
    ),
  );
  return `${out.join('\n')}\n`;
}

export function metricsRoute(repos: Pick<Repositories, 'tasks' | 'tableStatistics'>, latency: LatencySource, clock: Clock, opts: { readonly authenticated: boolean }): TaskLogRoute {
  return {
    pattern: /^\/metrics$/,
    handle(_match: RegExpExecArray, _req: IncomingMessage, res: ServerResponse) {
      const body = opts.authenticated
        ? 'Metrics are not served over HTTP by a server with a credentials file (the route carries no signature).\n'
        : renderMetrics(repos, latency, clock);
      res.writeHead(opts.authenticated ? 403 : 200, { 'Content-Type': opts.authenticated ? 'text/plain; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    },
  };
}
