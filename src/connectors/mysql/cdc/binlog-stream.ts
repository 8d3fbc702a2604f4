/**
 * The change stream of a MySQL/MariaDB source: binlog events of one replication connection
 * turned into committed transactions of row changes of the selected tables.
 *
 * Events are queued raw as they arrive and decoded when the consumer pulls, so a consumer that
 * does not pull lets the queue grow to a bound, then the socket is paused (bounded memory; the
 * server waits, net_write_timeout raised). One transaction's changes are held whole until its
 * commit, since a SourceTransaction carries all of them.
 *
 * Event groups: MySQL starts a transaction with QUERY BEGIN, MariaDB with a GTID event (a
 * "standalone" GTID announces one statement, DDL, with no commit event after it); XID (InnoDB)
 * or QUERY COMMIT (non-transactional engines) ends it. Transactions rolled back are not in the
 * binlog, except non-transactional changes in them (BEGIN ... ROLLBACK): dropped with a warning.
 *
 * DDL: each ALTER/CREATE/DROP/RENAME TABLE statement (ddl-statement.ts) becomes DdlChanges
 * in a transaction of its own, at its place in the binlog; CREATE TABLE ... SELECT's CREATE
 * is the first change of the transaction that holds its rows. TRUNCATE of a selected table
 * is a TruncateChange. MariaDB's binlog_alter_two_phase logs an ALTER twice (START ALTER and
 * COMMIT/ROLLBACK ALTER): two alters, the second after the change is done.
 *
 * Column facts (type, signedness, character set, ENUM/SET members) come from the catalog,
 * read when a table's first TABLE_MAP is decoded and again after each DDL of it (the cache is
 * forgotten at the DDL's place in the stream). The catalog is the table as it is now, though,
 * not as it was when the rows were written: when the stream is behind the source (catching
 * up) and a table was altered after the rows being decoded, those rows are decoded with the
 * newer definition. Columns added at the end and changes of type are caught (binlog-columns.ts:
 * the TABLE_MAP's column types no longer match). Column names come from the TABLE_MAP itself
 * when the server writes them (binlog_row_metadata=FULL, MySQL 8.0.1+, MariaDB 10.5+): rows
 * written before a RENAME COLUMN keep the old name, and the catalog's facts are matched by
 * name (binlog-columns.ts namedColumns). Without them (NO_LOG/MINIMAL, older servers) names
 * come from the catalog too, so a column renamed, or dropped and another of the same type
 * added, is not caught: such rows, written before the ALTER, carry the new names (the
 * capture's prerequisite check warns about this setting).
 */
import type { ChangeStream, Change, DdlChange, RowChange, SourceTransaction, StreamNotice, SourcePosition } from '../../spi/changes.js';
import type { TableRef } from '../../spi/data-types.js';
import { ConnectorError } from '../../spi/connection-error.js';
import {
  Cursor,
  EventType,
  artificialFlag,
  checksumCrc32,
  checksumMatches,
  decodeFormatDescription,
  decodeMariadbGtid,
  decodeQuery,
  decodeRotate,
  decodeRowsHeader,
  decodeTableMap,
  decodeXid,
  readHeader,
  rowsEventInfo,
  type EventHeader,
  type FormatDescription,
  type TableMap,
} from './binlog-events.js';
import { formatPosition, type BinlogCoordinates } from './binlog-position.js';
import { decodeRowImage, type CaptureColumn, type ValueContext } from './binlog-values.js';
import { CaptureColumnCache } from './binlog-columns.js';
import type { BinlogDump, DumpHandler } from './binlog-dump.js';
import { ddlOf, droppedDatabase, identifiersOf, startsTransaction, truncatedTable } from './ddl-statement.js';

// Kept importable from here, where it used to live.
export { truncatedTable } from './ddl-statement.js';

export type StreamItem = SourceTransaction | StreamNotice;

