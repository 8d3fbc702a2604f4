/**
 * Change data capture: reading a source's change history (PostgreSQL logical replication
 * with pgoutput, MySQL/MariaDB row-based binlog) as committed transactions of row changes,
 * and applying such changes to a target idempotently.
 *
 * Positions are opaque strings owned by the connector that made them, prefixed by the
 * connector's family so a position can never be fed to the wrong one:
 *   PostgreSQL  `pg:<LSN>` e.g. `pg:0/16B3748` (the commit LSN of the transaction: the stream
 *               resumes after it);
 *   MySQL/MariaDB `mysql:<file>:<pos>` e.g. `mysql:mysql-bin.000003:1234` (the position just
 *               after the transaction's COMMIT/XID event), or `mysql-gtid:<gtid set>`.
 * Only the connector compares or parses them (ChangeCapture.comparePositions).
 *
 * Checkpoint discipline (docs/architecture/04-checkpoints.md): the engine applies a
 * transaction to the target and commits, then persists its position, then acknowledges it
 * to the source (ChangeStream.acknowledge), which may then discard that history. After a
 * crash the stream restarts from the persisted position; transactions after it may be
 * delivered again, which the idempotent apply makes harmless.
 */
import type { Row, TableRef } from './data-types.js';

export type SourcePosition = string;

/** One row change, values canonical as SourceSession.read() yields them (data-types.ts). */
export type RowChange =
  | {
      readonly kind: 'insert';
      readonly table: TableRef;
      /** Source column names of `after`, in the table's column order (every column). */
      readonly columns: readonly string[];
      readonly after: Row;
    }
  | {
      readonly kind: 'update';
      readonly table: TableRef;
      readonly columns: readonly string[];
      readonly after: Row;
      /**
       * Columns of the old row, when the source sent it: at least the key (PostgreSQL sends
       * the old key when it changed, the whole old row with REPLICA IDENTITY FULL; MySQL's
       * FULL before image has every column). Absent: the key did not change, take it from
       * `after`.
       */
      readonly beforeColumns?: readonly string[];
      readonly before?: Row;
    }
  | {
      readonly kind: 'delete';
      readonly table: TableRef;
      /** Columns of the old row: at least the key (replica identity), or every column. */
      readonly beforeColumns: readonly string[];
      readonly before: Row;
    };

export interface TruncateChange {
  readonly kind: 'truncate';
  readonly tables: readonly TableRef[];
}

/**
 * A table's definition changed on the source (DDL), at this point of the transaction:
 * - `alter`: its columns may differ from now on (ADD/DROP/ALTER/RENAME COLUMN): the engine
 *   reads the table's catalog again and changes the target to match;
 * - `create`: a new table, which the selection may include: the engine then asks the stream
 *   to watch it (ChangeStream.watch);
 * - `drop`: the table is gone.
 * Sources report what they can see: MySQL/MariaDB every DDL statement in the binlog;
 * PostgreSQL a definition change of a captured table before its next change (pgoutput's
 * Relation message), and CREATE/ALTER/DROP TABLE as they commit when its DDL event trigger
 * could be installed (superuser).
 */
export interface DdlChange {
  readonly kind: 'ddl';
  readonly action: 'alter' | 'create' | 'drop';
  readonly table: TableRef;
  /** The statement (MySQL) or command tag (PostgreSQL), for the log. */
  readonly statement?: string;
}

export type Change = RowChange | TruncateChange | DdlChange;

/** One committed source transaction. */
export interface SourceTransaction {
  readonly changes: readonly Change[];
  /** Where to resume after this transaction. */
  readonly position: SourcePosition;
  readonly commitTime: Date;
  /** The source's transaction id, for logs. */
  readonly xid?: string;
}

/**
 * Something the stream wants the engine to know between transactions: a keepalive with
 * the source's current position (nothing to apply, but the position may be checkpointed so
 * the source can free history, e.g. when only excluded tables change), or a table whose
 * changes cannot be captured fully (no key, replica identity) — logged once.
 */
export type StreamNotice =
  | { readonly kind: 'idle'; readonly position: SourcePosition; readonly sourceTime: Date }
  | { readonly kind: 'warning'; readonly message: string };

