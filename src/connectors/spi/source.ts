/**
 * Reading a source for a full load: the catalog, then each table (or a key range of it)
 * streamed in batches from a consistent snapshot, never held whole in memory.
 */
import type { NeutralType, Row, TableInfo, TableRef } from './data-types.js';

/** A source-filter condition (DMS `filter-conditions`); values are canonical strings. */
export type FilterCondition =
  | { readonly op: 'eq' | 'noteq' | 'lte' | 'gte'; readonly value: string }
  | { readonly op: 'between' | 'notbetween'; readonly start: string; readonly end: string }
  | { readonly op: 'null' | 'notnull' };

/** One DMS source filter: its conditions are alternatives (OR); several filters combine with AND. */
export interface ColumnFilter {
  readonly column: string;
  readonly conditions: readonly FilterCondition[];
}

/**
 * A key range of a table: rows whose key tuple is > `after` (when given) and <= `upTo` (when
 * given), compared as tuples in key order. DMS `parallel-load` `ranges` boundaries become
 * consecutive ranges: (-, b1], (b1, b2], ..., (bn, -).
 */
export interface KeyRange {
  readonly columns: readonly string[];
  readonly after?: readonly string[];
  readonly upTo?: readonly string[];
}

export interface ReadRequest {
  readonly table: TableRef;
  /** Source column names, in the order the rows must carry them. */
  readonly columns: readonly string[];
  readonly filters: readonly ColumnFilter[];
  readonly range?: KeyRange;
  /**
   * Limited LOB mode: LOB columns cut to at most this many bytes (characters for text) by
   * the source query itself, so oversized values never cross the wire whole.
   */
  readonly lobLimits?: ReadonlyMap<string, number>;
  /** Rows per yielded batch (memory bound). */
  readonly batchRows: number;
  /**
   * Optional memory bound for wide rows (LOBs): a batch is yielded early once its values
   * reach about this many bytes, and the connector buffers no more than about this much
   * ahead of the consumer. Absent: batches of `batchRows` rows.
   */
  readonly batchBytes?: number;
}

/**
 * How the bytes of a CopyRead are laid out: PostgreSQL `COPY` data in `format` (text: one
 * row per `\n`-ended line, fields tab-separated, `\N` for NULL, backslash escapes; binary:
 * COPY binary tuples without the file header and trailer), either as the rows alone
 * (`rows`) or with each row wrapped in one protocol CopyData message as a PostgreSQL
 * server sends it (`messages`: byte 'd', int32 length counting itself, the row), which a
 * PostgreSQL target forwards to its server without copying (copy-chunks.ts).
 */
export interface CopyEncoding {
  readonly format: 'text' | 'binary';
  readonly framing: 'rows' | 'messages';
}

/** A piece of a CopyRead: whole rows only, `rows` of them. */
export interface CopyChunk {
  readonly bytes: Buffer;
  readonly rows: number;
  readonly encoding: CopyEncoding;
}

/** What SourceSession.readCopy returns: the rows as COPY data, and how to decode them. */
export interface CopyRead extends AsyncIterable<CopyChunk> {
  /**
   * Decodes the bytes of whole chunks this read yielded (concatenated) into the rows read()
   * would have yielded for them, or values the target takes as the same (for the engine's
   * row-by-row replay after a target refused raw data). Valid once the read has yielded its
   * first chunk.
   */
  decode(bytes: Buffer): Row[];
}

/** What the target writer takes besides COPY text (TableWriter.copyBinaryTypes). */
export interface CopyReadOptions {
  /**
   * The target's type of each requested column, by the connector's own names (PostgreSQL:
   * pg_catalog typname), when the target takes COPY binary. A source whose columns have
   * exactly these types, with a binary form it knows to be portable, sends binary.
   */
  readonly binaryTypes?: readonly string[];
}

export interface SourceSession {
  /**
   * True when every read and count of this session sees one state of the source (one
   * exported snapshot: PostgreSQL). The engine may then rely on a count for the reads, e.g.
   * read a LOB column whole when countOversized found no value above its limit.
   */
  readonly readsOneSnapshot?: boolean;
  /** Every user table (and view) of the source's database, with columns and keys. */
  listTables(signal: AbortSignal): Promise<TableInfo[]>;

  /**
   * Streams the rows of one table (or range) from this session's snapshot: all reads of one
   * session see the same consistent state of the source (PostgreSQL: one exported snapshot;
   * MySQL/MariaDB: a consistent-snapshot transaction per read).
   */
  read(req: ReadRequest, signal: AbortSignal): AsyncIterable<Row[]>;

  /**
   * Optional raw pass-through (PostgreSQL; MySQL/MariaDB formatting the text in its SELECT):
   * the rows of `req` as PostgreSQL `COPY` data (CopyEncoding), in the form that
   * `COPY ... FROM STDIN` of a PostgreSQL target turns into the very values read() would
   * have yielded for the same request. `batchRows` is not used: chunks come as the source
   * sends them. Only a connector whose text forms are the canonical ones for a PostgreSQL
   * target offers it; the engine uses it only when the target writer has
   * TableWriter.writeCopy and the table needs no per-row work (no added columns, no type
   * change).
   */
  readCopy?(req: ReadRequest, signal: AbortSignal, opts?: CopyReadOptions): CopyRead;

  /**
   * With readCopy: whether it can read columns of these (source) types. Absent: every
   * type (PostgreSQL). A table with a column it cannot format is read with read().
   */
  copyTextFits?(types: readonly NeutralType[]): boolean;

  /**
   * How many rows of the table (after filters) hold a LOB value larger than its limit, per
   * column: what limited LOB mode will truncate, so it can be reported, never silent.
   */
  countOversized(table: TableRef, filters: readonly ColumnFilter[], limits: ReadonlyMap<string, number>, signal: AbortSignal): Promise<Map<string, number>>;

  /**
   * Boundaries that split a table into about `parts` key ranges of similar size (for the
   * automatic split of big tables), as key tuples in canonical form; [] when it cannot split.
   */
  splitPoints(table: TableRef, keyColumns: readonly string[], parts: number, signal: AbortSignal): Promise<string[][]>;

  close(): Promise<void>;
}
