/** Stored event -> AWS shape. */
import type { Event, SourceType } from '../../api/generated/shapes.js';
import type { EventRecord } from '../../store/event-repository.js';

export function toEvent(e: EventRecord): Event {
  return {
    SourceIdentifier: e.sourceIdentifier,
    // The model's enum lists only replication-instance; task events carry replication-task as DMS sends it.
    SourceType: e.sourceType as SourceType,
    Message: e.message,
    EventCategories: [...e.categories],
    Date: new Date(e.dateMs),
  };
}
