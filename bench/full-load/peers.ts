/**
 * The peers OpenDMS is measured against, on the same data: `pg_dump | psql` for
 * PostgreSQL -> PostgreSQL and pgloader (Debian package) for MariaDB -> PostgreSQL.
 * Each runs under GNU time for its peak memory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  readonly seconds: number;
  /** Peak resident memory in MiB (the largest of the processes involved). */
  readonly peakRssMiB: number;
}

/** Runs a shell pipeline with every command under `/usr/bin/time -f %M`, returns wall time and peak RSS. */
export async function timed(commands: readonly string[]): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const pipeline = commands.map((cmd, i) => `/usr/bin/time -f %M -o ${dir}/rss${i} ${cmd}`).join(' | ');
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', pipeline], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${pipeline} exited ${code}: ${err.slice(-2000)}`))));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const kb = commands.map((_, i) => Number(readFileSync(`${dir}/rss${i}`, 'utf8').trim().split('\n').pop()));
  rmSync(dir, { recursive: true, force: true });
  return { seconds, peakRssMiB: Math.max(...kb) / 1024 };
}

export function pgDumpPsql(source: string, target: string): Promise<Measured> {
  return timed([
    `pg_dump -h 127.0.0.1 -U postgres --no-owner --no-privileges ${source}`,
    `psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -d ${target}`,
  ]);
}

/** pgloader's defaults: it creates the tables, copies the data, then builds indexes and keys. */
export function pgloader(sourceMariadb: string, targetPg: string): Promise<Measured> {
  return timed([`pgloader --quiet mysql://root@127.0.0.1:3306/${sourceMariadb} postgresql://postgres@127.0.0.1:5432/${targetPg}`]);
}
