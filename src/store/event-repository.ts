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

/** DescribeEvents' query: time window, source and category filters, paged by event id. */
export interface EventPageQuery {
  readonly sourceType?: string;
  readonly sourceIdentifier?: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Events having any of these categories (case-insensitive). */
  readonly categories?: readonly string[];
  /** Events whose source identifier is any of these (case-insensitive). */
  readonly sourceIdentifiers?: readonly string[];
  /** Only events stored after this id (the last id of the previous page). */
  readonly afterId?: number;
  readonly limit: number;
}

/** An event with its id, the stable order DescribeEvents pages by. */
export interface StoredEvent extends EventRecord {
  readonly id: number;
}

export class EventRepository {
  constructor(private readonly store: Store) {}

  append(scope: ScopeKey, e: EventRecord): void {
    this.store.db
      .prepare('INSERT INTO events(account, region, source_type, source_id, source_arn, categories, message, date_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(scope.account, scope.region, e.sourceType, e.sourceIdentifier, e.sourceArn, JSON.stringify(e.categories), e.message, e.dateMs);
  }

  /**
   * One page of events in the order they were recorded. Paging by id rather than offset keeps
   * pages stable while new events are appended.
   */
  page(scope: ScopeKey, q: EventPageQuery): StoredEvent[] {
    const json = (v: readonly string[] | undefined): string | null => (v === undefined ? null : JSON.stringify(v));
    const rows = this.store.db
      .prepare(
        `SELECT id, source_type, source_id, source_arn, categories, message, date_ms FROM events
         WHERE account = ? AND region = ? AND date_ms >= ? AND date_ms <= ? AND id > ?
           AND (? IS NULL OR source_type = ?)
           AND (? IS NULL OR lower(source_id) = lower(?))
           AND (? IS NULL OR lower(source_id) IN (SELECT lower(value) FROM json_each(?)))
           AND (? IS NULL OR EXISTS (SELECT 1 FROM json_each(events.categories) c WHERE lower(c.value) IN (SELECT lower(value) FROM json_each(?))))
         ORDER BY id
         LIMIT ?`,
      )
      .all(
        scope.account, scope.region, q.fromMs, q.toMs, q.afterId ?? 0,
        q.sourceType ?? null, q.sourceType ?? null,
        q.sourceIdentifier ?? null, q.sourceIdentifier ?? null,
        json(q.sourceIdentifiers), json(q.sourceIdentifiers),
        json(q.categories), json(q.categories),
        q.limit,
      ) as { id: number; source_type: string; source_id: string; source_arn: string; categories: string; message: string; date_ms: number }[];
    return rows.map((r) => ({
      id: r.id,
      sourceType: r.source_type,
      sourceIdentifier: r.source_id,
      sourceArn: r.source_arn,
      categories: JSON.parse(r.categories) as string[],
      message: r.message,
      dateMs: r.date_ms,
    }));
  }
}
