/**
 * DMS Serverless replications (start, stop, describe, table statistics, reload), wired by
 * app.ts. They run on the task runtime: `runs` is the replication tasks' TaskRuns.
 */
import type { HandlerTable } from '../../api/dispatch.js';
import type { Connectors } from '../../connectors/registry.js';
import type { ControlDeps } from '../deps.js';
import type { AssessmentRunService } from '../assessment-runs/run-service.js';
import type { TaskRuns } from '../replication-tasks/task-runs.js';
import { replicationHandlers } from './handlers.js';
import { ReplicationService } from './replication-service.js';
import { ReplicationSteps } from './replication-steps.js';
import { preRunStages } from './record.js';

export function replicationModule(deps: ControlDeps, shared: { runs: TaskRuns; connectors: Connectors; assessmentRuns: AssessmentRunService }): { handlers: HandlerTable; service: ReplicationService } {
  const steps = new ReplicationSteps(deps, shared.runs, shared.connectors, shared.assessmentRuns);
  // Registered before app.ts starts the scheduler, so steps due during a restart find their handler.
  steps.register();
  // A start interrupted by a restart in a step that was waiting on the source (capacity) goes on.
  deps.store.tx(() => {
    for (const r of deps.repos.replications.all()) if ((preRunStages as readonly string[]).includes(r.stage)) steps.schedule(r);
  });
  const service = new ReplicationService(deps, shared.runs, shared.connectors, (r) => steps.schedule(r), shared.assessmentRuns);
  return { handlers: replicationHandlers(deps, service), service };
}
