/** Runs the Debian AWS CLI v2 (/usr/bin/aws) against an OpenDMS server, with throwaway credentials. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const awsBin = '/usr/bin/aws';

/** The reason to skip CLI tests, or false when the CLI is installed. */
export const awsCliMissing: string | false = existsSync(awsBin) ? false : `${awsBin} (Debian awscli) is not installed: apt-get install awscli`;

export async function aws(url: string, args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(awsBin, ['dms', ...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      HOME: tmpdir(),
      AWS_ACCESS_KEY_ID: '123456789012',
      AWS_SECRET_ACCESS_KEY: 'not-checked-on-loopback',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, any>) : {};
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
