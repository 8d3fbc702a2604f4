/**
 * Runs the individual assessments of one run: at most `concurrency` at once, each reported
 * to the observer as it starts and finishes, results in the order of the names asked for.
 *
 * Never rejects: a check that throws ends `error` with what went wrong (a connector's hint
 * as the advice); once the run's signal aborts, a check still running and every check not
 * started end `cancelled`, and the run returns at once (the checks' connections are closed
 * under them). The endpoints' connections are the run context's, closed at the end.
 */
import { raceAbort } from '../common/abort.js';
import { ConnectorError } from '../connectors/spi/index.js';
import { messageOf, OpenDmsError } from '../common/errors.js';
import { RunContext, type ConnectorLookup } from './run-context.js';
import type { AssessmentSubject, CheckVerdict, IndividualAssessment, IndividualResult, RunObserver } from './types.js';

export interface RunChecksOptions {
  readonly subject: AssessmentSubject;
  readonly names: readonly string[];
  readonly connectors: ConnectorLookup;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly observer: RunObserver;
  readonly now: () => Date;
}

/** runAssessments with the checks looked up by `lookup` (the catalog, or a test's fakes). */
export async function runChecks(o: RunChecksOptions, lookup: (name: string) => IndividualAssessment | undefined): Promise<IndividualResult[]> {
  const ctx = new RunContext(o.subject, o.connectors, o.signal);
  const results: IndividualResult[] = new Array<IndividualResult>(o.names.length);
  const at = (): string => o.now().toISOString();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.names.length) {
      const i = next++;
      const name = o.names[i]!;
      results[i] = await runOne(name, lookup(name), ctx, o, at);
    }
  };
  const workers = Math.max(1, Math.min(Number.isFinite(o.concurrency) ? Math.floor(o.concurrency) : 1, o.names.length));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await ctx.close();
  }
  return results;
}

async function runOne(name: string, check: IndividualAssessment | undefined, ctx: RunContext, o: RunChecksOptions, at: () => string): Promise<IndividualResult> {
  if (o.signal.aborted) {
    const now = at();
    return finish(o.observer, { name, status: 'cancelled', summary: 'The assessment run was cancelled before this assessment started.', findings: [], startedAt: now, finishedAt: now });
  }
  const startedAt = at();
  quietly(() => o.observer.started(name, startedAt));
  let verdict: CheckVerdict;
  try {
    if (!check) throw new OpenDmsError('assessment-unknown', `OpenDMS has no individual assessment named ${name}`);
    // A check blocked in a query must not hold a cancelled run.
    verdict = await raceAbort(check.run(ctx), o.signal);
  } catch (err) {
    verdict = o.signal.aborted ? { status: 'cancelled', summary: 'The assessment run was cancelled while this assessment was running.', findings: [] } : errorVerdict(err);
  }
  return finish(o.observer, { name, ...verdict, startedAt, finishedAt: at() });
}

/** What a failed check says: the connector's classified message and hint, or the error's message. */
function errorVerdict(err: unknown): CheckVerdict {
  if (err instanceof ConnectorError) return { status: 'error', summary: `The assessment could not be completed: ${sentence(err.message)}`, advice: err.hint, findings: [] };
  return { status: 'error', summary: `The assessment could not be completed: ${sentence(messageOf(err))}`, findings: [] };
}

const sentence = (s: string): string => (/[.!?]$/.test(s) ? s : `${s}.`);

function finish(observer: RunObserver, result: IndividualResult): IndividualResult {
  quietly(() => observer.finished(result));
  return result;
}

/** An observer's failure (a store write) must not turn into a check's result or stop the run. */
function quietly(f: () => void): void {
  try {
    f();
  } catch {
    // The control plane logs its own failures; the run goes on.
  }
}

