/** Tags of any resource, by ARN. Deleting a resource deletes its tags. */
import type { Store } from './store.js';

export interface TagRecord {
  readonly key: string;
  readonly value?: string;
}

export class TagRepository {
  constructor(private readonly store: Store) {}

  list(arn: string): TagRecord[] {
    const rows = this.store.db.prepare('SELECT key, value FROM tags WHERE arn = ? ORDER BY key').all(arn) as { key: string; value: string | null }[];
    return rows.map((r) => (r.value === null ? { key: r.key } : { key: r.key, value: r.value }));
  }

  put(arn: string, tags: readonly TagRecord[]): void {
    const stmt = this.store.db.prepare('INSERT INTO tags(arn, key, value) VALUES (?, ?, ?) ON CONFLICT(arn, key) DO UPDATE SET value = excluded.value');
    for (const t of tags) stmt.run(arn, t.key, t.value ?? null);
  }

  remove(arn: string, keys: readonly string[]): void {
    const stmt = this.store.db.prepare('DELETE FROM tags WHERE arn = ? AND key = ?');
    for (const k of keys) stmt.run(arn, k);
  }

  removeAll(arn: string): void {
    this.store.db.prepare('DELETE FROM tags WHERE arn = ?').run(arn);
  }
}
