/**
 * Premigration assessment runs (StartReplicationTaskAssessmentRun, Describe*, Cancel, Delete,
 * DescribeApplicableIndividualAssessments) and the older data-type assessment
 * (StartReplicationTaskAssessment, DescribeReplicationTaskAssessmentResults), wired by app.ts.
 */
import type { HandlerTable } from '../../api/dispatch.js';
import type { Connectors } from '../../connectors/registry.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ControlDeps } from '../deps.js';
import { DataTypeAssessments } from './data-type-assessment.js';
import { assessmentRunHandlers } from './handlers.js';
import { AssessmentRunExecutor } from './run-executor.js';
import { AssessmentRunService } from './run-service.js';

export function assessmentRunModule(deps: ControlDeps, shared: { connectors: Connectors; objects: ObjectStore }): { handlers: HandlerTable; service: AssessmentRunService } {
  const executor = new AssessmentRunExecutor(deps, shared.connectors, shared.objects);
  // Runs do not survive the process: those a previous one left under way end here, before any request.
  const settled = executor.recover();
  if (settled > 0) deps.log.warn('assessment runs interrupted by a restart were ended', { count: settled });
  const service = new AssessmentRunService(deps, shared.objects, executor);
  return { handlers: assessmentRunHandlers(deps, service, new DataTypeAssessments(deps, service, shared.objects)), service };
}
