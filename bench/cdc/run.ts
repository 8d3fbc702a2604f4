/**
 * CDC benchmark: end-to-end lag and sustained rate of ongoing replication.
 *
 *   npm run bench:cdc            (BENCH_CDC_ROWS=50000 rows per sustained run, BENCH_CDC_SECONDS=15)
 *
 * For each tool, on a fresh source and target: the sustained rate (inserts then updates as fast
 * as the source takes them, until the last is visible on the target) and the lag at a fixed
 * 5,000 changes/s (source commit to rows visible on the target: p50, p99, max).
 * Tools: OpenDMS PG -> PG and MariaDB -> PG (a full-load-and-cdc task through the DMS API),
 * and PostgreSQL's own logical replication (publication / subscription) PG -> PG as the peer.
 * OpenDMS PG -> PG runs twice: in commit order, and with BatchApplyEnabled (net changes per key).
 * Targets (issue 4): >= 20,000 changes/s PG -> PG with batch apply; p99 lag < 1 s at 5,000 changes/s.
 */
import { mariaConnect, mariaExec, pgConnect, pgCreateDatabase, pgDropDatabase, pgExec } from '../../test/helpers/databases.js';
import { startCdcTask } from './opendms-task.js';
import { fixedRate, mariaSource, pgSource, pgTarget, sustained, type SourceSql } from './workload.js';

const rows = Number(process.env.BENCH_CDC_ROWS ?? '50000');
const seconds = Number(process.env.BENCH_CDC_SECONDS ?? '15');
const rate = 5000;
const tag = `${process.pid}`;
const pgDdl = 'CREATE TABLE events (id bigint PRIMARY KEY, v integer NOT NULL, note text)';
const mariaDdl = 'CREATE TABLE events (id bigint PRIMARY KEY, v int NOT NULL, note text) ENGINE=InnoDB';

interface Line {
  readonly tool: string;
  readonly sustained: { changes: number; seconds: number; rate: number };
  readonly lag: { p50: number; p99: number; max: number; achieved: number };
}

async function measure(tool: string, src: SourceSql, targetDb: string, table: string): Promise<Line> {
  const dst = await pgConnect(targetDb);
  try {
    console.log(`${tool}: sustained (${rows * 2} changes) ...`);
    const s = await sustained(src, pgTarget(dst, table), 'events', 1, rows);
    console.log(`${tool}: fixed rate ${rate}/s for ${seconds} s ...`);
    const l = await fixedRate(src, pgTarget(dst, table), 'events', 10_000_000, rate, seconds);
    return { tool, sustained: s, lag: l };
  } finally {
    await dst.end();
  }
}

async function openDmsPg(batchApply = false): Promise<Line> {
  const src = `bench_cdc_src_${tag}`;
  const dst = `bench_cdc_dst_${tag}`;
  await pgCreateDatabase(src);
  await pgCreateDatabase(dst);
  await pgExec(pgDdl, src);
  const task = await startCdcTask({ engine: 'postgres', database: src, schema: 'public' }, { engine: 'postgres', database: dst }, { batchApply });
  const c = await pgConnect(src);
  try {
    return await measure(batchApply ? 'OpenDMS PG -> PG (batch apply)' : 'OpenDMS PG -> PG', pgSource(c), dst, 'public.events');
  } finally {
    await c.end();
    await task.close();
    await pgDropDatabase(src);
    await pgDropDatabase(dst);
  }
}

async function openDmsMaria(): Promise<Line> {
  const src = `bench_cdc_src_${tag}`;
  const dst = `bench_cdc_mdst_${tag}`;
  await mariaExec([`CREATE DATABASE ${src} CHARACTER SET utf8mb4`, `USE ${src}`, mariaDdl]);
  await pgCreateDatabase(dst);
  const task = await startCdcTask({ engine: 'mariadb', database: src, schema: src }, { engine: 'postgres', database: dst });
  const c = await mariaConnect({ database: src });
  try {
    return await measure('OpenDMS MariaDB -> PG', mariaSource(c), dst, 'public.events');
  } finally {
    await c.end();
    await task.close();
    await mariaExec(`DROP DATABASE IF EXISTS ${src}`);
    await pgDropDatabase(dst);
  }
}

/** PostgreSQL's own logical replication; same cluster, so the slot is made first (create_slot = false). */
async function nativePg(): Promise<Line> {
  const src = `bench_cdc_nsrc_${tag}`;
  const dst = `bench_cdc_ndst_${tag}`;
  const slot = `bench_native_${tag}`;
  await pgCreateDatabase(src);
  await pgCreateDatabase(dst);
  await pgExec(`${pgDdl}; CREATE PUBLICATION bench_pub FOR TABLE events`, src);
  // Alone: a slot cannot be created in a transaction that wrote.
  await pgExec(`SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`, src);
  await pgExec(pgDdl, dst);
  await pgExec(`CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=5432 user=postgres dbname=${src}' PUBLICATION bench_pub WITH (create_slot = false, slot_name = '${slot}', copy_data = false)`, dst);
  const c = await pgConnect(src);
  try {
    return await measure('PostgreSQL logical replication', pgSource(c), dst, 'events');
  } finally {
    await c.end();
    await pgExec('DROP SUBSCRIPTION bench_sub', dst).catch(() => undefined);
    await pgExec(`SELECT pg_drop_replication_slot('${slot}') FROM pg_replication_slots WHERE slot_name = '${slot}'`).catch(() => undefined);
    await pgDropDatabase(src);
    await pgDropDatabase(dst);
  }
}

const format = (l: Line): string =>
  `${l.tool.padEnd(33)} sustained ${Math.round(l.sustained.rate).toLocaleString('en').padStart(7)} changes/s (${l.sustained.changes} in ${l.sustained.seconds.toFixed(1)} s)   ` +
  `at ${rate}/s (achieved ${Math.round(l.lag.achieved)}): lag p50 ${l.lag.p50} ms, p99 ${l.lag.p99} ms, max ${l.lag.max} ms`;
const lines: Line[] = [];
for (const run of [nativePg, () => openDmsPg(), openDmsMaria, () => openDmsPg(true)]) {
  lines.push(await run());
  console.log(format(lines.at(-1)!));
}
console.log('');
for (const l of lines) console.log(format(l));
const peer = lines[0]!;
for (const l of lines.slice(1)) {
  console.log(`${l.tool}: sustained rate ratio to PostgreSQL logical replication ${(l.sustained.rate / peer.sustained.rate).toFixed(2)}; p99 lag ratio (peer / OpenDMS) ${(peer.lag.p99 / Math.max(1, l.lag.p99)).toFixed(2)}`);
}
console.log(`targets: >= 20,000 changes/s PG -> PG with batch apply (${Math.round(lines[3]!.sustained.rate)}; ${Math.round(lines[1]!.sustained.rate)} without); p99 lag < 1000 ms at 5,000/s (${lines[1]!.lag.p99} ms PG -> PG, ${lines[2]!.lag.p99} ms MariaDB -> PG)`);
