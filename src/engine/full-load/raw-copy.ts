/**
 * Raw pass-through of one segment to a PostgreSQL target: when the table needs no per-row
 * work, the source's COPY text (PostgreSQL's `COPY (SELECT ...) TO STDOUT`, or the lines a
 * MySQL/MariaDB SELECT formats: connectors/mysql/mysql-copy-text.ts) goes straight into the
 * target's `COPY ... FROM STDIN`, never parsed into rows nor encoded again. Filters, column
 * subsets, renames and LOB limits live in the source's SELECT, so they are fine; added
 * columns and type changes need the row path (table-loader.ts / segment-writer.ts).
 *
 * Rows are counted by newline bytes (COPY text escapes newlines inside values), CommitRate
 * is honoured by cutting chunks at line boundaries, and the text since the last commit is
 * held (at most CommitRate rows or `maxHeldBytes`, committing earlier when it grows).
 *
 * Refused data: a target that refuses raw text loses everything since the last commit
 * (TableWriter.writeCopyText). The held text (with the refused chunk) is then decoded into
 * rows by the source (CopyTextRead.decode) and handed to the row path's SegmentWriter,
 * which writes them again, finds the refused rows and applies ErrorBehavior to each
 * (skip, suspend the table, stop the task) exactly as for a row-mode load; once they are
 * committed, the segment goes on raw. Replaying the decoded rows, rather than re-reading
 * the segment in row mode, needs no stable row order of the source.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CopyTextRead, ReadRequest, Row, SourceSession, TableWriter, TargetSession } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import { isDataError } from '../run-errors.js';
import type { RowTransform } from './row-transform.js';
import { SegmentWriter } from './segment-writer.js';

/** Commit earlier than CommitRate when the raw text held for a possible replay grows this big. */
export const maxHeldBytes = 8 * 1024 * 1024;

/**
 * Whether a table can go through the raw path with these sessions: the source reads COPY
 * text, the target's writers take it, and every target column is a source column read as
 * is (same type, nothing added or computed), in the order the source reads them, and the
 * source can format every column's type (SourceSession.copyTextFits).
 */
export function rawCopyFits(source: SourceSession, target: TargetSession, plan: TablePlan, transform: RowTransform): boolean {
  if (typeof source.readCopyText !== 'function' || target.writesCopyText !== true) return false;
  const byTarget = new Map(plan.columns.map((c) => [c.targetName, c]));
  if (transform.targetColumns.length === 0 || transform.targetColumns.length !== transform.readColumns.length) return false;
  const fits = transform.targetColumns.every((t, i) => {
    const c = byTarget.get(t.name);
    return c !== undefined && c.kind === 'source' && c.sourceName === transform.readColumns[i] && isDeepStrictEqual(c.targetType, c.sourceType);
  });
  const types = plan.columns.flatMap((c) => (c.kind === 'source' ? [c.sourceType] : []));
  return fits && (source.copyTextFits?.(types) ?? true);
}

export interface RawSegmentOptions {
  readonly source: SourceSession;
  readonly request: ReadRequest;
  /** Opens a writer on a fresh connection (it must implement writeCopyText). */
  readonly open: () => Promise<TableWriter>;
  readonly commitRate: number;
  /** Rows per write() when refused text is replayed row by row. */
  readonly replayBatchRows: number;
  /** Rows written so far changed by `delta` (negative when a refusal lost uncommitted rows). */
  readonly onRows: (delta: number) => void;
  /** A row the target refused; throws to stop the segment (SUSPEND_TABLE, STOP_TASK). */
  readonly onBadRow: (row: Row, err: unknown) => Promise<void>;
  readonly signal: AbortSignal;
}

/** Loads one segment through the raw path (see rawCopyFits). */
export async function loadSegmentRaw(o: RawSegmentOptions): Promise<void> {
  const read: CopyTextRead = o.source.readCopyText!(o.request, o.signal);
  const writer = await o.open();
  if (typeof writer.writeCopyText !== 'function') {
    await writer.abort().catch(() => undefined);
    throw new Error('the target writer takes no COPY text (writesCopyText without writeCopyText)');
  }
  const commitRate = Math.max(1, o.commitRate);
  let held: Buffer[] = [];
  let heldBytes = 0;
  let heldRows = 0;

  const release = (): void => {
    held = [];
    heldBytes = 0;
    heldRows = 0;
  };

  /** The target refused text since the last commit (plus `refused`, not counted yet): replay it as rows. */
  const replay = async (refused?: Buffer): Promise<void> => {
    const text = Buffer.concat(refused ? [...held, refused] : held);
    o.onRows(-heldRows);
    release();
    const rows = read.decode(text);
    const rowWriter = await SegmentWriter.open({ open: o.open, commitRate, onRows: o.onRows, onBadRow: o.onBadRow });
    let done = false;
    try {
      for (let i = 0; i < rows.length; i += o.replayBatchRows) {
        o.signal.throwIfAborted();
        await rowWriter.write(rows.slice(i, i + o.replayBatchRows));
      }
      await rowWriter.finish();
      done = true;
    } finally {
      if (!done) await rowWriter.abort();
    }
  };

  const put = async (text: Buffer, rows: number): Promise<void> => {
    try {
      await writer.writeCopyText!(text, rows);
    } catch (err) {
      if (!isDataError(err)) throw err;
      await replay(text);
      return;
    }
    held.push(text);
    heldBytes += text.length;
    heldRows += rows;
    o.onRows(rows);
  };

  const commit = async (): Promise<void> => {
    if (heldRows === 0) return;
    try {
      await writer.commit();
    } catch (err) {
      if (!isDataError(err)) throw err;
      await replay();
      return;
    }
    release();
  };

  let finished = false;
  try {
    for await (const chunk of read) {
      o.signal.throwIfAborted();
      let rest = chunk;
      while (rest.length > 0) {
        const cut = cutLines(rest, commitRate - heldRows);
        await put(cut.head, cut.rows);
        rest = cut.tail;
        if (heldRows >= commitRate || heldBytes >= maxHeldBytes) await commit();
      }
    }
    o.signal.throwIfAborted();
    await commit();
    await writer.close();
    finished = true;
  } finally {
    if (!finished) await writer.abort().catch(() => undefined);
  }
}

/** Newline bytes (rows of COPY text) in `buf`. */
export function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** The first `max` (at least 1) lines of `buf`, how many that is, and the rest. */
export function cutLines(buf: Buffer, max: number): { head: Buffer; rows: number; tail: Buffer } {
  const limit = Math.max(1, max);
  let n = 0;
  let i = -1;
  for (;;) {
    const next = buf.indexOf(10, i + 1);
    if (next < 0) break;
    i = next;
    if (++n >= limit) break;
  }
  if (n < limit || i === buf.length - 1) return { head: buf, rows: n, tail: buf.subarray(buf.length) };
  return { head: buf.subarray(0, i + 1), rows: n, tail: buf.subarray(i + 1) };
}
