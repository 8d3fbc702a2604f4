/**
 * The tables of one run and the order they load in: tables start in plan order as
 * MaxFullLoadSubTasks slots free up, and ReloadTables may send tables back into the queue
 * while the run loads. The run is done only when the queue is empty and no table is loading,
 * so a reload asked for during the load is finished before the run reports its end.
 *
 * What a reload does depends on where the table is:
 * - not started yet (queued): nothing; it loads as planned. It is not
 *   marked reloaded, since this run never loaded it (DMS simply loads it);
 * - loading: that load is cancelled (its writers roll back what they have not committed) and
 *   the table is queued again, to be prepared and loaded from scratch;
 * - ended (completed, or suspended in 'Table error'), or completed by a previous run
 *   (resume-processing): queued again, prepared again and loaded again.
 * A table to load again shows 'Table is being reloaded' from the request on, and goes to the
 * front of the queue: the user is waiting on it, while queued tables wait anyway.
 */
import { messageOf } from '../../common/errors.js';
import type { TableInfo, TableRef } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import type { ReloadTablesResult, ReloadedTable } from '../ports.js';
import { tableName, type RunContext, type RunLog } from '../run-context.js';
import type { PreCompletedTable, TableStatsHandle } from '../statistics/stats-board.js';
import { ReloadRequested, type TableJob } from './table-loader.js';

type Phase =
  /** In the queue. */
  | 'queued'
  | 'loading'
  /** Loading, with a reload asked for: re-queued once the cancelled load has let go. */
  | 'restarting'
  | 'ended'
  /** Completed by a previous run (resume-processing): not loaded unless reloaded. */
  | 'pre-completed';

interface Entry {
  readonly plan: TablePlan;
  readonly info: TableInfo;
  phase: Phase;
  /** Undefined while pre-completed: such a table has no statistics in this run. */
  stats: TableStatsHandle | undefined;
  readonly preCompleted: PreCompletedTable | undefined;
  /** This run has loaded (part of) the table: its next load is a reload. */
  loadedBefore: boolean;
  /** CreatePkAfterFullLoad: a table this run created still waits for its primary key. */
  readonly deferredPk: { pending: boolean };
  cancel: AbortController | undefined;
}

/** Loads one table; never rejects (table-loader's loadTable). */
export type LoadTable = (ctx: RunContext, job: TableJob) => Promise<void>;

