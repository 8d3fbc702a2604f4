/**
 * COPY over node-postgres at the protocol level, for the raw pass-through of the full load.
 *
 * copyOut: `COPY ... TO STDOUT` whose CopyData messages are handed on as the server sent
 * them, framing included (CopyEncoding `messages`): PostgreSQL sends one CopyData message per
 * row, so rows are counted by walking message lengths, and a PostgreSQL target forwards the
 * bytes to its server unchanged. pg-copy-streams instead copies every row's payload out of
 * its message and joins them again, which cost the PostgreSQL -> PostgreSQL load about as
 * much CPU as both servers' COPY formatting together on a 2-core machine.
 *
 * CopyIn: `COPY ... FROM STDIN` fed with chunks of either framing; binary COPY gets its file
 * header and trailer here, since a source's chunks carry neither.
 *
 * Both take over the connection the way pg-copy-streams does (a pg "submittable": pg routes
 * the protocol events of the active query to it); copyOut also takes the socket's data from
 * pg's parser while the rows flow and gives the rest (CommandComplete, ReadyForQuery, or an
 * ErrorResponse) back to it.
 */
import type pg from 'pg';
import { binaryCopyHeader, binaryCopyTrailer, copyDataMessage } from '../spi/copy-chunks.js';
import type { CopyChunk, CopyEncoding } from '../spi/source.js';

const msg = { copyData: 0x64, copyDone: 0x63, error: 0x45 } as const;

/** The connection internals a submittable sees (pg's Connection). */
interface PgConnection {
  readonly stream: NodeJS.ReadableStream & NodeJS.WritableStream & { destroyed?: boolean };
  query(text: string): void;
}

/** Unread bytes the consumer may fall behind by before the socket is paused. */
const maxQueuedBytes = 1024 * 1024;

export interface CopyOutOptions {
  readonly format: CopyEncoding['format'];
  /** Fields per row: checked on each binary row, so a protocol surprise fails loudly. */
  readonly columns: number;
  readonly signal: AbortSignal;
}

/**
 * Runs `sql` (a `COPY ... TO STDOUT` in `opts.format`) on `client` and yields its rows as
 * chunks of CopyData messages (binary: without the file header and trailer). Ends once the
 * server confirmed the COPY; a server error rejects with pg's DatabaseError.
 */
export async function* copyOut(client: pg.Client, sql: string, opts: CopyOutOptions): AsyncGenerator<CopyChunk> {
  const q = new CopyOutQuery(sql, opts);
  void client.query(q as unknown as pg.QueryConfig);
  yield* q.chunks();
}

