/**
 * Runs background attempts (connection tests, schema refreshes) that must survive a
 * restart and stop on shutdown:
 * - an attempt is a persisted scheduler step, so one that was due or running when the
 *   server stopped runs again after the restart (`recover`, from the records' status);
 * - the step itself only starts the work and returns, so a slow database never holds the
 *   scheduler's other steps; the work runs through `connectors.submit`, which aborts it on
 *   shutdown and waits for its connections to close;
 * - the step is idempotent: it runs only while the record still names this attempt, and
 *   never twice at once in this process.
 */
import type { Connectors } from '../../connectors/registry.js';
import { messageOf } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Scheduler } from '../lifecycle/scheduler.js';

export interface AttemptWork {
  /** The attempt id the record names while it is still to be run, else undefined. */
  current(key: string): string | undefined;
  /** Does the work and writes the result back if the attempt is still current. */
  run(key: string, attemptId: string, signal: AbortSignal): Promise<void>;
}

export class BackgroundAttempts {
  private readonly inFlight = new Map<string, { attemptId: string; controller: AbortController }>();

  constructor(
    private readonly kind: string,
    private readonly deps: { scheduler: Scheduler; log: Logger },
    private readonly connectors: Connectors,
    private readonly work: AttemptWork,
  ) {
    deps.scheduler.on(kind, (job) => this.start(job.key));
  }

  /**
   * Starts the attempt the record now names, at once. The persisted step is a safety net:
   * when it runs, the attempt is already in flight or done, and it does nothing.
   */
  begin(key: string): void {
    this.deps.scheduler.schedule(this.kind, key, 0);
    this.start(key);
  }

  /**
   * Re-runs attempts whose records were left running by a stop or a crash: only persisted
   * here, so they start with the scheduler, once the server is up.
   */
  recover(keys: readonly string[]): void {
    for (const key of keys) this.deps.scheduler.schedule(this.kind, key, 0);
  }

  private start(key: string): void {
    const attemptId = this.work.current(key);
    if (attemptId === undefined) return;
    const running = this.inFlight.get(key);
    if (running?.attemptId === attemptId) return;
    // A newer attempt supersedes the one in flight, whose result would be discarded.
    running?.controller.abort(new Error('superseded'));
    const controller = new AbortController();
    const submitted = this.connectors.submit(async (shutdown) => {
      try {
        await this.work.run(key, attemptId, AbortSignal.any([shutdown, controller.signal]));
      } catch (err) {
        // Aborts are expected (shutdown, superseded); the record stays as it is and a
        // shutdown's attempt is recovered on the next start.
        if (!controller.signal.aborted && !shutdown.aborted) this.deps.log.error('background attempt failed', { kind: this.kind, key, error: messageOf(err) });
      } finally {
        if (this.inFlight.get(key)?.controller === controller) this.inFlight.delete(key);
      }
    });
    if (submitted) this.inFlight.set(key, { attemptId, controller });
  }
}
