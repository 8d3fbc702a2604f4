/** Replication tasks (create, modify, move, delete, start, stop, reload, statistics), wired by app.ts. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { Connectors } from '../../connectors/registry.js';
import type { TaskEngine } from '../../engine/ports.js';
import type { ControlDeps } from '../deps.js';
import { replicationTaskHandlers } from './handlers.js';
import type { ControlTaskReporter } from './task-reporter.js';
import { TaskRuns } from './task-runs.js';
import { TaskService, type TaskLogFiles } from './task-service.js';
import { TaskSteps } from './task-steps.js';

export function replicationTaskModule(
  deps: ControlDeps,
  shared: { engine: TaskEngine; reporter: ControlTaskReporter; taskLogs: TaskLogFiles; connectors: Connectors },
): { handlers: HandlerTable; runs: TaskRuns } {
  const steps = new TaskSteps(deps);
  // Registered before app.ts starts the scheduler, so steps due during a restart find their handler.
  steps.register();
  // Runs do not survive the process: tasks a previous process left running are settled first,
  // then resumed where they stopped (resume-processing).
  const interrupted = shared.reporter.recoverInterruptedRuns();
  const service = new TaskService(deps, steps, shared.taskLogs);
  const runs = new TaskRuns(deps, service, shared.engine, shared.reporter, shared.connectors);
  runs.resumeInterrupted(interrupted);
  return { handlers: replicationTaskHandlers(deps, service, runs), runs };
}
