/**
 * Being built: the supervisor that runs task attempts. Until the full-load runner lands, a
 * started run fails at once with a message that says so (never a fake success).
 */
import type { TaskEngine, TaskReporter, TaskRunSpec } from './ports.js';

export class TaskSupervisor implements TaskEngine {
  constructor(private readonly reporter: TaskReporter) {}

  start(spec: TaskRunSpec): void {
    queueMicrotask(() =>
      this.reporter.finished(spec.taskArn, spec.runId, {
        kind: 'failed',
        stopReason: 'Stop Reason FATAL_ERROR',
        message: 'The OpenDMS full-load engine is not implemented yet.',
      }),
    );
  }

  stop(_taskArn: string): Promise<void> {
    return Promise.resolve();
  }

  isRunning(_taskArn: string): boolean {
    return false;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
