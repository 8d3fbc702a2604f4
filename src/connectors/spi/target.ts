/** Writing a target for a full load: preparing tables and bulk-loading rows. */
import type { NeutralType, Row, TableRef } from './data-types.js';
import type { CopyChunk } from './source.js';

export interface TargetColumn {
  readonly name: string;
  readonly type: NeutralType;
  readonly nullable: boolean;
}

export interface TargetTableDef extends TableRef {
  readonly columns: readonly TargetColumn[];
  /** Created with the table unless the caller adds it after the load (CreatePkAfterFullLoad). */
  readonly primaryKey: readonly string[];
}

/**
 * A target table changed to follow the source's DDL during change data capture. Columns are
 * added nullable whatever the source says (the target's existing rows have no value for them);
 * `retype` changes a column's type (and drops NOT NULL when the source's column became
 * nullable); renames keep the column's data.
 */
export interface TableAlteration {
  readonly add: readonly TargetColumn[];
  readonly drop: readonly string[];
  readonly retype: readonly TargetColumn[];
  readonly rename: readonly { readonly from: string; readonly to: string }[];
}

/** A notice a connector gives while creating a table (a type it had to approximate ...). */
export interface DdlNotice {
  readonly column: string;
  readonly message: string;
}

export interface TargetSession {
  /**
   * True when the writers of this session implement TableWriter.writeCopy (PostgreSQL):
   * the engine may then stream a SourceSession.readCopy straight into them.
   */
  readonly writesCopy?: boolean;
  /**
   * True when building a table's primary key index after its rows are in is cheaper than
   * maintaining it row by row (PostgreSQL: one sorted build instead of a B-tree insert per
   * row). False or absent where the key is the table's storage order (InnoDB's clustered
   * index: adding it afterwards rebuilds the whole table).
   */
  readonly buildsKeyFasterAfterLoad?: boolean;
  tableExists(table: TableRef, signal: AbortSignal): Promise<boolean>;
  /**
   * Whether the table has a primary key. Targets with buildsKeyFasterAfterLoad implement it:
   * a run stopped before it added a deferred key finds the table keyless when it resumes.
   */
  hasPrimaryKey?(table: TableRef, signal: AbortSignal): Promise<boolean>;
  /** Creates the schema (MySQL: database) when missing. */
  ensureSchema(schema: string, signal: AbortSignal): Promise<void>;
  dropTable(table: TableRef, signal: AbortSignal): Promise<void>;
  truncateTable(table: TableRef, signal: AbortSignal): Promise<void>;
  /** Creates the table; `withPrimaryKey` false leaves the key for addPrimaryKey. */
  createTable(def: TargetTableDef, opts: { withPrimaryKey: boolean }, signal: AbortSignal): Promise<DdlNotice[]>;
  addPrimaryKey(table: TableRef, columns: readonly string[], signal: AbortSignal): Promise<void>;
  /** The table's column names in order; undefined when there is no such table. */
  columnNames?(table: TableRef, signal: AbortSignal): Promise<string[] | undefined>;
  /**
   * Applies `change` in one statement or transaction where the target can (all or nothing);
   * tolerant of a replay after a crash: adding a column the table has, or dropping one it
   * lacks, is not an error.
   */
  alterTable?(table: TableRef, change: TableAlteration, signal: AbortSignal): Promise<DdlNotice[]>;
  /**
   * Moves the table's sequences (PostgreSQL serial and identity columns) or AUTO_INCREMENT
   * counter (MySQL) past the largest value the table holds, so that the application's next
   * insert after a cutover does not collide with a migrated row. Never moves one backwards.
   * Returns what it moved, for the log (`"id": 1042`).
   */
  advanceSequences?(table: TableRef, signal: AbortSignal): Promise<string[]>;
  /** Opens a bulk writer on its own connection (COPY for PostgreSQL, batched inserts for MySQL). */
  openWriter(table: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<TableWriter>;
  close(): Promise<void>;
}

/**
 * Bulk load into one table inside a target transaction. `commit` makes what was written so
 * far durable and starts a new transaction (DMS CommitRate); `close` commits the rest.
 */
export interface TableWriter {
  /**
   * False when commit() can never refuse rows (the table has no deferred constraint): the
   * engine then holds no copy of the rows since the last commit for a replay, which saves
   * memory. Absent or true: a commit may reject with a DataLoadError.
   */
  readonly commitRefusesRows?: boolean;
  write(rows: readonly Row[]): Promise<void>;
  /**
   * With writeCopy: the type of each column the writer was opened with, when it takes COPY
   * binary for them (CopyReadOptions.binaryTypes); absent: text only.
   */
  readonly copyBinaryTypes?: readonly string[];
  /**
   * Optional raw pass-through (PostgreSQL targets): writes a chunk of PostgreSQL `COPY` data
   * (SourceSession.readCopy) into the columns the writer was opened with. The data may stay
   * in a COPY that is still open until the next commit()/close(); chunks between two commits
   * have one encoding. Unlike write(), a refusal (a DataLoadError from writeCopy or from the
   * commit() that ends the COPY) loses everything written since the last commit, write()s
   * included: the transaction is rolled back and a new one begun, and the writer stays
   * usable; the caller holds the data since the last commit to write it again (e.g. row by
   * row).
   */
  writeCopy?(chunk: CopyChunk): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
  /** Rolls back what is not committed and releases the connection. */
  abort(): Promise<void>;
}
