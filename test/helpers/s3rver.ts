/**
 * An s3rver on a free port with its own temp folder, in a child process (see s3rver-child.cjs
 * for why), and the headers of the PUT requests it received.
 */
import { spawn } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** s3rver's built-in account. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The headers of the last PUT of `path` (`/bucket/key`), waiting briefly for its report. */
  putHeaders(path: string): Promise<IncomingHttpHeaders | undefined>;
  close(): Promise<void>;
}

export async function startS3rver(buckets: readonly string[]): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'opendms-s3rver-'));
  const script = fileURLToPath(new URL('./s3rver-child.cjs', import.meta.url));
  // Plain node, no tsx loader: NODE_OPTIONS could carry one in.
  const child = spawn(process.execPath, [script, dir, ...buckets], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const puts = new Map<string, IncomingHttpHeaders>();
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { port?: number; put?: string; headers?: IncomingHttpHeaders };
      if (msg.port !== undefined) resolve(msg.port);
      if (msg.put !== undefined) puts.set(msg.put, msg.headers ?? {});
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening: ${stderr}`)));
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async putHeaders(path) {
      for (let i = 0; i < 100 && !puts.has(path); i++) await new Promise((r) => setTimeout(r, 20));
      return puts.get(path);
    },
    async close() {
      child.stdin.end();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
