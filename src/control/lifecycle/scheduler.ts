/**
 * Runs persisted lifecycle steps when they fall due (creating -> available after the
 * provisioning delay, ...). Jobs live in the store, so a step due during a restart runs
 * right after it.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { JobRepository, JobRecord } from '../../store/job-repository.js';

export type JobHandler = (job: JobRecord) => void | Promise<void>;

export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  on(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Schedules (or moves) the step `kind` for `key` to run after `delayMs`. */
  schedule(kind: string, key: string, delayMs: number, payload: unknown = null): void {
    this.jobs.put(kind, key, this.clock.now().getTime() + delayMs, payload);
    this.wake();
  }

  cancel(kind: string, key: string): void {
    this.jobs.cancel(kind, key);
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops polling and waits for the step in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  private wake(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.jobs.nextDueMs();
    if (next === undefined) return;
    const delay = Math.max(0, next - this.clock.now().getTime());
    this.timer = setTimeout(() => {
      this.idle = this.runDue();
    }, Math.min(delay, 60_000));
  }

  private async runDue(): Promise<void> {
    this.running = true;
    try {
      for (const job of this.jobs.due(this.clock.now().getTime())) {
        if (this.stopped) return;
        const handler = this.handlers.get(job.kind);
        // A step is removed only after it ran, so a crash mid-step runs it again after the
        // restart; handlers are idempotent (they check the current status first).
        try {
          if (handler) await handler(job);
          else this.log.error('no handler for scheduled step; dropped', { kind: job.kind, key: job.key });
        } catch (err) {
          this.log.error('scheduled step failed', { kind: job.kind, key: job.key, error: (err as Error)?.stack ?? String(err) });
        }
        this.jobs.complete(job);
      }
    } finally {
      this.running = false;
      this.wake();
    }
  }
}
