/**
 * The typed errors of a run. They carry decisions (fail the task, suspend a table, stop) up
 * the call stack to the one place that acts on them, each with the cause that led there.
 */
import { OpenDmsError, messageOf } from '../common/errors.js';
import { ConnectorError, DataLoadError } from '../connectors/spi/index.js';

/** The run must end failed (Stop Reason FATAL_ERROR) with this message. */
export class TaskFailure extends OpenDmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('task-failed', message, options);
  }
}

/** One table stops in 'Table error' (SUSPEND_TABLE); the other tables go on. */
export class TableSuspended extends OpenDmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('table-suspended', message, options);
  }
}

/** The abort reason of a run stopped by StopReplicationTask or server shutdown. */
export class StopRequested extends OpenDmsError {
  constructor(why = 'the task was asked to stop') {
    super('stop-requested', why);
  }
}

/** The connection-level kinds: the endpoint is unusable, so no table can go on. */
const connectionKinds = new Set(['auth', 'network', 'tls', 'database-missing', 'timeout']);

/** True when the failure concerns the connection, not one table (ends the run). */
export function isConnectionFailure(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError && connectionKinds.has(err.kind);
}

/**
 * The codes of a refused row: the SPI's DataLoadError ('data-error'), and the PostgreSQL
 * connector's own class of the same meaning ('target-data-error'), which the engine cannot
 * import (it knows connectors only through their SPI).
 */
const dataErrorCodes = new Set(['data-error', 'target-data-error']);

/** True for a target's refusal of row data (DataLoadError), as opposed to a connection or table failure. */
export function isDataError(err: unknown): err is OpenDmsError {
  return err instanceof DataLoadError || (err instanceof OpenDmsError && dataErrorCodes.has(err.code));
}

/** True when a data error says the value did not fit (DataTruncationErrorPolicy). */
export function isTruncation(err: unknown): boolean {
  return isDataError(err) && (err as { truncation?: unknown }).truncation === true;
}

/** The 0-based index of the refused row in the failed write() call, when the target said. */
export function refusedRowIndex(err: unknown): number | undefined {
  const e = err as { rowIndex?: unknown; rowNumber?: unknown };
  if (typeof e.rowIndex === 'number') return e.rowIndex;
  if (typeof e.rowNumber === 'number') return e.rowNumber - 1;
  return undefined;
}

/** Why a row was refused: the server's own words when the connector kept them apart. */
export function refusalReason(err: unknown): string {
  const server = (err as { serverMessage?: unknown }).serverMessage;
  return typeof server === 'string' && server !== '' ? server : explain(err);
}

/** What a user reads: the message and, for connector errors, the hint of what to change. */
export function explain(err: unknown): string {
  if (err instanceof ConnectorError) return err.explanation;
  return messageOf(err);
}
