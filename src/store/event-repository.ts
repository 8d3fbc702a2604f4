/** The event history DescribeEvents reads: one row per lifecycle event of a resource. */
import type { Store } from './store.js';
import type { ScopeKey } from './resource-repository.js';

export interface EventRecord {
  readonly sourceType: string;
  readonly sourceIdentifier: string;
  readonly sourceArn: string;
  readonly categories: readonly string[];
  readonly message: string;
  readonly dateMs: number;
}

export interface EventQuery {
  readonly sourceType?: string;
  readonly sourceIdentifier?: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export class EventRepository {
  constructor(private readonly store: Store) {}

  append(scope: ScopeKey, e: EventRecord): void {
    this.store.db
      .prepare('INSERT INTO events(account, region, source_type, source_id, source_arn, categories, message, date_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(scope.account, scope.region, e.sourceType, e.sourceIdentifier, e.sourceArn, JSON.stringify(e.categories), e.message, e.dateMs);
  }

  query(scope: ScopeKey, q: EventQuery): EventRecord[] {
    const rows = this.store.db
      .prepare(
        `SELECT source_type, source_id, source_arn, categories, message, date_ms FROM events
         WHERE account = ? AND region = ? AND date_ms >= ? AND date_ms <= ?
           AND (? IS NULL OR source_type = ?) AND (? IS NULL OR source_id = ?)
         ORDER BY id`,
      )
      .all(scope.account, scope.region, q.fromMs, q.toMs, q.sourceType ?? null, q.sourceType ?? null, q.sourceIdentifier ?? null, q.sourceIdentifier ?? null) as {
      source_type: string; source_id: string; source_arn: string; categories: string; message: string; date_ms: number;
    }[];
    return rows.map((r) => ({
      sourceType: r.source_type,
      sourceIdentifier: r.source_id,
      sourceArn: r.source_arn,
      categories: JSON.parse(r.categories) as string[],
      message: r.message,
      dateMs: r.date_ms,
    }));
  }
}
