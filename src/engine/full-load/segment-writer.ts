/**
 * Writes one segment's rows through a TableWriter, committing every CommitRate rows, and
 * finds the rows a target refuses.
 *
 * The SPI contract (connectors/spi/data-load-error.ts): a write() the target refuses rejects
 * with a DataLoadError, nothing of that call is kept, and the writer stays usable. So a
 * refused batch is written again in pieces: the rows before the one the target named (when
 * it named one) in one call, then row by row; each row refused alone goes to `onBadRow`,
 * which applies the ErrorBehavior policy (and throws to stop the segment).
 *
 * Should a commit be refused (a deferred constraint), nothing since the last commit is kept:
 * those rows are written again on a fresh writer in halves, each committed on its own, down
 * to the refused rows. For that, the rows since the last commit are held: at most CommitRate
 * rows or `maxPendingBytes`, which also bounds memory. A writer whose commit cannot refuse
 * rows (TableWriter.commitRefusesRows false: no deferred constraint) needs none held.
 */
import type { Row, TableWriter } from '../../connectors/spi/index.js';
import { isDataError, refusedRowIndex } from '../run-errors.js';

/** Commit earlier than CommitRate when the rows held for a possible replay grow this big. */
export const maxPendingBytes = 16 * 1024 * 1024;

export interface SegmentWriterOptions {
  /** Opens a writer on a fresh connection. */
  readonly open: () => Promise<TableWriter>;
  readonly commitRate: number;
  /** Rows written so far changed by `delta` (negative when a refused commit lost rows). */
  readonly onRows: (delta: number) => void;
  /** A row the target refused; throws to stop the segment (SUSPEND_TABLE, STOP_TASK). */
  readonly onBadRow: (row: Row, err: unknown) => Promise<void>;
}

export class SegmentWriter {
  private pending: Row[] = [];
  private pendingBytes = 0;
  /** Rows written since the last commit (held in `pending` only when a commit may refuse them). */
  private pendingRows = 0;

  private constructor(
    private writer: TableWriter,
    private readonly opts: SegmentWriterOptions,
  ) {}

  static async open(opts: SegmentWriterOptions): Promise<SegmentWriter> {
    return new SegmentWriter(await opts.open(), opts);
  }

  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.writeFinding(rows);
    if (this.pendingRows >= this.opts.commitRate || this.pendingBytes >= maxPendingBytes) await this.commit();
  }

  /** Commits what is written; the writer stays open for more. */
  async commit(): Promise<void> {
    if (this.pendingRows === 0) return;
    try {
      await this.writer.commit();
    } catch (err) {
      // Rows not held (the writer said its commit never refuses rows): nothing to replay.
      if (!isDataError(err) || this.pending.length !== this.pendingRows) throw err;
      await this.replayAfterRefusedCommit();
      return;
    }
    this.clearPending();
  }

  /** Commits the rest and closes the writer. */
  async finish(): Promise<void> {
    await this.commit();
    await this.writer.close();
  }

  /** Rolls back what is not committed; never throws (used on the way out of a failure). */
  async abort(): Promise<void> {
    await this.writer.abort().catch(() => undefined);
  }

  private accepted(rows: readonly Row[]): void {
    // A writer whose commit never refuses rows (commitRefusesRows false) needs no copy for a replay.
    if (this.writer.commitRefusesRows !== false) this.pending.push(...rows);
    this.pendingRows += rows.length;
    for (const r of rows) this.pendingBytes += sizeOf(r);
    this.opts.onRows(rows.length);
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingRows = 0;
  }

  /** Writes `rows`; on a refusal, the good rows still go in and each bad one goes to onBadRow. */
  private async writeFinding(rows: readonly Row[]): Promise<void> {
    let rest = rows;
    while (rest.length > 0) {
      try {
        await this.writer.write(rest);
        this.accepted(rest);
        return;
      } catch (err) {
        if (!isDataError(err)) throw err;
        const at = refusedRowIndex(err);
        if (rest.length === 1) {
          await this.opts.onBadRow(rest[0]!, err);
          return;
        }
        if (at === undefined || at < 0 || at >= rest.length) {
          await this.rowByRow(rest);
          return;
        }
        // The rows before the named one are probably good: one call; then the named row alone.
        if (at > 0) await this.writeOrRowByRow(rest.slice(0, at));
        await this.writeFinding([rest[at]!]);
        rest = rest.slice(at + 1);
      }
    }
  }

  private async writeOrRowByRow(rows: readonly Row[]): Promise<void> {
    try {
      await this.writer.write(rows);
      this.accepted(rows);
    } catch (err) {
      if (!isDataError(err)) throw err;
      await this.rowByRow(rows);
    }
  }

  private async rowByRow(rows: readonly Row[]): Promise<void> {
    for (const row of rows) {
      try {
        await this.writer.write([row]);
        this.accepted([row]);
      } catch (err) {
        if (!isDataError(err)) throw err;
        await this.opts.onBadRow(row, err);
      }
    }
  }

  private async replayAfterRefusedCommit(): Promise<void> {
    const rows = this.pending;
    this.opts.onRows(-rows.length);
    this.clearPending();
    await this.reopen();
    await this.bisect(rows);
  }

  private async reopen(): Promise<void> {
    await this.abort();
    this.writer = await this.opts.open();
  }

  /** Each piece written and committed alone, halving refused pieces down to single rows. */
  private async bisect(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.writer.write(rows);
      await this.writer.commit();
      this.opts.onRows(rows.length);
      return;
    } catch (err) {
      if (!isDataError(err)) throw err;
      await this.reopen();
      if (rows.length === 1) {
        await this.opts.onBadRow(rows[0]!, err);
        return;
      }
    }
    const half = Math.ceil(rows.length / 2);
    await this.bisect(rows.slice(0, half));
    await this.bisect(rows.slice(half));
  }
}

/** A rough size of a row in memory (bytes of its values), for the memory bounds. */
export function sizeOf(row: Row): number {
  let n = 16;
  for (const v of row) n += v === null || typeof v === 'boolean' ? 8 : Buffer.isBuffer(v) ? v.length : v.length * 2;
  return n;
}
