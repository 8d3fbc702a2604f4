/**
 * One repository per aggregate kind, over the `resources` table: a record is a JSON document
 * keyed by ARN, unique per (kind, account, region, identifier), ordered by creation.
 */
import type { Store } from './store.js';

export interface ScopeKey {
  readonly account: string;
  readonly region: string;
}

/** What every stored resource record carries. */
export interface ResourceRecord {
  readonly arn: string;
  readonly identifier: string;
}

interface Row {
  data: string;
}

export class ResourceRepository<T extends ResourceRecord> {
  constructor(
    private readonly store: Store,
    readonly kind: string,
  ) {}

  get(arn: string): T | undefined {
    const row = this.store.db.prepare('SELECT data FROM resources WHERE arn = ? AND kind = ?').get(arn, this.kind) as Row | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** The record with this ARN if it belongs to the scope; other accounts' records are invisible. */
  getInScope(scope: ScopeKey, arn: string): T | undefined {
    const row = this.store.db
      .prepare('SELECT data FROM resources WHERE arn = ? AND kind = ? AND account = ? AND region = ?')
      .get(arn, this.kind, scope.account, scope.region) as Row | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  byIdentifier(scope: ScopeKey, identifier: string): T | undefined {
    const row = this.store.db
      .prepare('SELECT data FROM resources WHERE kind = ? AND account = ? AND region = ? AND identifier = ?')
      .get(this.kind, scope.account, scope.region, identifier) as Row | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** All records of this kind in a scope, oldest first. */
  list(scope: ScopeKey): T[] {
    const rows = this.store.db
      .prepare('SELECT data FROM resources WHERE kind = ? AND account = ? AND region = ? ORDER BY seq')
      .all(this.kind, scope.account, scope.region) as Row[];
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  /** Every record of this kind in every scope (for start-up recovery). */
  all(): T[] {
    const rows = this.store.db.prepare('SELECT data FROM resources WHERE kind = ? ORDER BY seq').all(this.kind) as Row[];
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  count(scope: ScopeKey): number {
    const row = this.store.db
      .prepare('SELECT count(*) AS n FROM resources WHERE kind = ? AND account = ? AND region = ?')
      .get(this.kind, scope.account, scope.region) as { n: number };
    return row.n;
  }

  insert(scope: ScopeKey, record: T): T {
    this.store.db
      .prepare('INSERT INTO resources(arn, kind, account, region, identifier, seq, data) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(record.arn, this.kind, scope.account, scope.region, record.identifier, this.store.nextSeq('resources'), JSON.stringify(record));
    return record;
  }

  /** Replaces a record (its identifier may change, e.g. a renamed instance). */
  update(record: T): T {
    const r = this.store.db
      .prepare('UPDATE resources SET data = ?, identifier = ? WHERE arn = ? AND kind = ?')
      .run(JSON.stringify(record), record.identifier, record.arn, this.kind);
    if (r.changes !== 1) throw new Error(`${this.kind} ${record.arn} is not stored`);
    return record;
  }

  delete(arn: string): boolean {
    return this.store.db.prepare('DELETE FROM resources WHERE arn = ? AND kind = ?').run(arn, this.kind).changes === 1;
  }
}
