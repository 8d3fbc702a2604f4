/**
 * Rules of event subscriptions. OpenDMS stores them and says in its log which ones an event
 * would be published to (see event-recorder.ts); it has no SNS, so nothing is delivered and a
 * new subscription is 'active' at once, with no confirmation step.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { formatArn } from '../shared/arn.js';
import { alreadyExists, notFound, quotaExceeded } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { categoriesOf, checkCategories, checkSourceType } from './categories.js';
import type { EventSubscriptionRecord } from './record.js';
import { checkSnsTopicArn } from './sns-topic-arn.js';
import { subscriptionTime } from './subscription-mapper.js';

export interface SubscriptionInput {
  readonly name: string;
  readonly snsTopicArn: string;
  readonly sourceType?: string;
  readonly eventCategories?: readonly string[];
  readonly sourceIds?: readonly string[];
  readonly enabled?: boolean;
  readonly tags?: readonly Tag[];
}

export interface SubscriptionChanges {
  readonly snsTopicArn?: string;
  readonly sourceType?: string;
  readonly eventCategories?: readonly string[];
  readonly enabled?: boolean;
}

export class SubscriptionService {
  constructor(private readonly deps: ControlDeps) {}

  create(scope: Scope, input: SubscriptionInput): EventSubscriptionRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    // "This name must be less than 255 characters."
    const name = checkIdentifier('SubscriptionName', input.name, 254).toLowerCase();
    const snsTopicArn = checkSnsTopicArn(input.snsTopicArn);
    const sourceType = input.sourceType === undefined ? undefined : checkSourceType('SourceType', input.sourceType);
    const eventCategories = checkCategories('EventCategories', input.eventCategories ?? [], sourceType);
    if (input.sourceIds?.length && sourceType === undefined) {
      throw invalidCombination('SourceIds need a SourceType (replication-instance | replication-task) that says what kind of source they name.');
    }
    const arn = formatArn(scope, 'es', name);
    return store.tx(() => {
      if (repos.eventSubscriptions.byIdentifier(scope, name)) throw alreadyExists('Event subscription', name, arn);
      const max = settings.quotas.EventSubscriptions ?? Infinity;
      if (repos.eventSubscriptions.count(scope) >= max) throw quotaExceeded('EventSubscriptions', max);
      const record: EventSubscriptionRecord = {
        arn,
        identifier: name,
        customerAwsId: scope.account,
        snsTopicArn,
        status: 'active',
        createdAt: subscriptionTime(clock.now()),
        ...(sourceType !== undefined ? { sourceType } : {}),
        sourceIds: this.sourceIds(scope, sourceType, input.sourceIds ?? []),
        eventCategories,
        enabled: input.enabled ?? true,
      };
      repos.eventSubscriptions.insert(scope, record);
      tags.attach(arn, input.tags);
      return record;
    });
  }

  modify(scope: Scope, name: string, changes: SubscriptionChanges): EventSubscriptionRecord {
    const { repos, store } = this.deps;
    const snsTopicArn = changes.snsTopicArn === undefined ? undefined : checkSnsTopicArn(changes.snsTopicArn);
    const newType = changes.sourceType === undefined ? undefined : checkSourceType('SourceType', changes.sourceType);
    return store.tx(() => {
      const current = this.get(scope, name);
      const sourceType = newType ?? current.sourceType;
      if (newType !== undefined && newType !== current.sourceType && current.sourceIds.length > 0) {
        // ModifyEventSubscription cannot change SourceIds, and ids of one type never name a source of another.
        throw invalidCombination(
          `Event subscription ${current.identifier} names SourceIds (${current.sourceIds.join(', ')}) of ${current.sourceType}; they cannot apply to ${newType}. Delete the subscription and create it again with the new SourceType and SourceIds.`,
        );
      }
      let eventCategories: string[];
      if (changes.eventCategories !== undefined) {
        eventCategories = checkCategories('EventCategories', changes.eventCategories, sourceType);
      } else {
        const stale = current.eventCategories.filter((c) => !categoriesOf(sourceType).includes(c));
        if (stale.length > 0) {
          throw invalidParameter(
            `The subscription's EventCategories (${stale.join(', ')}) are not categories of ${sourceType}; pass EventCategories valid for ${sourceType} together with the new SourceType.`,
          );
        }
        eventCategories = [...current.eventCategories];
      }
      const next: EventSubscriptionRecord = {
        ...current,
        ...(snsTopicArn !== undefined ? { snsTopicArn } : {}),
        ...(sourceType !== undefined ? { sourceType } : {}),
        eventCategories,
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      };
      return repos.eventSubscriptions.update(next);
    });
  }

  /** Deletes the subscription and its tags; returns it as DMS does, with Status 'deleting'. */
  delete(scope: Scope, name: string): EventSubscriptionRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, name);
      repos.eventSubscriptions.delete(current.arn);
      tags.removeAll(current.arn);
      return { ...current, status: 'deleting' };
    });
  }

  get(scope: Scope, name: string): EventSubscriptionRecord {
    const found = this.deps.repos.eventSubscriptions.byIdentifier(scope, name.toLowerCase());
    if (!found) throw notFound('Event subscription', name);
    return found;
  }

  list(scope: Scope): EventSubscriptionRecord[] {
    return this.deps.repos.eventSubscriptions.list(scope);
  }

  /**
   * Source ids are stored lowercase, like the identifiers they name. Replication instances
   * must exist (ResourceNotFoundFault otherwise); replication tasks are taken as given, as
   * OpenDMS keeps no task records yet.
   */
  private sourceIds(scope: Scope, sourceType: string | undefined, ids: readonly string[]): string[] {
    const out = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (sourceType === 'replication-instance') {
      for (const id of out) {
        if (!this.deps.repos.instances.byIdentifier(scope, id)) throw notFound('Replication instance', id);
      }
    }
    return out;
  }
}