export interface StreamSettings {
  readonly from: BinlogCoordinates;
  readonly tables: readonly TableRef[];
  readonly mariadb: boolean;
  /** A warning the stream gives first (binlog_row_metadata is not FULL: cdc-prerequisites.ts). */
  readonly notice?: string;
  /** Reads a table's columns from the catalog (undefined: the table is gone). */
  readonly loadColumns: (table: TableRef, signal: AbortSignal) => Promise<CaptureColumn[] | undefined>;
  /** Turns a failure of the dump (server error packet, lost connection) into the stream's error. */
  readonly classify: (err: unknown) => Error;
  /** Raw event bytes queued before the socket is paused. */
  readonly maxQueuedBytes?: number;
  /** Idle notices for skipped transactions come at most this often (heartbeats always give one). */
  readonly idleEveryMs?: number;
  /** Called once when the stream ends (closed, aborted or failed). */
  readonly onClose?: () => void;
}

const defaultMaxQueuedBytes = 16 * 1024 * 1024;

interface OpenGroup {
  changes: Change[];
  xid?: string;
}

/** SQL statements that only frame transactions (or savepoints), never changes of their own. */
const beginRe = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const commitRe = /^\s*COMMIT\b/i;
const rollbackRe = /^\s*ROLLBACK\s*(?:WORK\s*)?(?:;|$)/i;
const savepointRe = /^\s*(SAVEPOINT|ROLLBACK\s+(WORK\s+)?TO|RELEASE\s+SAVEPOINT)\b/i;
const xaRe = /^\s*XA\s+/i;

/** Statements with no effect on tables' rows or shape, whatever tables they name (no warning). */
const noEffectRe = /^\s*(ANALYZE|OPTIMIZE|REPAIR|CHECK|CHECKSUM|FLUSH|GRANT|REVOKE)\b/i;

const keyOf = (t: TableRef): string => `${t.schema}\u0000${t.name}`;

/**
 * The table of a TABLE_MAP is no longer in the catalog. It was there when its rows were
 * written, so it was dropped or renamed since, and that DROP or RENAME comes later in the
 * binlog (the stream is catching up): the target table is dropped then, or the renamed one
 * copied (watch() says snapshot), so skipping the rows converges.
 */
class TableGone extends Error {
  constructor(readonly table: TableRef) {
    super(`table ${table.schema}.${table.name} no longer exists in the catalog`);
  }
}

export class BinlogChangeStream implements ChangeStream {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private paused = false;
  private ended = false;
  private failure: { err: unknown } | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private dump: BinlogDump | undefined;
  private acknowledged: SourcePosition | undefined;

