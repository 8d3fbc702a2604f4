/**
 * One logical replication connection reading a slot with pgoutput: the ChangeStream of
 * PostgreSQL.
 *
 * The connection is a node-postgres Client started with `replication: 'database'` (a
 * walsender that also takes SQL), with the session settings that make the values' text the
 * canonical one of spi/data-types.ts. `START_REPLICATION SLOT ... LOGICAL ...` is sent the way
 * postgres-copy-protocol.ts sends COPY: as a pg "submittable", so pg routes the protocol events
 * of the running command to it. pg 8.16 parses the server's CopyBothResponse ('W', its
 * `replicationStart` event, which the Client ignores: we listen for it on the connection to
 * know the stream started) and hands every CopyData message to the active submittable's
 * handleCopyData; those carry the walsender's XLogData ('w', one pgoutput message each) and
 * keepalives ('k'), decoded at once (pg reuses its read buffer afterwards).
 *
 * Feedback: standby status updates carry the acknowledged LSN as written/flushed/applied (the
 * slot's confirmed_flush_lsn follows the flushed one); one goes out on acknowledge(), when the
 * server asks for a reply, and every few seconds anyway, so wal_sender_timeout never ends an
 * idle stream. Nothing is acknowledged before acknowledge() is called (0 = none, which the
 * server ignores), so the slot only moves when the engine has committed.
 *
 * Back-pressure: finished transactions wait in a queue; when what is queued exceeds a bound
 * the socket is paused (as copyOut does) until the consumer took half of it. A transaction
 * is gathered whole before it is delivered (the contract hands one object per commit), so one
 * huge transaction is held in memory whole; protocol version 1 has no streaming of in-progress
 * transactions to avoid that.
 *
 * DDL: with `messages` (PostgreSQL 14+) pgoutput also sends logical decoding messages, which
 * carry the DDL event trigger's reports (ddl-event-triggers.ts). watch() adds a table to the
 * capture while the stream runs: selected in the assembler first, then added to the publication
 * (by the capture, on a connection of its own), so no change published after that is dropped.
 *
 * Resuming: the slot starts after `from`, but never before its confirmed_flush_lsn:
 * PostgreSQL silently starts there when an older position is asked for (what came before it
 * was acknowledged, so the target has it).
 */
import pg from 'pg';
import type { ChangeStream, SourcePosition, SourceTransaction, StreamNotice } from '../../spi/changes.js';
import { ConnectorError, hints } from '../../spi/connection-error.js';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../../spi/connection-params.js';
import type { TableRef } from '../../spi/data-types.js';
import { raceAbort, sslOptionsOf } from '../postgres-session.js';
import { captureError } from './capture-errors.js';
import { dateOfPgTimestamp, formatLsn, lsnOfPosition, positionOfLsn } from './lsn.js';
import { decodePgoutput } from './pgoutput.js';
import { TransactionAssembler } from './transaction-assembler.js';
import { parseWalSenderMessage, standbyStatusUpdate } from './walsender-messages.js';

/**
 * The walsender session's settings (startup options, so they hold before the first value is
 * formatted): the canonical text forms, UTF-8 text, and no statement timeout of a role's
 * defaults cutting the endless START_REPLICATION.
 */
export const replicationSessionOptions =
  '-c DateStyle=ISO,YMD -c TimeZone=UTC -c extra_float_digits=3 -c IntervalStyle=postgres -c bytea_output=hex ' +
  '-c client_encoding=UTF8 -c statement_timeout=0';

/** How often a standby status update goes out even when nothing happens (wal_sender_timeout is 60 s by default). */
const statusIntervalMs = 5_000;
/** Bytes of finished, undelivered transactions above which the socket is paused. */
const maxQueuedBytes = 8 * 1024 * 1024;
/** How long closing the connection may take before its socket is destroyed. */
const endTimeoutMs = 2_000;

export interface ReplicationStreamOptions {
  readonly slot: string;
  readonly publications: readonly string[];
  /** The tables whose changes are delivered; other relations' changes are dropped. */
  readonly tables: readonly TableRef[];
  /** Stream the transactions that commit after this LSN. */
  readonly from: bigint;
  /** The slot's confirmed_flush_lsn when the stream opens: acknowledgements at or below it change nothing and are not sent. */
  readonly confirmedFlush: bigint;
  /** Delivered before anything else (the warnings about tables captured partly, or DDL not captured). */
  readonly notices: readonly StreamNotice[];
  /** Ask pgoutput for logical decoding messages (the `messages` option, PostgreSQL 14+). */
  readonly messages: boolean;
  /** Adds a table to the task's publications (watch()); resolves with warnings about it. */
  readonly addTable: (table: TableRef, signal: AbortSignal) => Promise<readonly StreamNotice[]>;
}

