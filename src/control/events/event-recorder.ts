/**
 * Records the lifecycle events of resources for DescribeEvents, and says which subscriptions
 * would be notified. Services call it in the same transaction as the status change.
 *
 * There is no SNS in OpenDMS: a matching subscription gets an info log line naming its topic,
 * never a delivery. The line is written when the event is recorded, so an event whose
 * transaction later rolls back may still have been logged.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventRepository } from '../../store/event-repository.js';
import type { EventSubscriptionRecord } from './record.js';
import { matchingSubscriptions } from './subscription-matching.js';

export interface ResourceEvent {
  /** 'replication-instance' or 'replication-task' (DMS's source types). */
  readonly sourceType: string;
  readonly sourceIdentifier: string;
  readonly sourceArn: string;
  /** Names from categories.ts, e.g. 'creation'. */
  readonly categories: readonly string[];
  readonly message: string;
}

/** Where the recorder finds the subscriptions of a scope, and where it says what it would publish. */
export interface SubscriptionNotices {
  readonly subscriptions: { list(scope: Scope): EventSubscriptionRecord[] };
  readonly log: Logger;
}

export class EventRecorder {
  constructor(
    private readonly repo: EventRepository,
    private readonly clock: Clock,
    private readonly notices?: SubscriptionNotices,
  ) {}

  record(scope: Scope, e: ResourceEvent): void {
    this.repo.append(scope, { ...e, dateMs: this.clock.now().getTime() });
    if (!this.notices) return;
    for (const sub of matchingSubscriptions(this.notices.subscriptions.list(scope), e)) {
      // Identifiers, ARNs and the event's own message only: no inputs, so no secrets.
      this.notices.log.info(`event would be published to ${sub.snsTopicArn} (SNS delivery is not available in OpenDMS)`, {
        subscription: sub.identifier,
        sourceType: e.sourceType,
        sourceIdentifier: e.sourceIdentifier,
        categories: e.categories,
        eventMessage: e.message,
      });
    }
  }
}
