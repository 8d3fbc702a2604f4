/**
 * Shared by the change data capture tests: a random source workload on an `items` table
 * (inserts, updates, primary-key changes, deletes, multi-statement transactions), a check
 * that the target caught up with the source (`items` and `notes`), and the clean-up of a
 * task's PostgreSQL replication slot (slots are cluster-wide and hold WAL until dropped).
 */
import assert from 'node:assert/strict';
import { pgExec } from './databases.js';

/** What the workload and the comparison need of a database (test/integration/engine-helpers.ts TestDb). */
export interface CdcTestDb {
  readonly engine: 'postgres' | 'mariadb';
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<(string | null)[][]>;
  q(table: string): string;
}

/** A random workload on the source: deterministic per seed, ids kept in step with the table. */
export class Workload {
  private next = 1_000_000;
  private state: number;
  readonly ids = new Set<number>();

  constructor(
    private readonly db: CdcTestDb,
    seed: number,
  ) {
    this.state = seed;
  }

  private rand(n: number): number {
    this.state = (this.state * 1103515245 + 12345) % 2147483648;
    return this.state % n;
  }

  private pick(): number | undefined {
    if (this.ids.size === 0) return undefined;
    const all = [...this.ids];
    return all[this.rand(all.length)];
  }

  /** `n` statements, some in multi-statement transactions. */
  async run(n: number): Promise<void> {
    const t = this.db.q('items');
    for (let i = 0; i < n; i++) {
      const op = this.rand(100);
      const id = this.pick();
      if (op < 45 || id === undefined) {
        const k = this.next++;
        await this.db.exec(`INSERT INTO ${t} (id, name, qty, price) VALUES (${k}, 'item ${k} ✓', ${this.rand(1000)}, ${this.rand(100000) / 100})`);
        this.ids.add(k);
      } else if (op < 75) {
        await this.db.exec(`UPDATE ${t} SET qty = qty + 1, name = 'upd ${i}' WHERE id = ${id}`);
      } else if (op < 82) {
        const k = this.next++;
        await this.db.exec(`UPDATE ${t} SET id = ${k} WHERE id = ${id}`);
        this.ids.delete(id);
        this.ids.add(k);
      } else if (op < 95) {
        await this.db.exec(`DELETE FROM ${t} WHERE id = ${id}`);
        this.ids.delete(id);
      } else {
        // A transaction of several changes.
        const k = this.next++;
        const stmts = [`INSERT INTO ${t} (id, name, qty, price) VALUES (${k}, NULL, 0, 0)`, `UPDATE ${t} SET name = '' WHERE id = ${k}`, `DELETE FROM ${t} WHERE id = ${id}`];
        await this.db.exec(this.db.engine === 'postgres' ? `BEGIN; ${stmts.join('; ')}; COMMIT` : `START TRANSACTION;\n${stmts.join(';\n')};\nCOMMIT`);
        this.ids.add(k);
        this.ids.delete(id);
      }
    }
  }
}

const itemsOf = (db: CdcTestDb): Promise<(string | null)[][]> =>
  db.rows(`SELECT id, name, qty, CAST(price AS ${db.engine === 'postgres' ? 'text' : 'char'}) FROM ${db.q('items')} ORDER BY id`);
const notesOf = (db: CdcTestDb): Promise<(string | null)[][]> => db.rows(`SELECT id, body FROM ${db.q('notes')} ORDER BY id`);

/**
 * Waits until the target's tables equal the source's. A target table that does not exist yet
 * (the full load has not created it on a busy machine) counts as not caught up yet.
 */
export async function converged(src: CdcTestDb, dst: CdcTestDb, what: string, log: () => string): Promise<void> {
  const end = Date.now() + 90_000;
  let last = '';
  for (;;) {
    const [a, c] = await Promise.all([itemsOf(src), notesOf(src)]);
    const target = await Promise.all([itemsOf(dst), notesOf(dst)]).catch((err: unknown) => err as Error);
    if (target instanceof Error) last = `the target cannot be read yet: ${target.message}`;
    else {
      const [b, d] = target;
      if (JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(c) === JSON.stringify(d)) return;
      last = `items: source ${a.length} rows, target ${b.length}; notes: source ${c.length}, target ${d.length}`;
    }
    if (Date.now() > end) assert.fail(`${what}: the target never caught up (${last})\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ends the reader of the task's slot (if any) and drops it. */
export async function dropTaskSlot(identifier: string): Promise<void> {
  const slot = `opendms_${identifier.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
  await pgExec(
    `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '${slot}' AND active_pid IS NOT NULL;
     SELECT pg_sleep(0.2);
     SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}';`,
  ).catch(() => undefined);
}

