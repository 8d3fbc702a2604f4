/**
 * The live statistics of one run: per-table TableStats and the task's progress, pushed to
 * the TaskReporter on every table state change and, while rows flow, at most every
 * `throttleMs` per table (the control plane persists what it is told; it need not hear of
 * every batch). Every report carries every table of the run, so a report is a full picture;
 * tables a previous run completed (resume-processing) are counted in the progress but not
 * reported again: their statistics from that run stand.
 */
import type { Clock } from '../../common/clock.js';
import type { TableRef } from '../../connectors/spi/index.js';
import type { TableState, TableStats, TaskProgress, TaskReporter } from '../ports.js';
import { computeProgress, type ProgressInput } from './progress.js';

/** How often a loading table's row count may be reported. */
export const defaultThrottleMs = 500;

interface MutableStats {
  schemaName: string;
  tableName: string;
  state: TableState;
  fullLoadRows: number;
  fullLoadErrorRows: number;
  truncatedLobValues: number;
  estimatedRows: number;
  fullLoadStartTime?: Date;
  fullLoadEndTime?: Date;
  reloaded: boolean;
  lastUpdateTime: Date;
  detail?: string;
  inserts?: number;
  updates?: number;
  deletes?: number;
  ddls?: number;
}

/** Row changes applied by change data capture, per table. */
export interface ChangeCounts {
  inserts: number;
  updates: number;
  deletes: number;
  ddls: number;
}

/** The statistics of one table, changed by its loader. */
export interface TableStatsHandle {
  readonly state: TableState;
  readonly rows: number;
  readonly errorRows: number;
  setState(state: TableState, detail?: string): void;
  /** Rows written (negative when a rolled-back batch is written again). */
  addRows(delta: number): void;
  addErrorRows(n: number): void;
  setTruncatedLobs(count: number, detail: string): void;
  /**
   * ReloadTables: the table starts over, in state 'Table is being reloaded' with FullLoadReloaded
   * true; the rows, errors and details of the load it replaces are forgotten, so the counts
   * describe the data the target holds after the reload.
   */
  beginReload(): void;
}

/** A table a previous run completed (resume-processing), until ReloadTables brings it back into this run. */
export interface PreCompletedTable {
  /** Reports the table again, from now on as a table of this run. */
  reload(): TableStatsHandle;
}

export class StatsBoard {
  private readonly tables: MutableStats[] = [];
  private readonly lastReport = new Map<MutableStats, number>();
  /** The pending report of throttled changes, if any. */
  private trailing: NodeJS.Timeout | undefined;
  private readonly preCompleted: ProgressInput[] = [];
  /** The tables of `preCompleted`, index for index. */
  private readonly preCompletedRefs: TableRef[] = [];
  private fullLoadStartDate?: Date;
  private fullLoadFinishDate?: Date;

  constructor(
    private readonly opts: {
      readonly taskArn: string;
      readonly runId: number;
      readonly reporter: TaskReporter;
      readonly clock: Clock;
      readonly throttleMs?: number;
      readonly reloaded: boolean;
    },
  ) {}

  /** A table this run loads, in state Before load. */
  add(table: TableRef, estimatedRows: number): TableStatsHandle {
    const s: MutableStats = {
      schemaName: table.schema,
      tableName: table.name,
      state: 'Before load',
      fullLoadRows: 0,
      fullLoadErrorRows: 0,
      truncatedLobValues: 0,
      estimatedRows: Math.max(0, Math.round(estimatedRows)),
      reloaded: this.opts.reloaded,
      lastUpdateTime: this.opts.clock.now(),
    };
    this.tables.push(s);
    const board = this;
    return {
      get state() {
        return s.state;
      },
      get rows() {
        return s.fullLoadRows;
      },
      get errorRows() {
        return s.fullLoadErrorRows;
      },
      setState(state, detail) {
        const now = board.opts.clock.now();
        if (state === 'Full load' || state === 'Table is being reloaded') s.fullLoadStartTime = now;
        if (state === 'Table completed' || state === 'Table error' || state === 'Table cancelled') {
          s.fullLoadEndTime = now;
        }
        s.state = state;
        if (detail !== undefined) s.detail = s.detail ? `${s.detail}; ${detail}` : detail;
        s.lastUpdateTime = now;
        board.report(s, true);
      },
      addRows(delta) {
        s.fullLoadRows = Math.max(0, s.fullLoadRows + delta);
        s.lastUpdateTime = board.opts.clock.now();
        board.report(s, false);
      },
      addErrorRows(n) {
        s.fullLoadErrorRows += n;
        s.lastUpdateTime = board.opts.clock.now();
        board.report(s, false);
      },
      setTruncatedLobs(count, detail) {
        s.truncatedLobValues = count;
        s.detail = s.detail ? `${s.detail}; ${detail}` : detail;
        s.lastUpdateTime = board.opts.clock.now();
        board.report(s, true);
      },
      beginReload() {
        s.state = 'Table is being reloaded';
        s.fullLoadRows = 0;
        s.fullLoadErrorRows = 0;
        s.truncatedLobValues = 0;
        s.reloaded = true;
        delete s.detail;
        delete s.fullLoadStartTime;
        delete s.fullLoadEndTime;
        s.lastUpdateTime = board.opts.clock.now();
        board.report(s, true);
      },
    };
  }

