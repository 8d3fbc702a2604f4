/**
 * Premigration individual assessments: the checks DMS names, run against the task's real
 * endpoints (read-only SQL through the connectors' inspectors, the source catalog, the
 * task's table mappings planned as the engine plans them), a runner and a report.
 */
import { assessmentByName } from './catalog.js';
import { runChecks } from './runner.js';
import type { Connector } from '../connectors/spi/index.js';
import type { AssessmentSubject, IndividualResult, RunObserver } from './types.js';

export * from './types.js';
export { assessmentNames, applicableAssessments } from './catalog.js';
export { renderReport } from './report.js';

export interface RunAssessmentsOptions {
  readonly subject: AssessmentSubject;
  /** Already validated as applicable by the caller. */
  readonly names: readonly string[];
  readonly connectors: { forEngine(engineName: string): Connector | undefined };
  /** At most this many checks at once. */
  readonly concurrency: number;
  /** Aborted = cancelled: checks not finished end 'cancelled'. */
  readonly signal: AbortSignal;
  /** started(name, iso) / finished(result) as they happen. */
  readonly observer: RunObserver;
  readonly now: () => Date;
}

/**
 * Runs the checks; never rejects; results in the order of `names`. A check that throws ends
 * 'error' with the message. Connections are opened lazily (CheckContext.source()/target(),
 * one inspector per side, shared) and closed at the end.
 */
export function runAssessments(o: RunAssessmentsOptions): Promise<IndividualResult[]> {
  return runChecks(o, assessmentByName);
}