  private file: string;
  private fd: FormatDescription | undefined;
  private checksum = 0;
  private readonly tableMaps = new Map<number, TableMap>();
  private readonly selected: Set<string>;
  /** The selected tables: the task's, then those watch() added. */
  private readonly selectedTables: TableRef[];
  /** Their names in lower case, to notice statements that mention them. */
  private readonly selectedNames: Set<string>;
  /**
   * Tables created in the open group (CREATE TABLE ... SELECT: the CREATE, its rows, the
   * commit): their rows are kept although no one has chosen the table yet, since the engine
   * can only watch() it once it has the whole transaction (it ignores the rows if it does not).
   */
  private readonly createdInGroup = new Set<string>();
  /** Created tables whose rows the stream may not hold all of (SourceDdl.existingRows), until watched. */
  private readonly existingRows = new Set<string>();
  /**
   * Tables found gone (TableGone) until a CREATE of the name: their rows are skipped without
   * asking the catalog again (a large table dropped later has many row events), warned once.
   */
  private readonly gone = new Set<string>();
  private readonly columns: CaptureColumnCache;
  private group: OpenGroup | undefined;
  /** The position after the last complete event group: where a restart would begin. */
  private boundary: BinlogCoordinates;
  private lastIdleAt = 0;
  /** settings.notice until the consumer has had it. */
  private notice: string | undefined;
  private readonly maxQueuedBytes: number;
  private readonly idleEveryMs: number;
  /** Aborted by close() and the caller's signal: ends catalog reads in flight. */
  private readonly stopping = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    private readonly settings: StreamSettings,
    private readonly outer: AbortSignal,
  ) {
    this.file = settings.from.file;
    this.boundary = settings.from;
    this.selected = new Set(settings.tables.map(keyOf));
    this.selectedTables = [...settings.tables];
    this.selectedNames = new Set(settings.tables.map((t) => t.name.toLowerCase()));
    this.maxQueuedBytes = settings.maxQueuedBytes ?? defaultMaxQueuedBytes;
    this.idleEveryMs = settings.idleEveryMs ?? 1000;
    this.notice = settings.notice;
    this.signal = AbortSignal.any([outer, this.stopping.signal]);
    this.columns = new CaptureColumnCache(async (t) => {
      const columns = await settings.loadColumns(t, this.signal);
      if (!columns) throw new TableGone(t);
      return columns;
    });
    outer.addEventListener('abort', () => this.shutdown(), { once: true });
  }

  /** The handler the dump reports to (wired before the dump starts). */
  readonly handler: DumpHandler = {
    onEvent: (event) => {
      if (this.closed) return;
      this.queue.push(event);
      this.queuedBytes += event.length;
      if (!this.paused && this.queuedBytes > this.maxQueuedBytes && this.dump) {
        this.paused = true;
        this.dump.pause();
      }
      this.notify();
    },
    onEnd: () => {
      this.ended = true;
      this.notify();
    },
    onError: (err) => {
      if (this.closed) return;
      this.failure ??= { err };
      this.notify();
    },
  };

  attach(dump: BinlogDump): void {
    this.dump = dump;
    this.checksum = dump.checksum;
    if (this.closed) dump.destroy();
  }

  /** The last position acknowledged (MySQL keeps binlogs by its own expiry: nothing to tell it). */
  get lastAcknowledged(): SourcePosition | undefined {
    return this.acknowledged;
  }

  async acknowledge(position: SourcePosition): Promise<void> {
    this.acknowledged = position;
  }

  /**
   * Captures a table created on the source from now on. Nothing to copy (snapshot false): the
   * binlog holds every row the table got after its CREATE, and events are decoded only as the
   * consumer pulls, so none after the transaction that reported the CREATE has been looked at
   * yet — provided the caller watches before it pulls on. A table renamed into place, or
   * created IF NOT EXISTS when it may have been there, had rows before: snapshot true.
   */
  async watch(table: TableRef, _signal: AbortSignal): Promise<{ readonly snapshot: boolean }> {
    const key = keyOf(table);
    if (!this.selected.has(key)) {
      this.selected.add(key);
      this.selectedTables.push(table);
      this.selectedNames.add(table.name.toLowerCase());
    }
    return { snapshot: this.existingRows.delete(key) };
  }

  async close(): Promise<void> {
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.settings.onClose?.();
    this.stopping.abort(new Error('the change stream was closed'));
    this.dump?.destroy();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamItem> {
    return {
      next: () => this.next(),
      return: async () => {
        this.shutdown();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<StreamItem>> {
    for (;;) {
      // The caller's abort rejects with its reason, like every operation; close() just ends.
      if (this.outer.aborted) {
        this.shutdown();
        throw this.outer.reason;
      }
      if (this.closed) return { done: true, value: undefined };
      if (this.notice !== undefined) {
        const message = this.notice;
        this.notice = undefined;
        return { done: false, value: { kind: 'warning', message } };
      }
      const event = this.queue.shift();
      if (event === undefined) {
        if (this.failure) {
          this.shutdown();
          throw this.settings.classify(this.failure.err);
        }
        if (this.ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      this.queuedBytes -= event.length;
      if (this.paused && this.queuedBytes < this.maxQueuedBytes / 2) {
        this.paused = false;
        this.dump?.resume();
      }
      let item: StreamItem | undefined;
      try {
        item = await this.handle(event);
      } catch (err) {
        if (this.outer.aborted) throw this.outer.reason;
        if (this.closed) return { done: true, value: undefined };
        this.shutdown();
        throw err instanceof ConnectorError ? err : this.decodeError(err);
      }
      if (this.outer.aborted) throw this.outer.reason;
      if (item) return { done: false, value: item };
    }
  }

  private decodeError(err: unknown): Error {
    const text = err instanceof Error ? err.message : String(err);
    return new ConnectorError(
      { kind: 'other', message: `Reading the binlog at ${this.file} failed: ${text}`, hint: 'See the error for the table and column; this may be a binlog feature change capture does not support yet.' },
      { cause: err },
    );
  }

  /** One event: updates the stream's state, and returns what the consumer gets for it, if anything. */
  private async handle(raw: Buffer): Promise<StreamItem | undefined> {
    const header = readHeader(raw);
    if (header.type === EventType.FORMAT_DESCRIPTION) {
      this.fd = decodeFormatDescription(raw);
      this.checksum = this.fd.checksum;
      if (this.checksum === checksumCrc32 && !checksumMatches(raw)) throw new Error(`checksum mismatch in the FORMAT_DESCRIPTION event of ${this.file}`);
      return undefined;
    }
    const event = this.stripChecksum(raw, header);
    const nextPos = { file: this.file, pos: header.nextPos };
    switch (header.type) {
      case EventType.ROTATE: {
        const r = decodeRotate(event);
        this.file = r.nextFile;
        this.tableMaps.clear();
        if (!this.group) this.boundary = { file: r.nextFile, pos: r.pos };
        return undefined;
      }
      case EventType.MARIADB_GTID: {
        const g = decodeMariadbGtid(event);
        this.createdInGroup.clear();
        this.group = g.standalone ? undefined : { changes: [], xid: `${g.domainId}-${header.serverId}-${g.seqNo}` };
        return undefined;
      }
      case EventType.QUERY:
      case EventType.MARIADB_QUERY_COMPRESSED:
        return this.query(event, header, nextPos);
      case EventType.TABLE_MAP: {
        const map = decodeTableMap(event, this.fd);
        this.tableMaps.set(map.tableId, map);
        return undefined;
      }
      case EventType.XID: {
        const xid = decodeXid(event);
        if (this.group && this.group.xid === undefined) this.group.xid = xid.toString();
        return this.endGroup(header, nextPos);
      }
      case EventType.HEARTBEAT:
      case EventType.HEARTBEAT_V2:
        if (this.group) return undefined;
        return this.idle(true);
      case EventType.TRANSACTION_PAYLOAD:
        throw new ConnectorError({
          kind: 'not-configured',
          message: `The binlog at ${this.file}:${header.nextPos} holds a compressed transaction (binlog_transaction_compression=ON), which change capture cannot read`,
          hint: 'Set binlog_transaction_compression=OFF on the source (SET PERSIST or my.cnf [mysqld]), then reload the task’s tables.',
        });
      case EventType.PARTIAL_UPDATE_ROWS:
        throw new ConnectorError({
          kind: 'not-configured',
          message: `The binlog at ${this.file}:${header.nextPos} holds a partial JSON update (binlog_row_value_options=PARTIAL_JSON), which has no whole after image`,
          hint: "Set binlog_row_value_options='' on the source (SET PERSIST or my.cnf [mysqld]), then reload the task’s tables.",
        });
      default:
        if (rowsEventInfo(header.type)) return this.rows(event, header);
        return undefined;
    }
  }

  /** The event without its CRC32, verified; the first (artificial) ROTATE may come without one. */
  private stripChecksum(raw: Buffer, header: EventHeader): Buffer {
    if (this.checksum !== checksumCrc32) return raw;
    if (checksumMatches(raw)) return raw.subarray(0, raw.length - 4);
    if ((header.flags & artificialFlag) !== 0 || header.type === EventType.HEARTBEAT || header.type === EventType.HEARTBEAT_V2 || !this.fd) return raw;
    throw new Error(`checksum mismatch in a binlog event (type ${header.type}) ending at ${this.file}:${header.nextPos}`);
  }

  private async query(event: Buffer, header: EventHeader, after: BinlogCoordinates): Promise<StreamItem | undefined> {
    const q = decodeQuery(event, this.fd, header.type === EventType.MARIADB_QUERY_COMPRESSED);
    const sql = q.query;
    if (beginRe.test(sql)) {
      this.group ??= { changes: [] };
      return undefined;
    }
    if (commitRe.test(sql)) return this.endGroup(header, after);
    if (rollbackRe.test(sql)) {
      const dropped = this.group?.changes.length ?? 0;
      this.group = undefined;
      this.createdInGroup.clear();
      this.boundary = after;
      if (dropped > 0) {
        return { kind: 'warning', message: `A transaction ending at ${formatPosition(after)} was rolled back after changing non-transactional tables: its ${dropped} captured changes were not applied (the source kept the non-transactional ones)` };
      }
      return undefined;
    }
    if (savepointRe.test(sql)) return undefined;
    if (xaRe.test(sql)) {
      if (this.group) return undefined;
      this.boundary = after;
      return this.mentionsSelected(sql) ? { kind: 'warning', message: `XA transaction statement not captured: ${clip(sql)}` } : undefined;
    }
    if (this.group) {
      // CREATE TABLE ... SELECT (MariaDB; MySQL before 8.0.21): the CREATE opens the group
      // that goes on with its rows.
      const ddl = this.sourceDdl(sql, q.database, this.createdInGroup);
      if (ddl) {
        this.group.changes.push(...ddl);
        return undefined;
      }
      // Else statement-based logging of a change (binlog_format overridden by a session),
      // which has no row images.
      return this.mentionsSelected(sql) ? { kind: 'warning', message: `A change logged as a statement (not as rows) was not captured: ${clip(sql)}` } : undefined;
    }
    if (startsTransaction(sql)) {
      // MySQL 8.0.21+'s CREATE TABLE ... SELECT opens the group itself; its XID ends it.
      this.createdInGroup.clear();
      this.group = { changes: this.sourceDdl(sql, q.database, this.createdInGroup) ?? [] };
      return undefined;
    }
    // A statement that is a group of its own: DDL.
    this.boundary = after;
    const commitTime = new Date(header.timestamp * 1000);
    const truncated = truncatedTable(sql, q.database);
    if (truncated && this.isSelected(truncated.schema, truncated.name)) {
      return { changes: [{ kind: 'truncate', tables: [truncated] }], position: formatPosition(after), commitTime };
    }
    if (truncated) return undefined;
    const ddl = this.sourceDdl(sql, q.database, new Set());
    if (ddl) {
      if (ddl.length === 0) return undefined;
      this.lastIdleAt = Date.now();
      return { changes: ddl, position: formatPosition(after), commitTime };
    }
    const database = droppedDatabase(sql);
    if (database !== undefined) {
      // Not replicated, like DMS: the target keeps its tables (and their data).
      const gone = this.selectedTables.filter((t) => t.schema === database);
      if (gone.length === 0) return undefined;
      return { kind: 'warning', message: `The source database ${database} was dropped with ${gone.length} of the task's tables (${clip(gone.map((t) => t.name).join(', '))}); the target tables are kept: ${clip(sql)}` };
    }
    if (noEffectRe.test(sql)) return undefined;
    if (this.mentionsSelected(sql)) {
      // Another statement about a selected table (CREATE INDEX, a view, a trigger ...): its
      // shape may still have changed, so its columns are read again at its next TABLE_MAP.
      for (const t of this.selectedTables) this.columns.forget(t);
      return { kind: 'warning', message: `DDL on the source not replicated: ${clip(sql)}` };
    }
    return undefined;
  }

  /**
   * The changes of a DDL statement to report (undefined: not a table DDL statement): creates
   * of any table (the engine decides whether its selection takes it); alters and drops of
   * selected tables, or of tables `created` earlier in the same transaction. Alters match a
   * selected table in any letter case (at worst its catalog is read once more); drops only
   * exactly (lower_case_table_names=0 makes `T` and `t` two tables).
   * The columns cached for each table are forgotten here, in stream order, so the next
   * TABLE_MAP after the DDL reads the catalog again.
   */
  private sourceDdl(sql: string, database: string, created: Set<string>): DdlChange[] | undefined {
    const parsed = ddlOf(sql, database);
    if (parsed.length === 0) return undefined;
    const out: DdlChange[] = [];
    for (const d of parsed) {
      const key = keyOf(d.table);
      const table = d.action === 'create' || created.has(key) ? d.table : this.selectedRef(d.table, d.action === 'alter');
      if (!table) continue;
      this.columns.forget(table);
      if (d.action === 'create') {
        created.add(key);
        this.gone.delete(key);
        if (d.existingRows) this.existingRows.add(key);
        else this.existingRows.delete(key);
      } else if (d.action === 'drop') {
        created.delete(key);
        this.existingRows.delete(key);
      }
      out.push({ kind: 'ddl', action: d.action, table, ...(d.statement !== undefined ? { statement: d.statement } : {}) });
    }
    return out;
  }

  private selectedRef(table: TableRef, anyCase: boolean): TableRef | undefined {
    if (this.selected.has(keyOf(table))) return table;
    if (!anyCase) return undefined;
    const schema = table.schema.toLowerCase();
    const name = table.name.toLowerCase();
    return this.selectedTables.find((t) => t.schema.toLowerCase() === schema && t.name.toLowerCase() === name);
  }

  private isSelected(schema: string, name: string): boolean {
    return this.selected.has(`${schema}\u0000${name}`);
  }

  /** Whether the statement names a selected table (by its name alone: a schema may be implied). */
  private mentionsSelected(sql: string): boolean {
    const names = identifiersOf(sql);
    if (names) return [...this.selectedNames].some((n) => names.has(n));
    const lower = sql.toLowerCase();
    return [...this.selectedNames].some((n) => lower.includes(n));
  }

  private endGroup(header: EventHeader, after: BinlogCoordinates): StreamItem | undefined {
    const group = this.group;
    this.group = undefined;
    this.createdInGroup.clear();
    this.boundary = after;
    if (group && group.changes.length > 0) {
      this.lastIdleAt = Date.now();
      return {
        changes: group.changes,
        position: formatPosition(after),
        commitTime: new Date(header.timestamp * 1000),
        ...(group.xid !== undefined ? { xid: group.xid } : {}),
      };
    }
    return this.idle(false);
  }

  /** An idle notice at the last group boundary: always on a heartbeat, else at most every idleEveryMs. */
  private idle(heartbeat: boolean): StreamNotice | undefined {
    const now = Date.now();
    if (!heartbeat && now - this.lastIdleAt < this.idleEveryMs) return undefined;
    this.lastIdleAt = now;
    return { kind: 'idle', position: formatPosition(this.boundary), sourceTime: new Date(now) };
  }

  private async rows(event: Buffer, header: EventHeader): Promise<StreamNotice | undefined> {
    const body = decodeRowsHeader(event, header.type, this.fd);
    const map = this.tableMaps.get(body.tableId);
    if (!map) throw new Error(`row event for table id ${body.tableId} without its TABLE_MAP event`);
    const table: TableRef = { schema: map.database, name: map.table };
    const key = keyOf(table);
    const selected = this.isSelected(map.database, map.table);
    if (!selected && !this.createdInGroup.has(key)) return undefined;
    if (this.gone.has(key)) return undefined;
    let columns: CaptureColumn[];
    try {
      columns = await this.columns.columnsFor(map);
    } catch (err) {
      if (this.signal.aborted) throw err;
      if (err instanceof TableGone) {
        this.gone.add(key);
        return {
          kind: 'warning',
          message: `Changes of ${table.schema}.${table.name} before ${this.file}:${header.nextPos} were skipped: the table no longer exists on the source (dropped or renamed later in the binlog, which the stream has not reached yet)`,
        };
      }
      if (selected) throw err;
      // A table created in this transaction that no one has chosen yet, altered on the
      // source since: its rows here cannot be decoded. Should the engine watch it, it copies
      // the table instead (watch() says snapshot).
      this.existingRows.add(key);
      return undefined;
    }
    const ctx: ValueContext = { table: `${map.database}.${map.table}`, mariadb: this.settings.mariadb };
    const c = new Cursor(body.rows, body.start);
    const group = (this.group ??= { changes: [] });
    while (c.remaining > 0) {
      const first = decodeRowImage(c, map.columns, body.present, columns, ctx);
      let change: RowChange;
      if (body.kind === 'write') {
        change = { kind: 'insert', table, columns: first.columns, after: first.values };
      } else if (body.kind === 'delete') {
        change = { kind: 'delete', table, beforeColumns: first.columns, before: first.values };
      } else {
        const second = decodeRowImage(c, map.columns, body.presentAfter ?? body.present, columns, ctx);
        change = { kind: 'update', table, columns: second.columns, after: second.values, beforeColumns: first.columns, before: first.values };
      }
      group.changes.push(change);
    }
    return undefined;
  }
}

function clip(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
