/**
 * What every table load of one run shares: the sessions, the slot budget, the log, the
 * settings, and the way to end the whole run (`fail`).
 */
import type Database from 'better-sqlite3';
import type { SourceSession, TargetSession, TableRef } from '../connectors/spi/index.js';
import type { EngineSettings, LogSeverity, StartType } from './ports.js';
import type { SlotPool } from './full-load/slot-pool.js';
import type { TaskFailure } from './run-errors.js';

/** DMS's log components the full load writes under. */
export type LogComponent = 'TASK_MANAGER' | 'SOURCE_UNLOAD' | 'SOURCE_CAPTURE' | 'TARGET_LOAD' | 'TARGET_APPLY' | 'TRANSFORMATION' | 'TABLES_MANAGER' | 'PERFORMANCE';

export interface RunLog {
  log(component: LogComponent, severity: LogSeverity, message: string): void;
}

export interface RunContext {
  readonly settings: EngineSettings;
  readonly startType: StartType;
  readonly source: SourceSession;
  readonly target: TargetSession;
  /**
   * Session-level calls (DDL, counts, split points) go one at a time per session: a session
   * holds one connection for them, while each read and each writer has its own.
   */
  readonly sourceLock: SlotPool;
  readonly targetLock: SlotPool;
  /** MaxFullLoadSubTasks: tables and table segments loading at once. */
  readonly slots: SlotPool;
  readonly log: RunLog;
  /** The in-memory SQLite database of add-column expressions, opened on first use. */
  readonly sqlite: () => Database.Database;
  /** Aborts when the run is stopped or fails. */
  readonly signal: AbortSignal;
  /** Ends the run failed (STOP_TASK, connection lost); the first failure wins. */
  fail(failure: TaskFailure): void;
}

/** `"schema"."table"`, as the task log names tables. */
export function tableName(t: TableRef): string {
  return `"${t.schema}"."${t.name}"`;
}
