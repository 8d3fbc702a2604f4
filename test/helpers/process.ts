/** Runs `opendms serve` as a real child process (for signal, restart and CLI tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Everything the process printed on stderr (its JSON log) so far. */
  logs(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/**
 * `PROFILE_DIR=/some/dir` (environment of the test or benchmark) starts the server with
 * `--cpu-prof`: a .cpuprofile per process lands in that folder when the server exits
 * (open it in Chrome DevTools, or summarise it with a script). Off by default.
 */
function profileArgs(): string[] {
  const dir = process.env.PROFILE_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

export async function spawnServer(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const level = args.includes('--log-level') ? [] : ['--log-level', 'warn'];
  const child = spawn(process.execPath, [...profileArgs(), bin, 'serve', '--port', '0', '--data-dir', dataDir, ...level, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`opendms did not start within 20 s; stdout: ${out} stderr: ${err}`)), 20_000);
    const check = (): void => {
      const m = /OpenDMS listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`opendms exited with ${code} before listening; stderr: ${err}`));
    });
  });
  return { url, child, output: () => out, logs: () => err, exited };
}