class CopyOutQuery {
  private readonly encoding: CopyEncoding;
  private connection: PgConnection | undefined;
  private pgOnData: ((chunk: Buffer) => void) | undefined;
  private readonly onData = (chunk: Buffer): void => this.feed(chunk);
  private readonly onClose = (): void => this.fail(new Error('the connection closed during COPY'));
  /** Parsed chunks not yet taken, and their size. */
  private queue: CopyChunk[] = [];
  private queuedBytes = 0;
  /** A message split across socket reads: its pieces so far. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The split message's whole length, once its header is in. */
  private partialWhole: number | undefined;
  private headerSeen = false;
  /** Set once the rows are over (CopyDone) or the server refused the query. */
  private copyDone = false;
  private finished = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    readonly text: string,
    private readonly opts: CopyOutOptions,
  ) {
    this.encoding = { format: opts.format, framing: 'messages' };
  }

  /** pg: the query is ours to send; the socket's data is ours until the rows end. */
  submit(connection: PgConnection): void {
    this.connection = connection;
    const stream = connection.stream;
    const listeners = stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`COPY expects pg's one data listener on the socket, found ${listeners.length}`);
    this.pgOnData = listeners[0] as (chunk: Buffer) => void;
    stream.removeListener('data', this.pgOnData);
    stream.on('data', this.onData);
    stream.once('close', this.onClose);
    connection.query(this.text);
  }

  /** pg: keeps its query-timeout hook here. */
  callback(): void {}
  handleCommandComplete(): void {}
  handleReadyForQuery(): void {
    this.finished = true;
    this.notify();
  }
  handleError(err: unknown): void {
    this.fail(err);
  }
  handleEmptyQuery(): void {}
  /** Rows pg sees after an early detach (the consumer stopped): dropped, the connection is closing. */
  handleCopyData(): void {}

  async *chunks(): AsyncGenerator<CopyChunk> {
    const onAbort = (): void => this.fail(this.opts.signal.reason);
    this.opts.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (this.queue.length > 0) {
          const chunk = this.queue.shift()!;
          this.queuedBytes -= chunk.bytes.length;
          if (this.queuedBytes < maxQueuedBytes / 2 && !this.copyDone) this.connection?.stream.resume();
          yield chunk;
          continue;
        }
        if (this.failure !== undefined) throw this.failure;
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.opts.signal.removeEventListener('abort', onAbort);
      // Stopped early (abort, consumer gone): the caller closes the connection; the socket
      // must not stay paused with pg's parser cut off meanwhile.
      if (!this.copyDone) this.detach(Buffer.alloc(0));
    }
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

  private emit(bytes: Buffer, rows: number): void {
    if (rows === 0) return;
    this.queue.push({ bytes, rows, encoding: this.encoding });
    this.queuedBytes += bytes.length;
    if (this.queuedBytes >= maxQueuedBytes) this.connection?.stream.pause();
    this.notify();
  }

  /** Gives the socket back to pg's parser, with the bytes it has not seen yet. */
  private detach(rest: Buffer): void {
    const c = this.connection;
    if (this.copyDone || !c || !this.pgOnData) return;
    this.copyDone = true;
    c.stream.removeListener('data', this.onData);
    c.stream.removeListener('close', this.onClose);
    c.stream.on('data', this.pgOnData);
    if (rest.length > 0) this.pgOnData(rest);
    c.stream.resume();
  }

  private feed(chunk: Buffer): void {
    try {
      let data = chunk;
      // First complete a message split across reads (its 5-byte header may be split too).
      while (this.partialBytes > 0 && data.length > 0) {
        const need = this.partialWhole === undefined ? 5 - this.partialBytes : this.partialWhole - this.partialBytes;
        const take = Math.min(need, data.length);
        this.partial.push(data.subarray(0, take));
        this.partialBytes += take;
        data = data.subarray(take);
        if (this.partialWhole === undefined && this.partialBytes >= 5) {
          const held = Buffer.concat(this.partial, this.partialBytes);
          this.partial = [held];
          this.partialWhole = 1 + held.readUInt32BE(1);
        }
        if (this.partialWhole !== undefined && this.partialBytes >= this.partialWhole) {
          const message = Buffer.concat(this.partial, this.partialBytes);
          this.partial = [];
          this.partialBytes = 0;
          this.partialWhole = undefined;
          if (this.walk(message) < 0) return;
        }
      }
      if (data.length === 0) return;
      const used = this.walk(data);
      if (used >= 0 && used < data.length) {
        this.partial = [data.subarray(used)];
        this.partialBytes = data.length - used;
        this.partialWhole = this.partialBytes >= 5 ? 1 + data.readUInt32BE(used + 1) : undefined;
      }
    } catch (err) {
      this.fail(err);
      this.detach(Buffer.alloc(0));
    }
  }

  /**
   * Walks the whole messages at the start of `data`, emitting runs of CopyData rows; returns
   * how many bytes it used (the rest starts a message split across reads), or -1 when the
   * rows are over and the socket went back to pg.
   */
  private walk(data: Buffer): number {
    let pos = 0;
    let runStart = 0;
    let rows = 0;
    const binary = this.opts.format === 'binary';
    while (data.length - pos >= 5) {
      const code = data[pos]!;
      const end = pos + 1 + data.readUInt32BE(pos + 1);
      if (code === msg.error) {
        // pg parses the error and fails the query (handleError); whatever follows is pg's too.
        this.emit(data.subarray(runStart, pos), rows);
        this.detach(data.subarray(pos));
        return -1;
      }
      if (end > data.length) break;
      if (code === msg.copyData && !(binary && (!this.headerSeen || end - pos === 7))) {
        this.checkRow(data, pos, end);
        rows++;
        pos = end;
        continue;
      }
      // Anything else ends the run of rows: emitted up to here.
      this.emit(data.subarray(runStart, pos), rows);
      rows = 0;
      if (code === msg.copyData) this.binarySpecial(data.subarray(pos + 5, end));
      pos = end;
      runStart = pos;
      if (code === msg.copyDone) {
        this.detach(data.subarray(pos));
        return -1;
      }
      // CopyOutResponse, and the notices or parameter changes a server may send meanwhile: skipped.
    }
    this.emit(data.subarray(runStart, pos), rows);
    return pos;
  }

  /** A binary CopyData message that is not a plain row: the one with the file header, or the trailer. */
  private binarySpecial(payload: Buffer): void {
    if (!this.headerSeen) {
      if (payload.length < 19 || !payload.subarray(0, 11).equals(binaryCopyHeader.subarray(0, 11))) {
        throw new Error('COPY binary output does not start with the PGCOPY signature');
      }
      this.headerSeen = true;
      const rest = payload.subarray(19 + payload.readUInt32BE(15));
      // PostgreSQL sends the header with the first row (or with the trailer of an empty table).
      if (rest.length === 0 || isTrailer(rest)) return;
      this.checkBinaryRow(rest);
      this.emit(copyDataMessage(rest), 1);
      return;
    }
    if (!isTrailer(payload)) {
      this.checkBinaryRow(payload);
      this.emit(copyDataMessage(payload), 1);
    }
  }

  /** One row per CopyData message is how PostgreSQL sends COPY; row counts rely on it. */
  private checkRow(data: Buffer, pos: number, end: number): void {
    if (this.opts.format === 'text') {
      if (data[end - 1] !== 10) throw new Error('COPY output: a CopyData message that is not one whole row (rows are counted per message)');
    } else if (end - pos < 7 || data.readInt16BE(pos + 5) !== this.opts.columns) {
      throw new Error(`COPY binary output: a CopyData message that is not one row of ${this.opts.columns} fields`);
    }
  }

  private checkBinaryRow(payload: Buffer): void {
    if (payload.length < 2 || payload.readInt16BE(0) !== this.opts.columns) {
      throw new Error(`COPY binary output: a CopyData message that is not one row of ${this.opts.columns} fields`);
    }
  }
}

