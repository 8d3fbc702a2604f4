/**
 * Full-load benchmark: OpenDMS against its peers on the same 1.5 M-row dataset.
 *
 *   npm run bench:full-load                 (BENCH_SCALE=0.1 for a quick run)
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

interface Line {
  readonly pair: string;
  readonly tool: string;
  readonly m: Measured;
  readonly bytes: number;
}

function format(l: Line): string {
  const mb = l.bytes / 1024 / 1024;
  return `${l.pair.padEnd(20)} ${l.tool.padEnd(16)} ${l.m.seconds.toFixed(2).padStart(8)} s ${Math.round(expected / l.m.seconds).toLocaleString('en').padStart(11)} rows/s ${(mb / l.m.seconds).toFixed(1).padStart(7)} MB/s ${l.m.peakRssMiB.toFixed(0).padStart(6)} MiB peak`;
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

    for (const name of ['dump', 'dms1', 'loader', 'dms2']) {
      created.pg.push(db(name));
      await pgAdmin(`CREATE DATABASE ${db(name)}`);
    }
    console.log('PostgreSQL -> PostgreSQL: pg_dump | psql ...');
    lines.push({ pair: 'PG -> PG', tool: 'pg_dump | psql', m: await pgDumpPsql(db('pgsrc'), db('dump')), bytes: pgBytes });
    await checkCounts(db('dump'), 'public', 'pg_dump | psql');
    console.log('PostgreSQL -> PostgreSQL: OpenDMS ...');
    lines.push({ pair: 'PG -> PG', tool: 'OpenDMS', m: await runOpenDms({ engine: 'postgres', database: db('pgsrc') }, { engine: 'postgres', database: db('dms1') }), bytes: pgBytes });
    await checkCounts(db('dms1'), 'public', 'OpenDMS PG -> PG');

    console.log('MariaDB -> PostgreSQL: pgloader ...');
    lines.push({ pair: 'MariaDB -> PG', tool: 'pgloader', m: await pgloader(db('mariasrc'), db('loader')), bytes: mariaBytes });
    await checkCounts(db('loader'), db('mariasrc'), 'pgloader');
    console.log('MariaDB -> PostgreSQL: OpenDMS ...');
    lines.push({ pair: 'MariaDB -> PG', tool: 'OpenDMS', m: await runOpenDms({ engine: 'mariadb', database: db('mariasrc') }, { engine: 'postgres', database: db('dms2') }), bytes: mariaBytes });
    await checkCounts(db('dms2'), 'public', 'OpenDMS MariaDB -> PG');

    console.log('');
    for (const l of lines) console.log(format(l));
    const ratio = (pair: string, peer: string): string => {
      const p = lines.find((l) => l.pair === pair && l.tool === peer)!;
      const o = lines.find((l) => l.pair === pair && l.tool === 'OpenDMS')!;
      return (p.m.seconds / o.m.seconds).toFixed(2);
    };
    console.log('');
    console.log(`ratio peer time / OpenDMS time: PG -> PG ${ratio('PG -> PG', 'pg_dump | psql')} (target >= 0.9), MariaDB -> PG ${ratio('MariaDB -> PG', 'pgloader')} (target >= 1.2)`);
    console.log(`OpenDMS peak RSS: ${lines.filter((l) => l.tool === 'OpenDMS').map((l) => `${l.pair} ${l.m.peakRssMiB.toFixed(0)} MiB`).join(', ')} (target < 400 MiB)`);
  } finally {
    for (const d of created.pg) await pgAdmin(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
    for (const d of created.maria) await mariadbAdmin(`DROP DATABASE IF EXISTS ${d}`).catch(() => undefined);
  }
}

await main();
