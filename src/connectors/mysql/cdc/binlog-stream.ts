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
 */
import type { ChangeStream, Change, RowChange, SourceTransaction, StreamNotice, SourcePosition } from '../../spi/changes.js';
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

export type StreamItem = SourceTransaction | StreamNotice;

export interface StreamSettings {
  readonly from: BinlogCoordinates;
  readonly tables: readonly TableRef[];
  readonly mariadb: boolean;
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

/** An identifier, `quoted` (doubled backticks), "quoted" (ANSI_QUOTES) or bare. */
const ident = String.raw`(?:\`((?:[^\`]|\`\`)+)\`|"((?:[^"]|"")+)"|([\w$\u0080-\uffff]+))`;
const truncateRe = new RegExp(String.raw`^\s*TRUNCATE\s+(?:TABLE\s+)?${ident}(?:\s*\.\s*${ident})?\s*;?\s*$`, 'is');

/** The statement without its comments (executable /*! ... *\/ ones kept), for recognising it. */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*(?!!)[\s\S]*?\*\//g, ' ').replace(/(?:#|--\s)[^\n]*/g, ' ');
}

function identOf(quoted: string | undefined, dquoted: string | undefined, bare: string | undefined): string | undefined {
  if (quoted !== undefined) return quoted.replace(/``/g, '`');
  if (dquoted !== undefined) return dquoted.replace(/""/g, '"');
  return bare;
}

/** `TRUNCATE [TABLE] [db.]t` -> the table (the statement's default database when unqualified). */
export function truncatedTable(query: string, database: string): TableRef | undefined {
  const m = truncateRe.exec(withoutComments(query));
  if (!m) return undefined;
  const first = identOf(m[1], m[2], m[3]);
  const second = identOf(m[4], m[5], m[6]);
  if (!first) return undefined;
  return second !== undefined ? { schema: first, name: second } : { schema: database, name: first };
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
  private readonly selectedNames: string[];
  private readonly columns: CaptureColumnCache;
  private group: OpenGroup | undefined;
  /** The position after the last complete event group: where a restart would begin. */
  private boundary: BinlogCoordinates;
  private lastIdleAt = 0;
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
    this.selected = new Set(settings.tables.map((t) => `${t.schema}\u0000${t.name}`));
    this.selectedNames = settings.tables.map((t) => t.name.toLowerCase());
    this.maxQueuedBytes = settings.maxQueuedBytes ?? defaultMaxQueuedBytes;
    this.idleEveryMs = settings.idleEveryMs ?? 1000;
    this.signal = AbortSignal.any([outer, this.stopping.signal]);
    this.columns = new CaptureColumnCache((t) => settings.loadColumns(t, this.signal));
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
      // A statement inside a transaction: statement-based logging of a change (binlog_format
      // overridden by a session), which has no row images.
      return this.mentionsSelected(sql) ? { kind: 'warning', message: `A change logged as a statement (not as rows) was not captured: ${clip(sql)}` } : undefined;
    }
    // A statement that is a group of its own: DDL.
    this.boundary = after;
    const truncated = truncatedTable(sql, q.database);
    if (truncated && this.isSelected(truncated.schema, truncated.name)) {
      return { changes: [{ kind: 'truncate', tables: [truncated] }], position: formatPosition(after), commitTime: new Date(header.timestamp * 1000) };
    }
    if (truncated) return undefined;
    if (this.mentionsSelected(sql)) {
      // The table may have changed shape: read its columns again at its next TABLE_MAP.
      for (const t of this.settings.tables) this.columns.forget(t);
      return { kind: 'warning', message: `DDL on the source is not replicated: ${clip(sql)}` };
    }
    return undefined;
  }

  private isSelected(schema: string, name: string): boolean {
    return this.selected.has(`${schema}\u0000${name}`);
  }

  private mentionsSelected(sql: string): boolean {
    const lower = sql.toLowerCase();
    return this.selectedNames.some((n) => lower.includes(n));
  }

  private endGroup(header: EventHeader, after: BinlogCoordinates): StreamItem | undefined {
    const group = this.group;
    this.group = undefined;
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

  private async rows(event: Buffer, header: EventHeader): Promise<undefined> {
    const body = decodeRowsHeader(event, header.type, this.fd);
    const map = this.tableMaps.get(body.tableId);
    if (!map) throw new Error(`row event for table id ${body.tableId} without its TABLE_MAP event`);
    if (!this.isSelected(map.database, map.table)) return undefined;
    const columns = await this.columns.columnsFor(map);
    const table: TableRef = { schema: map.database, name: map.table };
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
