/**
 * What every control module receives from the composition root: the store and its
 * repositories, the scheduler, the event recorder, the clock and the settings. Modules
 * return their handler table; only app.ts builds this.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Store } from '../store/store.js';
import type { TagService } from './tags/tag-service.js';
import type { Scheduler } from './lifecycle/scheduler.js';
import type { EventRecorder } from './events/event-recorder.js';
import type { Repositories } from './repositories.js';

export interface ControlSettings {
  readonly provisioningDelayMs: number;
  /** Idle time before a stopped serverless replication is deprovisioned (ReplicationDeprovisionTime). */
  readonly replicationDeprovisionMs: number;
  readonly quotas: Readonly<Record<string, number>>;
  readonly dataDir: string;
  readonly resultsDir: string;
}

export interface ControlDeps {
  readonly store: Store;
  readonly repos: Repositories;
  readonly tags: TagService;
  readonly events: EventRecorder;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: ControlSettings;
}
