/**
 * Which subscriptions an event concerns, by DMS's rules: an enabled subscription matches when
 * its source type is absent or equal to the event's, its source ids are empty or name the
 * event's source, and its categories are empty or share one with the event. Pure, so the
 * rules are tested on their own.
 */
import type { EventSubscriptionRecord } from './record.js';

export interface MatchableEvent {
  readonly sourceType: string;
  readonly sourceIdentifier: string;
  readonly categories: readonly string[];
}

export type MatchableSubscription = Pick<EventSubscriptionRecord, 'enabled' | 'sourceType' | 'sourceIds' | 'eventCategories' | 'movedToEventBridgeAt'>;

export function subscriptionMatches(sub: MatchableSubscription, event: MatchableEvent): boolean {
  // A subscription moved to EventBridge is no longer an SNS subscription in DMS.
  if (!sub.enabled || sub.movedToEventBridgeAt !== undefined) return false;
  if (sub.sourceType !== undefined && sub.sourceType !== event.sourceType) return false;
  const source = event.sourceIdentifier.toLowerCase();
  if (sub.sourceIds.length > 0 && !sub.sourceIds.some((id) => id.toLowerCase() === source)) return false;
  if (sub.eventCategories.length > 0) {
    const categories = event.categories.map((c) => c.toLowerCase());
    if (!sub.eventCategories.some((c) => categories.includes(c.toLowerCase()))) return false;
  }
  return true;
}

export function matchingSubscriptions<S extends MatchableSubscription>(subs: readonly S[], event: MatchableEvent): S[] {
  return subs.filter((s) => subscriptionMatches(s, event));
}
