/**
 * Scheduled lifecycle steps (e.g. "instance X becomes available at T"), persisted so a step
 * that was due while the server was down runs after the restart. One job per (kind, key).
 */
import type { Store } from './store.js';

export interface JobRecord {
  readonly id: number;
  readonly kind: string;
  readonly key: string;
  readonly dueMs: number;
  readonly payload: unknown;
}

export class JobRepository {
  constructor(private readonly store: Store) {}

  /** Schedules (or reschedules) the job for (kind, key). */
  put(kind: string, key: string, dueMs: number, payload: unknown): void {
    this.store.db
      .prepare('INSERT INTO jobs(kind, key, due_ms, payload) VALUES (?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET due_ms = excluded.due_ms, payload = excluded.payload')
      .run(kind, key, dueMs, JSON.stringify(payload ?? null));
  }

  due(nowMs: number, limit = 50): JobRecord[] {
    const rows = this.store.db.prepare('SELECT id, kind, key, due_ms, payload FROM jobs WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?').all(nowMs, limit) as {
      id: number; kind: string; key: string; due_ms: number; payload: string;
    }[];
    return rows.map((r) => ({ id: r.id, kind: r.kind, key: r.key, dueMs: r.due_ms, payload: JSON.parse(r.payload) as unknown }));
  }

  nextDueMs(): number | undefined {
    const row = this.store.db.prepare('SELECT min(due_ms) AS d FROM jobs').get() as { d: number | null };
    return row.d ?? undefined;
  }

  /** Removes a job that ran, unless it was rescheduled meanwhile (its due time moved). */
  complete(job: JobRecord): void {
    this.store.db.prepare('DELETE FROM jobs WHERE id = ? AND due_ms = ?').run(job.id, job.dueMs);
  }

  cancel(kind: string, key: string): void {
    this.store.db.prepare('DELETE FROM jobs WHERE kind = ? AND key = ?').run(kind, key);
  }
}
