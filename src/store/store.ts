/**
 * The embedded control-plane store: SQLite in the data folder (WAL, synchronous=FULL), so a
 * committed change survives a restart and a kill -9. Everything above it goes through
 * repositories, so the same control plane can later sit on PostgreSQL.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './migrations.js';

export type Db = Database.Database;

export class Store {
  readonly db: Db;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'opendms.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`the data folder was written by a newer OpenDMS (store version ${current}, this one knows ${migrations.length}); upgrade OpenDMS`);
    }
    for (let v = current; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A strictly increasing number, persisted: creation order for pagination. */
  nextSeq(name: string): number {
    const row = this.db
      .prepare('INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value')
      .get(name) as { value: number };
    return row.value;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
