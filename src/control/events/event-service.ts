/** DescribeEvents and DescribeEventCategories: reads of the event history and the category table. */
import type { Scope } from '../../api/dispatch.js';
import type { DescribeEventsMessage, EventCategoryGroup, Filter } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { EventRepository, StoredEvent } from '../../store/event-repository.js';
import type { Clock } from '../../common/clock.js';
import { standardPage } from '../shared/pagination.js';
import { checkCategories, checkSourceType, eventCategories, eventSourceTypes } from './categories.js';
import { decodeEventMarker, encodeEventMarker } from './event-marker.js';
import { eventWindow } from './event-window.js';

/** The only filter DMS documents for DescribeEvents. */
const instanceIdFilter = 'replication-instance-id';

export interface EventPage {
  readonly events: StoredEvent[];
  readonly marker?: string;
}

export class EventService {
  constructor(
    private readonly repo: EventRepository,
    private readonly clock: Clock,
  ) {}

  categories(sourceType: string | undefined, filters: readonly Filter[] | undefined): EventCategoryGroup[] {
    if (filters && filters.length > 0) {
      // The model carries Filters, but DMS documents no filter name for this operation.
      throw invalidParameter(
        `Filter name '${filters[0]!.Name}' is not valid for DescribeEventCategories: it has no filters. Use SourceType (${eventSourceTypes.join(' | ')}) to narrow the list.`,
      );
    }
    const types = sourceType === undefined ? eventSourceTypes : [checkSourceType('SourceType', sourceType)];
    return types.map((t) => ({ SourceType: t, EventCategories: [...(eventCategories[t] ?? [])] }));
  }

  describe(scope: Scope, input: DescribeEventsMessage): EventPage {
    const window = eventWindow(input, this.clock.now());
    const categories = input.EventCategories?.length ? checkCategories('EventCategories', input.EventCategories, input.SourceType) : undefined;
    let sourceIdentifiers: string[] | undefined;
    let sourceType: string | undefined = input.SourceType;
    for (const f of input.Filters ?? []) {
      if (f.Name !== instanceIdFilter) {
        throw invalidParameter(`Filter name '${f.Name}' is not valid for DescribeEvents; the only valid name is ${instanceIdFilter}.`);
      }
      // Several filters combine with AND: an event must match a value of each.
      sourceIdentifiers = sourceIdentifiers === undefined ? [...f.Values] : sourceIdentifiers.filter((v) => f.Values.some((w) => w.toLowerCase() === v.toLowerCase()));
      sourceType = 'replication-instance';
    }
    const size = input.MaxRecords ?? standardPage.default;
    if (size < standardPage.min || size > standardPage.max) {
      throw invalidParameter(`MaxRecords must be between ${standardPage.min} and ${standardPage.max} for DescribeEvents; got ${size}.`);
    }
    const afterId = input.Marker ? decodeEventMarker(input.Marker) : 0;
    // One row more than the page tells whether another page follows.
    const rows = this.repo.page(scope, {
      ...window,
      ...(sourceType !== undefined ? { sourceType } : {}),
      ...(input.SourceIdentifier !== undefined ? { sourceIdentifier: input.SourceIdentifier } : {}),
      ...(sourceIdentifiers !== undefined ? { sourceIdentifiers } : {}),
      ...(categories !== undefined ? { categories } : {}),
      afterId,
      limit: size + 1,
    });
    if (rows.length <= size) return { events: rows };
    const events = rows.slice(0, size);
    return { events, marker: encodeEventMarker(events[events.length - 1]!.id) };
  }
}
