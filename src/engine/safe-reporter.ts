/**
 * A TaskReporter that never throws into the engine: a control-plane failure while recording
 * statistics must not fail a migration. Failures go to the server log. Checkpoints are the
 * exception: they throw, since losing one could lose changes.
 */
import { messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { TaskReporter } from './ports.js';

export function safeReporter(reporter: TaskReporter, log: Logger): TaskReporter {
  const guard = (what: string, taskArn: string, call: () => void): void => {
    try {
      call();
    } catch (err) {
      log.error(`task reporter failed (${what})`, { taskArn, error: messageOf(err) });
    }
  };
  return {
    running: (arn, runId) => guard('running', arn, () => reporter.running(arn, runId)),
    tables: (arn, runId, stats) => guard('tables', arn, () => reporter.tables(arn, runId, stats)),
    progress: (arn, runId, p) => guard('progress', arn, () => reporter.progress(arn, runId, p)),
    finished: (arn, runId, outcome) => guard('finished', arn, () => reporter.finished(arn, runId, outcome)),
    // Not guarded: a checkpoint that could not be persisted must stop the run before the
    // source is told it may discard the history.
    checkpoint: (arn, runId, position, latencyMs) => reporter.checkpoint(arn, runId, position, latencyMs),
  };
}
