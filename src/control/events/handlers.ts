/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { Filter } from '../../api/generated/shapes.js';
import type { ControlDeps } from '../deps.js';
import { noneMatch } from '../shared/faults.js';
import { applyFilters } from '../shared/filters.js';
import { paginate } from '../shared/pagination.js';
import { toEvent } from './event-mapper.js';
import type { EventService } from './event-service.js';
import { moveSubscriptionsToEventBridge } from './eventbridge-move.js';
import { toEventSubscription } from './subscription-mapper.js';
import type { SubscriptionService } from './subscription-service.js';

export function eventHandlers(deps: ControlDeps, events: EventService, subscriptions: SubscriptionService): HandlerTable {
  return {
    DescribeEventCategories: (input) => ({ EventCategoryGroupList: events.categories(input.SourceType, input.Filters) }),
    DescribeEvents: (input, { scope }) => {
      const page = events.describe(scope, input);
      return { Events: page.events.map(toEvent), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    CreateEventSubscription: (input, { scope }) => ({
      EventSubscription: toEventSubscription(
        subscriptions.create(scope, {
          name: input.SubscriptionName,
          snsTopicArn: input.SnsTopicArn,
          ...(input.SourceType !== undefined ? { sourceType: input.SourceType } : {}),
          ...(input.EventCategories !== undefined ? { eventCategories: input.EventCategories } : {}),
          ...(input.SourceIds !== undefined ? { sourceIds: input.SourceIds } : {}),
          ...(input.Enabled !== undefined ? { enabled: input.Enabled } : {}),
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    ModifyEventSubscription: (input, { scope }) => ({
      EventSubscription: toEventSubscription(
        subscriptions.modify(scope, input.SubscriptionName, {
          ...(input.SnsTopicArn !== undefined ? { snsTopicArn: input.SnsTopicArn } : {}),
          ...(input.SourceType !== undefined ? { sourceType: input.SourceType } : {}),
          ...(input.EventCategories !== undefined ? { eventCategories: input.EventCategories } : {}),
          ...(input.Enabled !== undefined ? { enabled: input.Enabled } : {}),
        }),
      ),
    }),
    DeleteEventSubscription: (input, { scope }) => ({ EventSubscription: toEventSubscription(subscriptions.delete(scope, input.SubscriptionName)) }),
    DescribeEventSubscriptions: (input, { scope }) => {
      const all = input.SubscriptionName !== undefined ? [subscriptions.get(scope, input.SubscriptionName)] : subscriptions.list(scope);
      // Subscription names are stored lowercase; compare the id filter the same way.
      const filters = input.Filters?.map((f): Filter => (f.Name === 'event-subscription-id' ? { Name: f.Name, Values: f.Values.map((v) => v.toLowerCase()) } : f));
      const matched = applyFilters(all, filters, { 'event-subscription-arn': (s) => s.arn, 'event-subscription-id': (s) => s.identifier }, 'DescribeEventSubscriptions');
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('event subscriptions');
      const page = paginate(matched, input, 'DescribeEventSubscriptions');
      return { EventSubscriptionsList: page.items.map(toEventSubscription), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    UpdateSubscriptionsToEventBridge: (input, { scope }) => ({ Result: moveSubscriptionsToEventBridge(deps, scope, input.ForceMove ?? false) }),
  };
}
