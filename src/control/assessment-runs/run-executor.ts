/**
 * Runs premigration assessment runs in the background and moves them through their lifecycle
 * (run-lifecycle.ts):
 * - provisioning: the task's endpoints are resolved to connection values (the same
 *   endpoint-target code as connection tests and task runs) and the result location is probed;
 *   either failing ends the run `error-provisioning`, saying why;
 * - running: the individual assessments run concurrently (at most `concurrency` at once)
 *   against the real databases; each start and end is persisted as it happens, so
 *   AssessmentProgress and the individual statuses are live;
 * - the result files are written (result-files.ts), then the run ends with its status and the
 *   task returns from `testing`, in one transaction.
 *
 * The work runs through `connectors.submit`, so shutdown aborts it and waits for its database
 * connections to close. A shutdown leaves the records as they are (nothing more is written
 * once it began); `recover` settles them at the next start. A cancel aborts the same work
 * through the run's own controller: unfinished assessments end `cancelled`, and the run
 * `cancelled`.
 */
import { runAssessments, type AssessmentSubject, type EndpointUnderTest, type IndividualResult, type IndividualStatus, type RunObserver } from '../../assessment/index.js';
import { messageOf } from '../../common/errors.js';
import type { Connectors } from '../../connectors/registry.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { endpointTarget } from '../connections/endpoint-target.js';
import type { ControlDeps } from '../deps.js';
import { endTesting } from '../replication-tasks/task-testing.js';
import { activeRunStatuses, finishedIndividual, type AssessmentRunRecord, type IndividualRecord, type RunStatus } from './record.js';
import { resultLocation, writeResults } from './result-files.js';
import { overallStatus, runLifecycle } from './run-lifecycle.js';

/** How many individual assessments of one run run at once. */
export const assessmentConcurrency = 4;

export const restartMessage = (status: RunStatus): string =>
  `OpenDMS stopped while this assessment run was ${status}, so it did not finish and its result files were not written. Start a new assessment run (with another AssessmentRunName) to assess the task.`;

/** A reason the run cannot begin (endpoints, result location): the run ends `error-provisioning` with it. */
class ProvisioningProblem extends Error {}

