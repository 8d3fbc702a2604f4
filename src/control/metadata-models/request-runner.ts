/**
 * Runs metadata-model requests in the background and keeps their records:
 * - Start* inserts the request RECEIVED and answers at once; the work runs after the
 *   response, moving the request IN_PROGRESS -> SUCCESS | FAILED;
 * - a work's changes to the project's models are committed in the same store transaction
 *   that ends the request SUCCESS (its `commit`), so a cancelled or failed request changes
 *   nothing;
 * - Cancel* moves the request CANCELING and aborts its work; the run ends it CANCELED;
 * - close() aborts every run (shutdown) and waits for them; a request a stop or a crash left
 *   unfinished is settled at the next start (`recover`): FAILED, or CANCELED when it was
 *   being cancelled.
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import { messageOf, OpenDmsError } from '../../common/errors.js';
import type { ResourceRepository } from '../../store/resource-repository.js';
import type { ControlDeps } from '../deps.js';
import type { ProjectContext, ProjectView } from '../migration-projects/project-context.js';
import { notFound } from '../shared/faults.js';
import type { MetadataRequestRecord, RequestInput, RequestKind, RequestProgress } from './record.js';
import { finalStatuses } from './record.js';
import { interruptedMessage, kindInfo, requestLifecycle } from './request-lifecycle.js';

/** A failure a work reports to the user as the request's error message. */
export class RequestFailure extends OpenDmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('metadata-request-failed', message, options);
  }
}

export interface WorkContext {
  readonly record: MetadataRequestRecord;
  readonly project: ProjectView;
  readonly signal: AbortSignal;
  /** Records progress (written at most every 250 ms, and always when percent reaches 100). */
  progress(p: Omit<RequestProgress, 'step'> & { readonly step?: string }): void;
}

export interface WorkOutcome {
  /** Runs in the store transaction that ends the request SUCCESS: the work's state changes. */
  readonly commit?: () => void;
  readonly exportSql?: { readonly key: string; readonly url: string };
  readonly notes?: readonly string[];
}

export type RequestWork = (ctx: WorkContext) => Promise<WorkOutcome>;

/** Why a run was aborted: a cancel by the user, or the shutdown. */
class Cancelled extends Error {}

export class RequestRunner {
  private readonly shutdown = new AbortController();
  private readonly running = new Map<string, { readonly controller: AbortController; readonly done: Promise<void> }>();

  constructor(
    private readonly deps: ControlDeps,
    private readonly repo: ResourceRepository<MetadataRequestRecord>,
    private readonly projects: ProjectContext,
    private readonly works: Readonly<Record<RequestKind, RequestWork>>,
  ) {}

  /** Settles the requests a stop or a crash left unfinished. Call once, at start-up. */
  recover(): number {
    let n = 0;
    this.deps.store.tx(() => {
      for (const r of this.repo.all()) {
        if (finalStatuses.includes(r.status)) continue;
        const { progress: _p, ...rest } = r;
        this.repo.update(
          r.status === 'CANCELING'
            ? { ...rest, status: 'CANCELED', updatedAt: this.now() }
            : { ...rest, status: 'FAILED', errorMessage: interruptedMessage, updatedAt: this.now() },
        );
        n++;
      }
    });
    if (n > 0) this.deps.log.info('metadata model requests interrupted by a restart settled', { count: n });
    return n;
  }

