/** Event subscription record -> AWS shape. Empty lists are left out, as DMS's responses do. */
import type { EventSubscription } from '../../api/generated/shapes.js';
import type { EventSubscriptionRecord } from './record.js';

export function toEventSubscription(r: EventSubscriptionRecord): EventSubscription {
  return {
    CustomerAwsId: r.customerAwsId,
    CustSubscriptionId: r.identifier,
    SnsTopicArn: r.snsTopicArn,
    Status: r.status,
    SubscriptionCreationTime: r.createdAt,
    ...(r.sourceType !== undefined ? { SourceType: r.sourceType } : {}),
    ...(r.sourceIds.length > 0 ? { SourceIdsList: [...r.sourceIds] } : {}),
    ...(r.eventCategories.length > 0 ? { EventCategoriesList: [...r.eventCategories] } : {}),
    Enabled: r.enabled,
  };
}

/** DMS's SubscriptionCreationTime: "2020-05-21 22:28:51.924", UTC without a zone. */
export function subscriptionTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