/** The connection internals a submittable sees (pg's Connection). */
interface PgConnection {
  readonly stream: NodeJS.ReadableStream & NodeJS.WritableStream & { destroyed?: boolean; writable?: boolean };
  query(text: string): void;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

type Item = SourceTransaction | StreamNotice;

/** Opens the replication connection and starts streaming; rejects with the classified error (history-lost when the slot is gone). */
export async function openReplicationStream(params: ConnectionParams, opts: ReplicationStreamOptions, signal: AbortSignal): Promise<ReplicationStream> {
  signal.throwIfAborted();
  const stream = new ReplicationStream(params, opts, signal);
  try {
    await stream.start();
    return stream;
  } catch (err) {
    await stream.close();
    throw captureError(err, signal, describeTarget(params), opts.slot);
  }
}

export class ReplicationStream implements ChangeStream {
  private readonly client: pg.Client;
  private readonly target: string;
  private readonly assembler: TransactionAssembler;
  private connection: PgConnection | undefined;
  private readonly queue: { item: Item; bytes: number }[] = [];
  private queuedBytes = 0;
  /** XLogData bytes of the transaction being gathered, counted into its queue entry. */
  private transactionBytes = 0;
  private paused = false;
  private started = false;
  private settleStart: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private failure: unknown;
  private closing = false;
  private ending: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private iterated = false;
  /** The LSN last sent as flushed (0: none yet). */
  private acknowledged = 0n;
  /** The newest position queued (a transaction's or an idle notice's): idle notices only move forward. */
  private newest: bigint;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => {
    this.fail(this.signal.reason);
    void this.end();
  };