export interface ChangeStream extends AsyncIterable<SourceTransaction | StreamNotice> {
  /**
   * The target has committed everything up to `position` and it is persisted: the source may
   * discard that history (PostgreSQL: standby status update / slot advance). Never called
   * with a position older than one acknowledged before.
   */
  acknowledge(position: SourcePosition): Promise<void>;
  /**
   * Captures `table`'s changes from now on as well (a table created on the source that the
   * selection includes). Resolves with `snapshot` true when changes made to it before this
   * call may be missing from the stream (PostgreSQL: the table joins the publication only
   * now), so the caller copies its current rows; false when the stream has them all
   * (MySQL: the binlog holds every table's rows, in order after the CREATE).
   */
  watch?(table: TableRef, signal: AbortSignal): Promise<{ readonly snapshot: boolean }>;
  /** Ends the stream and its connection. */
  close(): Promise<void>;
}

export interface CaptureOptions {
  /** The task's identifier: names the slot and publication (PostgreSQL) and the server id (MySQL). */
  readonly taskId: string;
  /** The tables whose changes the engine wants (the selection); others may be filtered at the source. */
  readonly tables: readonly TableRef[];
  /** Endpoint settings: an existing slot / decoding plugin to use instead of creating one. */
  readonly slotName?: string;
  readonly pluginName?: string;
}

/** Change capture on a source endpoint. One per task run; the caller closes it. */
export interface ChangeCapture {
  /**
   * Checks that the source can capture changes (PostgreSQL: wal_level=logical, replication
   * privilege, free slots; MySQL/MariaDB: log_bin, binlog_format=ROW, binlog_row_image=FULL,
   * server_id set) and rejects with a ConnectorError naming the setting to change.
   */
  checkPrerequisites(signal: AbortSignal): Promise<void>;
  /**
   * Prepares capture for the task (PostgreSQL: creates its publication and logical slot
   * unless they exist; MySQL: nothing) and returns the current position of the source. Called
   * before the full load's snapshot, so that every change the snapshot misses comes after the
   * returned position. Idempotent: a second call keeps the slot (and its retained history) and
   * returns the position it can resume from.
   */
  prepare(opts: CaptureOptions, signal: AbortSignal): Promise<SourcePosition>;
  /**
   * The position for a CdcStartTime (MySQL: the start of the newest binlog whose first event
   * is at or before it, so nothing after the time is missed). Rejects with a clear ConnectorError when the source cannot (PostgreSQL: slots cannot
   * go back in time).
   */
  positionAt?(time: Date, signal: AbortSignal): Promise<SourcePosition>;
  /** Parses a native position a user gives (an LSN, `file:pos`, a GTID set) into this connector's form; throws a clear Error when it is not one. */
  parsePosition(text: string): SourcePosition;
  /** <0, 0, >0 as a is before, equal to, after b. */
  comparePositions(a: SourcePosition, b: SourcePosition): number;
  /**
   * Streams the committed transactions after `from` (exclusive), in commit order, with
   * changes of `opts.tables` only (other tables' transactions still come, empty, or as idle
   * notices, so positions advance). History no longer available (slot gone, binlog purged)
   * rejects with a ConnectorError whose kind is 'history-lost'.
   */
  openStream(opts: CaptureOptions, from: SourcePosition, signal: AbortSignal): Promise<ChangeStream>;
  /** Drops what prepare() created for the task (slot, publication); nothing if it created nothing. */
  release(opts: CaptureOptions, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A change mapped onto the target table (names and values as the target takes them). */
export type TargetChange =
  | { readonly kind: 'upsert'; readonly table: TableRef; readonly columns: readonly string[]; readonly key: readonly string[]; readonly row: Row }
  | { readonly kind: 'delete'; readonly table: TableRef; readonly key: readonly string[]; readonly keyValues: Row }
  | { readonly kind: 'truncate'; readonly table: TableRef };

/**
 * Applies changes to a target, idempotently, on its own connection: upsert = insert, or
 * update every given column of the row with that key; delete by key (no row: nothing);
 * truncate. An update whose key changed is a delete of the old key then an upsert.
 */
export interface ChangeApplier {
  /**
   * Applies `changes` in order inside one target transaction and commits; all or nothing.
   * A row the target refuses rejects with a DataLoadError naming the change's index (the
   * transaction is rolled back; the applier stays usable).
   */
  apply(changes: readonly TargetChange[], signal: AbortSignal): Promise<void>;
  /** The table's definition changed (source DDL followed on the target): what the applier read about it is read again. */
  forget(table: TableRef): void;
  close(): Promise<void>;
}