export class AssessmentRunExecutor {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly deps: ControlDeps,
    private readonly connectors: Connectors,
    private readonly objects: ObjectStore,
  ) {}

  /** Starts the run's work; call after the transaction that recorded the run committed. */
  launch(arn: string): void {
    const controller = new AbortController();
    const submitted = this.connectors.submit(async (shutdown) => {
      try {
        await this.execute(arn, shutdown, controller.signal);
      } catch (err) {
        if (shutdown.aborted) return;
        this.deps.log.error('assessment run failed', { runArn: arn, error: (err as Error)?.stack ?? String(err) });
        this.finish(arn, () => ({ status: 'error-executing', message: `The assessment run stopped on an internal error: ${messageOf(err)}. Start a new assessment run; if it happens again, report it with the server log.` }));
      } finally {
        if (this.inFlight.get(arn) === controller) this.inFlight.delete(arn);
      }
    });
    // Not submitted: the server is closing; the run stays `starting` and is settled at the next start.
    if (submitted) this.inFlight.set(arn, controller);
  }

  /**
   * Aborts the run's work (CancelReplicationTaskAssessmentRun, after the run was moved to
   * `cancelling`). When no work is in flight here (it never got going), the run ends
   * `cancelled` at once.
   */
  cancel(arn: string): void {
    const controller = this.inFlight.get(arn);
    if (controller) {
      controller.abort(new Error('the assessment run was cancelled'));
      return;
    }
    this.finish(arn, () => ({ status: 'cancelled' }));
  }

  /**
   * At start-up, before any request: runs a previous process left under way end with a
   * message saying so (`starting`/`provisioning` -> error-provisioning, `running` ->
   * error-executing, `cancelling` -> cancelled); their unfinished assessments end `error`
   * (`cancelled` for a run being cancelled), and their tasks leave `testing`. A task left
   * `testing` without a run under way returns too.
   */
  recover(): number {
    const { store, repos } = this.deps;
    let settled = 0;
    store.tx(() => {
      for (const r of repos.assessmentRuns.all()) {
        if (!activeRunStatuses.includes(r.status)) continue;
        const status: RunStatus = r.status === 'cancelling' ? 'cancelled' : r.status === 'running' ? 'error-executing' : 'error-provisioning';
        this.end(r, status, status === 'cancelled' ? undefined : restartMessage(r.status));
        settled++;
      }
      for (const t of repos.tasks.all()) if (t.status === 'testing') endTesting(repos, t.arn);
    });
    return settled;
  }

  private async execute(arn: string, shutdown: AbortSignal, cancel: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([shutdown, cancel]);
    const { clock } = this.deps;

    // provisioning
    let run = this.update(arn, (r) => (r.status === 'starting' ? { ...r, status: runLifecycle.move(r.status, 'provisioning', r.name, 'provision') } : undefined));
    if (!run) return;
    if (run.status !== 'provisioning') return this.conclude(arn, [], shutdown);
    let subject: AssessmentSubject;
    try {
      subject = this.subjectOf(run);
      signal.throwIfAborted();
      await this.probe(run);
      signal.throwIfAborted();
    } catch (err) {
      if (shutdown.aborted) return;
      if (cancel.aborted) return this.conclude(arn, [], shutdown);
      if (!(err instanceof ProvisioningProblem)) throw err;
      this.finish(arn, () => ({ status: 'error-provisioning', message: err.message }));
      return;
    }

    // running
    run = this.update(arn, (r) => (r.status === 'provisioning' ? { ...r, status: runLifecycle.move(r.status, 'running', r.name, 'run'), startedAt: clock.now().toISOString() } : undefined));
    if (!run) return;
    if (run.status !== 'running') return this.conclude(arn, [], shutdown);
    const results = await runAssessments({
      subject,
      names: run.individuals.map((i) => i.name),
      connectors: this.connectors,
      concurrency: assessmentConcurrency,
      signal,
      observer: this.observer(arn, shutdown),
      now: () => clock.now(),
    });
    if (shutdown.aborted) return;
    await this.conclude(arn, results, shutdown);
  }

  /**
   * The end of a run that was not stopped by an error: its result files are written (for a
   * cancelled run too, with what finished; assessments that never ran are `cancelled`), then
   * its status is recorded. A failure to write ends it `error-executing` saying why.
   */
  private async conclude(arn: string, reported: readonly IndividualResult[], shutdown: AbortSignal): Promise<void> {
    const { repos, clock } = this.deps;
    const current = repos.assessmentRuns.get(arn);
    if (!current || !activeRunStatuses.includes(current.status)) return;
    const finishedAt = clock.now().toISOString();
    const status: RunStatus = current.status === 'cancelling' ? 'cancelled' : overallStatus(reported.map((r) => r.status));
    const results = completed(current, reported, finishedAt);
    const taskIdentifier = repos.tasks.get(current.taskArn)?.identifier ?? current.taskArn;
    let written;
    try {
      written = await writeResults(this.objects, { run: { ...current, individuals: merged(current.individuals, results) }, taskIdentifier, status, finishedAt, results }, shutdown);
    } catch (err) {
      if (shutdown.aborted) return;
      const why = `The results could not be written to s3://${current.bucket}/${current.prefix}/: ${messageOf(err)}`;
      this.finish(arn, () => ({ status: 'error-executing', message: why }), results, finishedAt);
      return;
    }
    if (shutdown.aborted) return;
    this.finish(
      arn,
      (r) => (r.status === 'cancelling' ? { status: 'cancelled' } : { status, message: failureMessage(results) }),
      results,
      finishedAt,
      { summaryUrl: written.summary.url, ...(current.legacy ? legacyResultOf(written) : {}) },
    );
  }

  /** Persists each start and end of an individual assessment while the run is under way (not once shutdown began). */
  private observer(arn: string, shutdown: AbortSignal): RunObserver {
    const setIndividual = (name: string, change: (i: IndividualRecord) => IndividualRecord) => {
      if (shutdown.aborted) return;
      try {
        this.update(arn, (r) => (activeRunStatuses.includes(r.status) ? { ...r, individuals: r.individuals.map((i) => (i.name === name ? change(i) : i)) } : undefined));
      } catch (err) {
        this.deps.log.warn('assessment progress not recorded', { runArn: arn, assessment: name, error: messageOf(err) });
      }
    };
    return {
      started: (name, at) => setIndividual(name, (i) => (finishedIndividual(i.status) ? i : { ...i, status: 'running', startedAt: at })),
      finished: (result) => setIndividual(result.name, (i) => ({ ...i, status: result.status, summary: result.summary })),
    };
  }

  /** What the checks need: the task's endpoints as connection values, its migration type, mappings and settings. */
  private subjectOf(run: AssessmentRunRecord): AssessmentSubject {
    const { repos } = this.deps;
    const t = repos.tasks.get(run.taskArn);
    if (!t) throw new ProvisioningProblem(`The replication task ${run.taskArn} no longer exists.`);
    const endpoint = (arn: string, role: 'source' | 'target'): EndpointUnderTest => {
      const e = repos.endpoints.get(arn);
      if (!e) throw new ProvisioningProblem(`The ${role} endpoint ${arn} of replication task ${t.identifier} no longer exists.`);
      const target = endpointTarget(repos, this.connectors, e, 'Premigration assessments');
      if (!target.ok) throw new ProvisioningProblem(`The ${role} endpoint ${e.identifier} cannot be used: ${target.message}`);
      return { engineName: e.engineName, params: target.params };
    };
    return {
      source: endpoint(t.sourceEndpointArn, 'source'),
      target: endpoint(t.targetEndpointArn, 'target'),
      migrationType: t.migrationType,
      tableMappings: t.tableMappings,
      taskSettings: t.settings,
    };
  }

  private async probe(run: AssessmentRunRecord): Promise<void> {
    try {
      await this.objects.probe(resultLocation(run));
    } catch (err) {
      throw new ProvisioningProblem(`The result location s3://${run.bucket}/${run.prefix}/ cannot be written: ${messageOf(err)}`, { cause: err });
    }
  }

  /**
   * Ends the run in one transaction, if it is still under way: the status `decide` gives (but
   * `cancelled` once a cancel came, and `error-provisioning` for an error before the
   * assessments ran), the individual results (unfinished ones end `cancelled` in a cancelled
   * run, `error` otherwise), and the task leaves `testing`.
   */
  private finish(
    arn: string,
    decide: (r: AssessmentRunRecord) => { status: RunStatus; message?: string | undefined } | undefined,
    results: readonly IndividualResult[] = [],
    finishedAt?: string,
    extra: Partial<Pick<AssessmentRunRecord, 'summaryUrl' | 'legacyResult'>> = {},
  ): void {
    const { store, repos } = this.deps;
    try {
      store.tx(() => {
        const r = repos.assessmentRuns.get(arn);
        if (!r || !activeRunStatuses.includes(r.status)) return;
        const d = decide(r);
        if (!d) return;
        // A cancel wins over any other end; an internal error before the assessments ran is a provisioning error.
        const status: RunStatus = r.status === 'cancelling' ? 'cancelled' : d.status === 'error-executing' && r.status !== 'running' ? 'error-provisioning' : d.status;
        this.end({ ...r, individuals: merged(r.individuals, results), ...extra }, status, d.message, finishedAt);
      });
    } catch (err) {
      // The store closes at shutdown; the run is then settled at the next start.
      this.deps.log.warn('assessment run end not recorded', { runArn: arn, error: messageOf(err) });
    }
  }

  /** Inside a transaction: the run's end and its task's return from `testing`. */
  private end(r: AssessmentRunRecord, status: RunStatus, message: string | undefined, finishedAt?: string): void {
    const { repos, clock } = this.deps;
    const fill: IndividualStatus = status === 'cancelled' ? 'cancelled' : 'error';
    const individuals = r.individuals.map((i) => (finishedIndividual(i.status) ? i : { ...i, status: fill, ...(message ? { summary: message } : {}) }));
    const { lastFailureMessage: _previous, ...rest } = r;
    repos.assessmentRuns.update({
      ...rest,
      status: runLifecycle.move(r.status, status, r.name, status === 'cancelled' ? 'cancel' : 'end'),
      individuals,
      finishedAt: finishedAt ?? clock.now().toISOString(),
      ...(message ? { lastFailureMessage: message } : {}),
    });
    endTesting(repos, r.taskArn);
  }

  /** Applies `change` to the run in one transaction; undefined from `change` leaves it as it is. Returns the run as stored. */
  private update(arn: string, change: (r: AssessmentRunRecord) => AssessmentRunRecord | undefined): AssessmentRunRecord | undefined {
    const { store, repos } = this.deps;
    return store.tx(() => {
      const r = repos.assessmentRuns.get(arn);
      if (!r) return undefined;
      const next = change(r);
      return next ? repos.assessmentRuns.update(next) : r;
    });
  }
}