const isTrailer = (b: Buffer): boolean => b.length === 2 && b[0] === 0xff && b[1] === 0xff;

/**
 * One `COPY ... FROM STDIN` in progress on a connection. Chunks go out as soon as they come
 * (one in flight: write() resolves when the socket took it); the first server error rejects
 * the pending and every later call. `end()` resolves once the server confirmed the COPY.
 */
export class CopyIn {
  private connection: PgConnection | undefined;
  private failure: unknown;
  private readonly started: Promise<void>;
  private readonly done: Promise<void>;
  private settleStart!: { resolve: () => void; reject: (e: unknown) => void };
  private settleDone!: { resolve: () => void; reject: (e: unknown) => void };
  private readonly failed: Promise<never>;
  private rejectFailed!: (e: unknown) => void;
  private ended = false;

  /** Starts `sql` (a COPY FROM STDIN whose format is `format`) on `client`. */
  static start(client: pg.Client, sql: string, format: CopyEncoding['format']): CopyIn {
    const copy = new CopyIn(sql, format);
    void client.query(copy as unknown as pg.QueryConfig);
    return copy;
  }

  private constructor(
    readonly text: string,
    private readonly format: CopyEncoding['format'],
  ) {
    this.started = new Promise((resolve, reject) => (this.settleStart = { resolve, reject }));
    this.done = new Promise((resolve, reject) => (this.settleDone = { resolve, reject }));
    this.failed = new Promise((_, reject) => (this.rejectFailed = reject));
    for (const p of [this.started, this.done, this.failed]) p.catch(() => undefined);
  }

  submit(connection: PgConnection): void {
    this.connection = connection;
    connection.query(this.text);
  }
  callback(): void {}
  handleCopyInResponse(): void {
    if (this.format === 'binary') this.connection!.stream.write(copyDataMessage(binaryCopyHeader));
    this.settleStart.resolve();
  }
  handleCommandComplete(): void {}
  handleReadyForQuery(): void {
    this.settleDone.resolve();
  }
  handleError(err: unknown): void {
    this.failure ??= err;
    this.settleStart.reject(err);
    this.settleDone.reject(err);
    this.rejectFailed(err);
  }
  handleEmptyQuery(): void {}

  /** Sends `chunk` (rows in this COPY's format, framed as `chunk.encoding.framing` says). */
  async write(chunk: CopyChunk | Buffer): Promise<void> {
    if (this.ended) throw new Error('COPY already ended');
    await Promise.race([this.started, this.failed]);
    if (this.failure !== undefined) throw this.failure;
    const bytes = Buffer.isBuffer(chunk) ? chunk : chunk.bytes;
    const framed = !Buffer.isBuffer(chunk) && chunk.encoding.framing === 'messages';
    if (!Buffer.isBuffer(chunk) && chunk.encoding.format !== this.format) {
      throw new Error(`COPY ${this.format} was started, a chunk in ${chunk.encoding.format} came`);
    }
    const stream = this.connection!.stream;
    let flushed = true;
    if (!framed) {
      const header = Buffer.allocUnsafe(5);
      header[0] = msg.copyData;
      header.writeUInt32BE(4 + bytes.length, 1);
      stream.write(header);
    }
    flushed = stream.write(bytes);
    if (!flushed) await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), this.failed]);
  }

  /** Ends the data (binary: its trailer) and waits for the server to confirm the COPY. */
  async end(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await Promise.race([this.started, this.failed]);
      const stream = this.connection!.stream;
      if (this.format === 'binary') stream.write(copyDataMessage(binaryCopyTrailer));
      stream.write(Buffer.from([msg.copyDone, 0, 0, 0, 4]));
    }
    await this.done;
  }
}
