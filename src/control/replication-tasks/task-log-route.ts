/**
 * GET /tasks/<task identifier or ARN>/log: the task's log as text/plain (`?tail=<bytes>` for
 * the end only). The route carries no SigV4 signature, so it is served only by a server
 * without a credentials file (which listens on loopback only); with one, it answers 403 and
 * points to `opendms logs` on the server's host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Repositories } from '../repositories.js';
import { lookUpTask } from './task-lookup.js';

export interface TaskLogReader {
  read(taskArn: string, tailBytes?: number): string | undefined;
}

export interface TaskLogRoute {
  readonly pattern: RegExp;
  handle(match: RegExpExecArray, req: IncomingMessage, res: ServerResponse): void;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function taskLogRoute(repos: Pick<Repositories, 'tasks'>, logs: TaskLogReader, opts: { readonly authenticated: boolean }): TaskLogRoute {
  return {
    pattern: /^\/tasks\/([^/]+)\/log$/,
    handle(match, req, res) {
      if (opts.authenticated) {
        return text(res, 403, 'Task logs are not served over HTTP by a server with a credentials file (the route carries no signature). Run `opendms logs <task>` on the server host instead.\n');
      }
      let idOrArn: string;
      try {
        idOrArn = decodeURIComponent(match[1]!);
      } catch {
        return text(res, 400, `'${match[1]}' is not a valid URL-encoded task identifier or ARN.\n`);
      }
      const found = lookUpTask(repos, idOrArn);
      if (!found.ok) return text(res, 404, `${found.message}\n`);
      const tailText = new URL(req.url ?? '/', 'http://localhost').searchParams.get('tail');
      const tail = tailText !== null && /^\d+$/.test(tailText) ? Number(tailText) : undefined;
      const log = logs.read(found.arn, tail);
      if (log === undefined) {
        return text(res, 404, `Replication task ${found.name} has no log yet: the log is written once the task starts.\n`);
      }
      text(res, 200, log);
    },
  };
}
