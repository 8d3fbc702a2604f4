/**
 * The CDC benchmark's workload and its measurements, the same for every tool:
 * - sustained: row changes written as fast as the source takes them (multi-row INSERTs, then
 *   UPDATEs of those rows, 500 rows a transaction), then a marker row; the rate is the changes
 *   divided by the time until the marker is visible on the target (commit order: everything
 *   before it is applied then);
 * - fixed rate: small transactions of inserts at a fixed rate; each one's lag is the time from
 *   its commit on the source to its rows being visible on the target (polled every 5 ms).
 */
import type pg from 'pg';
import type mysql from 'mysql2/promise';

export interface SourceSql {
  readonly engine: 'postgres' | 'mariadb';
  exec(sql: string): Promise<void>;
}

export interface TargetPoll {
  /** The largest id visible in the target table (0 when empty). */
  maxId(): Promise<number>;
}

export const pgSource = (c: pg.Client): SourceSql => ({ engine: 'postgres', exec: async (sql) => void (await c.query(sql)) });
export const mariaSource = (c: mysql.Connection): SourceSql => ({ engine: 'mariadb', exec: async (sql) => void (await c.query(sql)) });
export const pgTarget = (c: pg.Client, table: string): TargetPoll => ({
  maxId: async () => Number((await c.query<{ m: string | null }>(`SELECT max(id) AS m FROM ${table}`)).rows[0]?.m ?? 0),
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(poll: TargetPoll, id: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if ((await poll.maxId()) >= id) return Date.now();
    if (Date.now() > end) throw new Error(`row ${id} never reached the target within ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

const values = (from: number, n: number): string =>
  Array.from({ length: n }, (_, i) => `(${from + i}, ${i % 1000}, 'payload ${from + i}')`).join(', ');

/** Sustained rate: `rows` inserts then `rows` updates; returns changes per second end to end. */
export async function sustained(src: SourceSql, dst: TargetPoll, table: string, firstId: number, rows: number): Promise<{ changes: number; seconds: number; rate: number }> {
  const per = 500;
  const start = Date.now();
  for (let i = 0; i < rows; i += per) await src.exec(`INSERT INTO ${table} (id, v, note) VALUES ${values(firstId + i, Math.min(per, rows - i))}`);
  for (let i = 0; i < rows; i += per) await src.exec(`UPDATE ${table} SET v = v + 1 WHERE id >= ${firstId + i} AND id < ${firstId + i + per}`);
  const marker = firstId + rows + 1;
  await src.exec(`INSERT INTO ${table} (id, v, note) VALUES (${marker}, 0, 'marker')`);
  const seen = await until(dst, marker, 600_000);
  const seconds = (seen - start) / 1000;
  return { changes: rows * 2 + 1, seconds, rate: (rows * 2 + 1) / seconds };
}

/** Fixed rate: `perSecond` inserts a second in transactions of `perTx` rows for `seconds`; lag percentiles in ms. */
export async function fixedRate(src: SourceSql, dst: TargetPoll, table: string, firstId: number, perSecond: number, seconds: number): Promise<{ p50: number; p99: number; max: number; achieved: number }> {
  const perTx = 50;
  const interval = (1000 * perTx) / perSecond;
  const commits: { id: number; at: number }[] = [];
  const lags: number[] = [];
  let stop = false;
  let seenUpTo = firstId - 1;
  const poller = (async () => {
    let next = 0;
    while (!stop || next < commits.length) {
      const max = await dst.maxId();
      const now = Date.now();
      if (max > seenUpTo) seenUpTo = max;
      while (next < commits.length && commits[next]!.id <= seenUpTo) lags.push(now - commits[next++]!.at);
      if (stop && next < commits.length && now - commits[commits.length - 1]!.at > 60_000) throw new Error('the target stopped catching up');
      await sleep(5);
    }
  })();
  const start = Date.now();
  let id = firstId;
  for (let k = 0; Date.now() - start < seconds * 1000; k++) {
    const due = start + k * interval;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    await src.exec(`INSERT INTO ${table} (id, v, note) VALUES ${values(id, perTx)}`);
    commits.push({ id: id + perTx - 1, at: Date.now() });
    id += perTx;
  }
  const achieved = ((id - firstId) / (Date.now() - start)) * 1000;
  stop = true;
  await poller;
  lags.sort((a, b) => a - b);
  const pct = (p: number): number => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]!;
  return { p50: pct(50), p99: pct(99), max: lags[lags.length - 1]!, achieved };
}