  constructor(
    params: ConnectionParams,
    private readonly opts: ReplicationStreamOptions,
    private readonly signal: AbortSignal,
  ) {
    this.target = describeTarget(params);
    this.assembler = new TransactionAssembler(opts.tables);
    this.newest = opts.from > opts.confirmedFlush ? opts.from : opts.confirmedFlush;
    for (const n of opts.notices) this.queue.push({ item: n, bytes: 0 });
    const config: pg.ClientConfig & { replication: 'database' } = {
      host: params.host,
      port: params.port,
      database: params.database ?? 'postgres',
      user: params.username,
      // Never ~/.pgpass or PGPASSWORD of the OpenDMS host (as postgres-session.ts).
      password: params.password ?? '',
      ssl: sslOptionsOf(params),
      connectionTimeoutMillis: params.connectTimeoutMs ?? defaultConnectTimeoutMs,
      application_name: 'opendms',
      replication: 'database',
      options: replicationSessionOptions,
    };
    this.client = new pg.Client(config);
    // Errors of the socket reach the stream through the submittable (handleError); without a
    // listener pg's 'error' event would crash the process.
    this.client.on('error', () => undefined);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  async start(): Promise<void> {
    await raceAbort(this.client.connect(), this.signal);
    const startedPromise = new Promise<void>((resolve, reject) => (this.settleStart = { resolve, reject }));
    const o = this.opts;
    const sql =
      `START_REPLICATION SLOT ${o.slot} LOGICAL ${formatLsn(o.from)} ` +
      `(proto_version '1', publication_names '${o.publications.join(',')}'${o.messages ? ", messages 'true'" : ''})`;
    void this.client.query(new StartReplication(sql, this) as unknown as pg.QueryConfig);
    await raceAbort(startedPromise, this.signal);
    this.timer = setInterval(() => this.sendStatus(), statusIntervalMs);
    this.timer.unref();
  }

  // --- what the submittable reports -------------------------------------------------------

  onSubmitted(connection: PgConnection): void {
    this.connection = connection;
  }

  onStarted(): void {
    this.started = true;
    this.settleStart?.resolve();
  }

  onCopyData(payload: Buffer): void {
    if (this.failure !== undefined || this.closing) return;
    try {
      const m = parseWalSenderMessage(payload);
      if (m.kind === 'keepalive') {
        if (m.replyRequested) this.sendStatus();
        // Between transactions the server's position is a checkpoint the engine may keep, so
        // the slot can move on while only other tables (or other databases) change.
        if (!this.assembler.inTransaction) this.queueIdle(m.walEnd, dateOfPgTimestamp(m.sendTime));
        return;
      }
      this.transactionBytes += m.data.length;
      const out = this.assembler.push(decodePgoutput(m.data));
      if (!out) return;
      const bytes = this.transactionBytes;
      this.transactionBytes = 0;
      if (out.kind === 'skipped') {
        this.queueIdle(lsnOfPosition(out.position), out.commitTime);
        return;
      }
      const lsn = lsnOfPosition(out.transaction.position);
      if (lsn > this.newest) this.newest = lsn;
      this.push({ item: out.transaction, bytes });
    } catch (err) {
      this.fail(err);
      void this.end();
    }
  }

  onServerError(err: unknown): void {
    if (!this.started) {
      this.settleStart?.reject(err);
      return;
    }
    if (this.closing) return;
    this.fail(captureError(err, this.signal, this.target, this.opts.slot));
    void this.end();
  }

  /** ReadyForQuery after the stream: the server ended replication (e.g. it is shutting down). */
  onServerEnded(): void {
    if (!this.started) {
      this.settleStart?.reject(new Error('the server ended START_REPLICATION without streaming'));
      return;
    }
    if (this.closing) return;
    this.fail(new ConnectorError({ kind: 'network', message: `PostgreSQL at ${this.target} ended the replication stream`, hint: hints.network }));
    void this.end();
  }

  // --- the queue -------------------------------------------------------------------------

  private queueIdle(lsn: bigint, sourceTime: Date): void {
    if (lsn <= this.newest) return;
    this.newest = lsn;
    const idle: StreamNotice = { kind: 'idle', position: positionOfLsn(lsn), sourceTime };
    // Keepalives of a consumer that does not pull: only the newest one matters.
    const last = this.queue[this.queue.length - 1];
    if (last && 'kind' in last.item && last.item.kind === 'idle') last.item = idle;
    else this.push({ item: idle, bytes: 0 });
  }

  private push(entry: { item: Item; bytes: number }): void {
    this.queue.push(entry);
    this.queuedBytes += entry.bytes;
    if (this.queuedBytes >= maxQueuedBytes && !this.paused) {
      this.paused = true;
      this.connection?.stream.pause();
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.notify();
  }

  /** Bytes of delivered-but-not-taken transactions (for tests and metrics). */
  get bufferedBytes(): number {
    return this.queuedBytes;
  }

  /** True while the socket is paused because the consumer fell behind. */
  get isPaused(): boolean {
    return this.paused;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SourceTransaction | StreamNotice> {
    if (this.iterated) throw new Error('a ChangeStream is iterated once');
    this.iterated = true;
    for (;;) {
      // An abort ends the iteration at once, whatever is still queued.
      if (this.signal.aborted) throw this.signal.reason;
      const entry = this.queue.shift();
      if (entry) {
        this.queuedBytes -= entry.bytes;
        if (this.paused && this.queuedBytes < maxQueuedBytes / 2 && !this.closing) {
          this.paused = false;
          this.connection?.stream.resume();
        }
        yield entry.item;
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.closing) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  // --- watching a new table ---------------------------------------------------------------

  /**
   * Captures `table` from now on. Its changes committed before it joined the publication are
   * not decoded for this slot (pgoutput skipped them), so the caller copies its rows: snapshot.
   */
  async watch(table: TableRef, signal: AbortSignal): Promise<{ readonly snapshot: boolean }> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing) throw new Error('the change stream is closed');
    const wasSelected = this.assembler.isSelected(table);
    // Selected before the publication changes: its first published change may be decoded
    // before addTable resolves.
    this.assembler.select(table);
    let notices: readonly StreamNotice[];
    try {
      notices = await this.opts.addTable(table, signal);
    } catch (err) {
      if (!wasSelected) this.assembler.unselect(table);
      throw err;
    }
    for (const n of notices) this.push({ item: n, bytes: 0 });
    return { snapshot: true };
  }

  // --- feedback and ending ---------------------------------------------------------------

  async acknowledge(position: SourcePosition): Promise<void> {
    const lsn = lsnOfPosition(position);
    if (lsn <= this.acknowledged || lsn <= this.opts.confirmedFlush) return;
    this.acknowledged = lsn;
    if (this.failure !== undefined) throw this.failure;
    await this.sendStatus();
  }

  /** Sends the acknowledged LSN; resolves once the socket took it (never rejects: a dead socket fails the stream anyway). */
  private sendStatus(): Promise<void> {
    const stream = this.connection?.stream;
    if (!this.started || this.closing || !stream || stream.destroyed || stream.writable === false) return Promise.resolve();
    return new Promise<void>((resolve) => {
      stream.write(standbyStatusUpdate(this.acknowledged), () => resolve());
    });
  }

  async close(): Promise<void> {
    await this.end();
  }

  /** One ending, shared by close, abort and failures, bounded like postgres-session.ts's. */
  private end(): Promise<void> {
    if (this.ending) return this.ending;
    this.closing = true;
    clearInterval(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
    this.notify();
    this.ending = Promise.race([
      // With the stream running pg ends it by destroying the socket; the walsender exits.
      this.client.end().catch(() => undefined),
      new Promise<void>((r) => setTimeout(r, endTimeoutMs).unref()),
    ]).then(() => {
      (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    });
    return this.ending;
  }
}

/** `START_REPLICATION` as a pg submittable: the stream gets the protocol events while it runs. */
class StartReplication {
  private connection: PgConnection | undefined;
  private readonly onStart = (): void => this.owner.onStarted();

  constructor(
    readonly text: string,
    private readonly owner: ReplicationStream,
  ) {}

  submit(connection: PgConnection): void {
    this.connection = connection;
    this.owner.onSubmitted(connection);
    connection.once('replicationStart', this.onStart);
    connection.query(this.text);
  }
  /** pg: keeps its query-timeout hook here. */
  callback(): void {}
  handleCopyData(msg: { chunk: Buffer }): void {
    this.owner.onCopyData(msg.chunk);
  }
  handleError(err: unknown): void {
    this.connection?.removeListener('replicationStart', this.onStart);
    this.owner.onServerError(err);
  }
  handleReadyForQuery(): void {
    this.connection?.removeListener('replicationStart', this.onStart);
    this.owner.onServerEnded();
  }
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
}