  /** Records a new request RECEIVED and starts its work after the current turn. */
  start(scope: Scope, project: ProjectView, kind: RequestKind, input: RequestInput): MetadataRequestRecord {
    if (this.shutdown.signal.aborted) throw new RequestFailure('OpenDMS is shutting down; start the request again once it is back.');
    const requestId = randomUUID();
    const at = this.now();
    const record = this.repo.insert(scope, {
      arn: `arn:aws:dms:${scope.region}:${scope.account}:metadata-model-request:${requestId}`,
      identifier: requestId,
      requestId,
      kind,
      projectArn: project.arn,
      status: 'RECEIVED',
      input,
      createdAt: at,
      updatedAt: at,
    });
    const controller = new AbortController();
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(record.arn, controller.signal))
      .catch((err: unknown) => this.deps.log.error('metadata model request run failed', { requestId, error: messageOf(err) }))
      .finally(() => this.running.delete(record.arn));
    this.running.set(record.arn, { controller, done });
    return record;
  }

  /** The requests of one kind of a project, oldest first. */
  list(scope: Scope, projectArn: string, kind: RequestKind): MetadataRequestRecord[] {
    return this.repo.list(scope).filter((r) => r.projectArn === projectArn && r.kind === kind);
  }

  /**
   * Cancel*: RECEIVED or IN_PROGRESS -> CANCELING, and the work is aborted; the run ends it
   * CANCELED. A finished request is InvalidResourceStateFault; an unknown one (or one of
   * another project or kind) ResourceNotFoundFault.
   */
  cancel(scope: Scope, projectArn: string, requestId: string, kind: RequestKind): MetadataRequestRecord {
    const what = kindInfo[kind].what;
    const updated = this.deps.store.tx(() => {
      const r = this.repo.byIdentifier(scope, requestId);
      if (!r || r.projectArn !== projectArn || r.kind !== kind) throw notFound(`The ${what} request`, requestId);
      const status = requestLifecycle.move(r.status, 'CANCELING', requestId, `cancel the ${what}`);
      return this.repo.update({ ...r, status, updatedAt: this.now() });
    });
    const run = this.running.get(updated.arn);
    if (run) run.controller.abort(new Cancelled(`${what} ${requestId} cancelled`));
    else this.finish(updated.arn, (r) => (r.status === 'CANCELING' ? { ...r, status: 'CANCELED' } : undefined));
    return updated;
  }

  /** Aborts every run and waits for them to settle; their records are settled at the next start. */
  async close(): Promise<void> {
    this.shutdown.abort(new Cancelled('OpenDMS is shutting down'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async run(arn: string, cancel: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([cancel, this.shutdown.signal]);
    if (this.shutdown.signal.aborted) return;
    const started = this.deps.store.tx(() => {
      const r = this.repo.get(arn);
      if (!r) return undefined;
      if (r.status === 'CANCELING') {
        this.repo.update({ ...r, status: 'CANCELED', updatedAt: this.now() });
        return undefined;
      }
      if (r.status !== 'RECEIVED') return undefined;
      return this.repo.update({
        ...r,
        status: requestLifecycle.move(r.status, 'IN_PROGRESS', r.requestId, 'start'),
        progress: { percent: 0, step: kindInfo[r.kind].step },
        updatedAt: this.now(),
      });
    });
    if (!started) return;
    const project = this.projects.projectByArn(started.projectArn);
    let outcome: WorkOutcome | undefined;
    let failure: string | undefined;
    if (!project) {
      failure = `The migration project ${started.projectArn} no longer exists.`;
    } else {
      try {
        outcome = await this.works[started.kind]({ record: started, project, signal, progress: this.progressWriter(arn, started.kind) });
      } catch (err) {
        if (this.shutdown.signal.aborted) return; // settled at the next start
        if (!cancel.aborted) {
          failure = messageOf(err);
          if (!(err instanceof RequestFailure)) this.deps.log.warn('metadata model request failed unexpectedly', { requestId: started.requestId, error: failure });
        }
      }
    }
    if (this.shutdown.signal.aborted) return;
    this.finish(arn, (r) => {
      if (r.status === 'CANCELING') return { ...r, status: 'CANCELED' };
      if (r.status !== 'IN_PROGRESS') return undefined;
      if (failure !== undefined || !outcome) return { ...r, status: 'FAILED', errorMessage: failure ?? 'The request stopped without a result.' };
      outcome.commit?.();
      this.deps.log.info('metadata model request succeeded', { requestId: r.requestId, kind: r.kind, notes: outcome.notes ?? [] });
      return {
        ...r,
        status: 'SUCCESS',
        ...(outcome.exportSql ? { exportSql: outcome.exportSql } : {}),
        ...(outcome.notes?.length ? { notes: outcome.notes } : {}),
      };
    });
  }

  /** Ends a request in one transaction with what `to` makes of its current record (undefined: leave it). */
  private finish(arn: string, to: (r: MetadataRequestRecord) => MetadataRequestRecord | undefined): void {
    try {
      this.deps.store.tx(() => {
        const r = this.repo.get(arn);
        if (!r) return;
        const next = to(r);
        if (!next) return;
        requestLifecycle.move(r.status, next.status, r.requestId, 'end');
        const { progress: _p, ...rest } = next;
        this.repo.update({ ...rest, updatedAt: this.now() });
      });
    } catch (err) {
      // The store closes at shutdown while a run may still be ending; the next start settles it.
      if (!this.shutdown.signal.aborted) throw err;
    }
  }

  private progressWriter(arn: string, kind: RequestKind): WorkContext['progress'] {
    let last = 0;
    return (p) => {
      const t = Date.now();
      if (t - last < 250 && p.percent < 100) return;
      last = t;
      try {
        this.deps.store.tx(() => {
          const r = this.repo.get(arn);
          if (r?.status !== 'IN_PROGRESS') return;
          this.repo.update({ ...r, progress: { step: kindInfo[kind].step, ...p }, updatedAt: this.now() });
        });
      } catch (err) {
        if (!this.shutdown.signal.aborted) throw err;
      }
    };
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