  /** A table a previous run completed: in the progress, not reported unless it is reloaded. */
  addPreCompleted(table: TableRef, estimatedRows: number): PreCompletedTable {
    const entry: ProgressInput = { state: 'Table completed', fullLoadRows: 0, estimatedRows: Math.max(0, estimatedRows) };
    this.preCompleted.push(entry);
    this.preCompletedRefs.push(table);
    return {
      reload: () => {
        const i = this.preCompleted.indexOf(entry);
        if (i >= 0) {
          this.preCompleted.splice(i, 1);
          this.preCompletedRefs.splice(i, 1);
        }
        return this.add(table, estimatedRows);
      },
    };
  }

  /**
   * Change data capture applied these changes to a table: counted on the table's statistics
   * (a table this run did not load, e.g. completed by a previous run or in a cdc-only task,
   * is reported from now on, as 'Table completed').
   */
  addChanges(table: TableRef, counts: ChangeCounts): void {
    let s = this.tables.find((t) => t.schemaName === table.schema && t.tableName === table.name);
    if (!s) {
      const i = this.preCompleted.length > 0 ? this.preCompletedRefs.findIndex((r) => r.schema === table.schema && r.name === table.name) : -1;
      if (i >= 0) {
        this.preCompleted.splice(i, 1);
        this.preCompletedRefs.splice(i, 1);
      }
      s = { schemaName: table.schema, tableName: table.name, state: 'Table completed', fullLoadRows: 0, fullLoadErrorRows: 0, truncatedLobValues: 0, estimatedRows: 0, reloaded: false, lastUpdateTime: this.opts.clock.now() };
      this.tables.push(s);
    }
    s.inserts = (s.inserts ?? 0) + counts.inserts;
    s.updates = (s.updates ?? 0) + counts.updates;
    s.deletes = (s.deletes ?? 0) + counts.deletes;
    s.ddls = (s.ddls ?? 0) + counts.ddls;
    s.lastUpdateTime = this.opts.clock.now();
    this.report(s, false);
  }

  markFullLoadStarted(): void {
    this.fullLoadStartDate = this.opts.clock.now();
  }

  markFullLoadFinished(): void {
    this.fullLoadFinishDate = this.opts.clock.now();
  }

  snapshot(): TableStats[] {
    return this.tables.map((s) => ({ ...s }));
  }

  progress(): TaskProgress {
    const counts = computeProgress([...this.preCompleted, ...this.tables], { finished: this.fullLoadFinishDate !== undefined });
    return {
      ...counts,
      ...(this.fullLoadStartDate ? { fullLoadStartDate: this.fullLoadStartDate } : {}),
      ...(this.fullLoadFinishDate ? { fullLoadFinishDate: this.fullLoadFinishDate } : {}),
    };
  }

  /** Reports every table and the progress now. */
  flush(): void {
    if (this.trailing !== undefined) {
      clearTimeout(this.trailing);
      this.trailing = undefined;
    }
    const now = this.opts.clock.now().getTime();
    for (const s of this.tables) this.lastReport.set(s, now);
    this.opts.reporter.tables(this.opts.taskArn, this.opts.runId, this.snapshot());
    this.opts.reporter.progress(this.opts.taskArn, this.opts.runId, this.progress());
  }

  private report(s: MutableStats, always: boolean): void {
    const now = this.opts.clock.now().getTime();
    const last = this.lastReport.get(s);
    const throttleMs = this.opts.throttleMs ?? defaultThrottleMs;
    if (!always && last !== undefined && now - last < throttleMs) {
      // A throttled change is still reported once the throttle window ends: the last changes
      // before a quiet period (e.g. the first change data capture batch right after the full
      // load's final report) must not wait for the next change to show in the statistics.
      if (this.trailing === undefined) {
        this.trailing = setTimeout(() => {
          this.trailing = undefined;
          this.flush();
        }, throttleMs - (now - last));
        this.trailing.unref();
      }
      return;
    }
    this.flush();
  }
}