export class LoadScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private readonly running = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  /** `closed` once the run loads no more tables (all done, stopped or failed): reloads are refused. */
  private state: 'planned' | 'loading' | 'closed' = 'planned';

  constructor(
    private readonly log: RunLog,
    private readonly load: LoadTable,
  ) {}

  /** A table this run loads. */
  add(plan: TablePlan, info: TableInfo, stats: TableStatsHandle): void {
    const entry: Entry = { plan, info, phase: 'queued', stats, preCompleted: undefined, loadedBefore: false, deferredPk: { pending: false }, cancel: undefined };
    this.entries.set(keyOf(plan.source), entry);
    this.queue.push(entry);
  }

  /** A table of the selection a previous run completed: loaded only if ReloadTables asks. */
  addPreCompleted(plan: TablePlan, info: TableInfo, preCompleted: PreCompletedTable): void {
    this.entries.set(keyOf(plan.source), { plan, info, phase: 'pre-completed', stats: undefined, preCompleted, loadedBefore: true, deferredPk: { pending: false }, cancel: undefined });
  }

  /**
   * Loads until every table (and every reload asked for meanwhile) is done, or the run is
   * aborted; then waits for the loads in progress to let go.
   */
  async run(ctx: RunContext): Promise<void> {
    // Within one load-order, the largest tables first (by the catalog's estimate): the biggest
    // table is the run's longest path, so its DDL, split and first segments should not wait
    // behind the small tables' preparations. Ties keep the plan's order (by name); sort is stable.
    this.queue.sort((a, b) => b.plan.loadOrder - a.plan.loadOrder || b.info.estimatedBytes - a.info.estimatedBytes);
    this.state = 'loading';
    const onAbort = (): void => this.notify();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (ctx.signal.aborted) break;
        if (this.queue.length === 0) {
          if (this.running.size === 0) break;
          // A load ends, a reload is queued, or the run is aborted.
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        let release: () => void;
        try {
          release = await ctx.slots.acquire(ctx.signal);
        } catch {
          break; // aborted while waiting: no more tables start
        }
        // The table is picked once the slot is held, so a reload queued meanwhile goes first.
        // Only this loop takes from the queue, so it still holds what it held before the wait.
        this.start(ctx, this.queue.shift()!, release);
      }
    } finally {
      // Synchronously with the loop's last look at the queue, so no reload slips in between.
      this.state = 'closed';
      ctx.signal.removeEventListener('abort', onAbort);
    }
    await Promise.all(this.running);
  }

  /** The run is ending: reloads are refused from now on (run() closes by itself; this covers a run that failed before). */
  close(): void {
    this.state = 'closed';
  }

  /** ReloadTables; all tables or none. */
  reload(tables: readonly TableRef[]): ReloadTablesResult {
    if (this.state === 'closed') {
      return { kind: 'not-running', message: 'the run has no table left to load and is ending (or is stopping)' };
    }
    const found = tables.map((table) => ({ table, entry: this.entries.get(keyOf(table)) }));
    const missing = found.filter((f) => f.entry === undefined).map((f) => f.table);
    if (missing.length > 0) {
      return {
        kind: 'not-in-task',
        tables: missing,
        message: `${missing.map(tableName).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not among the tables the task's selection rules include (${this.entries.size} tables; names are the source schema and table names, as DescribeTableStatistics shows them, and are case-sensitive)`,
      };
    }
    const out: ReloadedTable[] = [];
    const requeued: Entry[] = [];
    for (const { table, entry } of found) {
      const e = entry!;
      const name = tableName(table);
      switch (e.phase) {
        case 'queued':
          out.push({ table, action: e.loadedBefore ? 'reload' : 'queued' });
          if (!e.loadedBefore) this.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `ReloadTables: table ${name} has not been loaded yet; it loads as planned`);
          break;
        case 'restarting':
          out.push({ table, action: 'restart' });
          break;
        case 'loading':
          this.log.log(
            'TABLES_MANAGER',
            'LOGGER_SEVERITY_INFO',
            `ReloadTables: the load of table ${name} in progress (${e.stats?.rows ?? 0} rows so far) is cancelled; the table is loaded again from scratch`,
          );
          e.phase = 'restarting';
          e.cancel?.abort(new ReloadRequested(name));
          e.stats?.beginReload();
          out.push({ table, action: 'restart' });
          break;
        case 'pre-completed':
        case 'ended': {
          e.stats ??= e.preCompleted?.reload();
          e.stats?.beginReload();
          e.phase = 'queued';
          requeued.push(e);
          out.push({ table, action: 'reload' });
          this.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `ReloadTables: table ${name} is prepared again (TargetTablePrepMode) and loaded again`);
          break;
        }
      }
    }
    this.queue.unshift(...requeued);
    this.notify();
    return { kind: 'accepted', tables: out };
  }

  private start(ctx: RunContext, entry: Entry, release: () => void): void {
    const cancel = new AbortController();
    const job: TableJob = { plan: entry.plan, info: entry.info, stats: entry.stats!, reload: entry.loadedBefore, cancel: cancel.signal, deferredPk: entry.deferredPk };
    entry.phase = 'loading';
    entry.cancel = cancel;
    // From now on the target table holds this run's rows: any further load starts over.
    entry.loadedBefore = true;
    const done: Promise<void> = this.load(ctx, job)
      .catch((err: unknown) => {
        // loadTable never rejects; should it, the table is left as it is and the run goes on.
        this.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_ERROR', `Table ${tableName(entry.plan.source)}: unexpected error: ${messageOf(err)}`);
      })
      .finally(() => {
        release();
        this.running.delete(done);
        this.settled(entry);
      });
    this.running.add(done);
  }

  private settled(entry: Entry): void {
    entry.cancel = undefined;
    if (entry.phase === 'restarting' && this.state !== 'closed') {
      // The cancelled load may have counted rows after the request: start the counts afresh.
      entry.stats?.beginReload();
      entry.phase = 'queued';
      this.queue.unshift(entry);
    } else {
      entry.phase = 'ended';
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const keyOf = (t: TableRef): string => `${t.schema}\u0000${t.name}`;
