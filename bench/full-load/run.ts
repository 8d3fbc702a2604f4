/**
 * Full-load benchmark: OpenDMS against its peers on the same 1.5 M-row dataset.
 *
 *   npm run bench:full-load                 (BENCH_SCALE=0.1 for a quick run)
 *
 * Each tool runs BENCH_REPEAT times (default 3), alternating with its peer; times are medians.
 *
 * PostgreSQL -> PostgreSQL: OpenDMS vs `pg_dump | psql`; MariaDB -> PostgreSQL: OpenDMS vs
 * pgloader. Prints rows/s, MB/s (source table data), peak RSS, and the ratio
 * peer time / OpenDMS time (above 1: OpenDMS is faster). Needs `npm run services:setup`
 * and pgloader (`apt-get install pgloader`).
 *
 * BENCH_SHOW_LOG=1 prints each OpenDMS task log (per-table timings); PROFILE_DIR=/dir makes
 * the OpenDMS server write a CPU profile there (test/helpers/process.ts).
 */
import { spawnSync } from 'node:child_process';
import { createMariadbDataset, createPostgresDataset, mariadbAdmin, mariadbDataBytes, pgAdmin, pgCounts, pgDataBytes, rowCounts } from './dataset.js';
import { pgDumpPsql, pgloader, type Measured } from './peers.js';
import { runOpenDms } from './opendms.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const tag = `${process.pid}`;
const db = (name: string): string => `bench_${name}_${tag}`;
const expected = Object.values(rowCounts(scale)).reduce((a, b) => a + b, 0);

const repeat = Math.max(1, Math.trunc(Number(process.env.BENCH_REPEAT ?? '3')));

interface Tool {
  readonly name: string;
  /** Where the tool puts the tables in the target database (for the row count check). */
  readonly schema: string;
  readonly run: (targetDatabase: string) => Promise<Measured>;
}

interface Line {
  readonly pair: string;
  readonly tool: string;
  /** The median run's time; the largest peak RSS of all runs. */
  readonly m: Measured;
  readonly min: number;
  readonly max: number;
  readonly bytes: number;
}

function summarize(runs: readonly Measured[]): { m: Measured; min: number; max: number } {
  const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = times.length % 2 === 1 ? times[(times.length - 1) / 2]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
  return { m: { seconds: median, peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)) }, min: times[0]!, max: times[times.length - 1]! };
}

function format(l: Line): string {
  const mb = l.bytes / 1024 / 1024;
  const spread = l.min === l.max ? '' : ` (${l.min.toFixed(2)}-${l.max.toFixed(2)})`;
  return `${l.pair.padEnd(14)} ${l.tool.padEnd(15)} ${l.m.seconds.toFixed(2).padStart(6)} s${spread.padEnd(14)} ${Math.round(expected / l.m.seconds).toLocaleString('en').padStart(9)} rows/s ${(mb / l.m.seconds).toFixed(1).padStart(6)} MB/s ${l.m.peakRssMiB.toFixed(0).padStart(5)} MiB peak`;
}

async function checkCounts(database: string, schema: string, who: string): Promise<void> {
  const counts = await pgCounts(database, schema);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total !== expected) throw new Error(`${who} loaded ${total} rows, expected ${expected}: ${JSON.stringify(counts)}`);
}

/** The peers' programs, checked before minutes of data generation rather than after. */
function checkTools(): void {
  const missing = ['pg_dump', 'psql', 'pgloader', '/usr/bin/time'].filter((t) => spawnSync('bash', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: install them with \`apt-get update && apt-get install -y postgresql-client pgloader time\`, then run the benchmark again`);
  }
}

async function main(): Promise<void> {
  checkTools();
  const created: { pg: string[]; maria: string[] } = { pg: [], maria: [] };
  const lines: Line[] = [];
  try {
    console.log(`generating ${expected.toLocaleString('en')} rows (BENCH_SCALE=${scale}) ...`);
    // Registered before creation, so a failure half-way still drops them.
    created.pg.push(db('pgsrc'));
    await createPostgresDataset(db('pgsrc'), scale);
    created.maria.push(db('mariasrc'));
    await createMariadbDataset(db('mariasrc'), scale);
    const pgBytes = await pgDataBytes(db('pgsrc'));
    const mariaBytes = await mariadbDataBytes(db('mariasrc'));

    // Each tool runs `repeat` times, alternating with its peer into fresh databases: on a small
    // shared machine one run can be 20% off either way, so the ratio is of the medians.
    let n = 0;
    const freshPg = async (): Promise<string> => {
      const name = db(`t${n++}`);
      created.pg.push(name);
      await pgAdmin(`CREATE DATABASE ${name}`);
      return name;
    };
    const measure = async (pair: string, bytes: number, tools: readonly Tool[]): Promise<void> => {
      const runs = new Map<string, Measured[]>(tools.map((t) => [t.name, []]));
      for (let rep = 0; rep < repeat; rep++) {
        for (const t of rep % 2 === 0 ? tools : [...tools].reverse()) {
          console.log(`${pair}: ${t.name} (run ${rep + 1} of ${repeat}) ...`);
          const target = await freshPg();
          runs.get(t.name)!.push(await t.run(target));
          await checkCounts(target, t.schema, `${t.name} ${pair}`);
          await pgAdmin(`DROP DATABASE ${target} WITH (FORCE)`);
        }
      }
      for (const t of tools) lines.push({ pair, tool: t.name, bytes, ...summarize(runs.get(t.name)!) });
    };
    await measure('PG -> PG', pgBytes, [
      { name: 'pg_dump | psql', schema: 'public', run: (target) => pgDumpPsql(db('pgsrc'), target) },
      { name: 'OpenDMS', schema: 'public', run: (target) => runOpenDms({ engine: 'postgres', database: db('pgsrc') }, { engine: 'postgres', database: target }) },
    ]);
    await measure('MariaDB -> PG', mariaBytes, [
      { name: 'pgloader', schema: db('mariasrc'), run: (target) => pgloader(db('mariasrc'), target) },
      { name: 'OpenDMS', schema: 'public', run: (target) => runOpenDms({ engine: 'mariadb', database: db('mariasrc') }, { engine: 'postgres', database: target }) },
    ]);

    console.log('');
    for (const l of lines) console.log(format(l));
    const ratio = (pair: string, peer: string): string => {
      const p = lines.find((l) => l.pair === pair && l.tool === peer)!;
      const o = lines.find((l) => l.pair === pair && l.tool === 'OpenDMS')!;
      return (p.m.seconds / o.m.seconds).toFixed(2);
    };
    console.log('');
    console.log(`ratio peer time / OpenDMS time (medians of ${repeat}): PG -> PG ${ratio('PG -> PG', 'pg_dump | psql')} (target >= 0.9), MariaDB -> PG ${ratio('MariaDB -> PG', 'pgloader')} (target >= 1.2)`);
    console.log(`OpenDMS peak RSS (largest of the runs): ${lines.filter((l) => l.tool === 'OpenDMS').map((l) => `${l.pair} ${l.m.peakRssMiB.toFixed(0)} MiB`).join(', ')} (target < 400 MiB)`);
  } finally {
    for (const d of created.pg) await pgAdmin(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
    for (const d of created.maria) await mariadbAdmin(`DROP DATABASE IF EXISTS ${d}`).catch(() => undefined);
  }
}

await main();
