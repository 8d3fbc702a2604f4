/**
 * Records the lifecycle events of resources for DescribeEvents (and the subscriptions that
 * would be notified). Services call it in the same transaction as the status change.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Clock } from '../../common/clock.js';
import type { EventRepository } from '../../store/event-repository.js';

export interface ResourceEvent {
  /** 'replication-instance' or 'replication-task' (DMS's source types). */
  readonly sourceType: string;
  readonly sourceIdentifier: string;
  readonly sourceArn: string;
  readonly categories: readonly string[];
  readonly message: string;
}

export class EventRecorder {
  constructor(
    private readonly repo: EventRepository,
    private readonly clock: Clock,
  ) {}

  record(scope: Scope, e: ResourceEvent): void {
    this.repo.append(scope, { ...e, dateMs: this.clock.now().getTime() });
  }
}