/** Every assessment of the run with a result: those the runner did not report (it never ran them) are `cancelled`. */
function completed(run: AssessmentRunRecord, reported: readonly IndividualResult[], at: string): IndividualResult[] {
  const byName = new Map(reported.map((r) => [r.name, r]));
  return run.individuals.map(
    (i) =>
      byName.get(i.name) ?? {
        name: i.name,
        status: 'cancelled',
        summary: 'The assessment run was cancelled before this assessment ran.',
        findings: [],
        startedAt: i.startedAt ?? at,
        finishedAt: at,
      },
  );
}

/** The individual records with the runner's results applied (status, summary; start time kept from the live report). */
function merged(individuals: readonly IndividualRecord[], results: readonly IndividualResult[]): IndividualRecord[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return individuals.map((i) => {
    const r = byName.get(i.name);
    if (!r) return i;
    return { ...i, status: r.status, summary: r.summary, ...(i.startedAt === undefined && r.status !== 'cancelled' ? { startedAt: r.startedAt } : {}) };
  });
}

/**
 * LastFailureMessage of a run that ended: the individual assessments that failed or could not
 * run, each with its summary ("Last message generated by an individual assessment failure").
 */
export function failureMessage(results: readonly IndividualResult[]): string | undefined {
  const failed = results.filter((r) => r.status === 'failed');
  const errors = results.filter((r) => r.status === 'error');
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${failed.length} individual assessment${failed.length === 1 ? '' : 's'} failed: ${failed.map((r) => `${r.name} (${r.summary})`).join('; ')}.`);
  if (errors.length > 0) parts.push(`${errors.length} could not run: ${errors.map((r) => `${r.name} (${r.summary})`).join('; ')}.`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function legacyResultOf(written: { files: ReadonlyMap<string, { key: string; url: string }> }): Pick<AssessmentRunRecord, 'legacyResult'> {
  const file = [...written.files.values()][0];
  return file ? { legacyResult: { key: file.key, url: file.url } } : {};
}
