/**
 * Raw pass-through of one segment to a PostgreSQL target: when the table needs no per-row
 * work, the source's COPY data (PostgreSQL's `COPY (SELECT ...) TO STDOUT`, in binary when
 * both servers have the same portable column types, or the text lines a MySQL/MariaDB
 * SELECT formats: connectors/mysql/mysql-copy-text.ts) goes straight into the target's
 * `COPY ... FROM STDIN`, never parsed into rows nor encoded again. Filters, column subsets,
 * renames and LOB limits live in the source's SELECT, so they are fine; added columns and
 * type changes need the row path (table-loader.ts / segment-writer.ts).
 *
 * The source counts the rows of each chunk; CommitRate is honoured by cutting chunks at row
 * boundaries (cutCopyRows), and the data since the last commit is held (at most CommitRate
 * rows or `maxHeldBytes`, committing earlier when it grows).
 *
 * Refused data: a target that refuses raw data loses everything since the last commit
 * (TableWriter.writeCopy). The held data (with the refused chunk) is then decoded into
 * rows by the source (CopyRead.decode) and handed to the row path's SegmentWriter,
 * which writes them again, finds the refused rows and applies ErrorBehavior to each
 * (skip, suspend the table, stop the task) exactly as for a row-mode load; once they are
 * committed, the segment goes on raw. Replaying the decoded rows, rather than re-reading
 * the segment in row mode, needs no stable row order of the source.
 */
import { isDeepStrictEqual } from 'node:util';
import { cutCopyRows, type CopyChunk, type CopyEncoding, type CopyRead, type ReadRequest, type Row, type SourceSession, type TableWriter, type TargetSession } from '../../connectors/spi/index.js';
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
  if (typeof source.readCopy !== 'function' || target.writesCopy !== true) return false;
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
  /** Opens a writer on a fresh connection (it must implement writeCopy). */
  readonly open: () => Promise<TableWriter>;
  readonly commitRate: number;
  /** Rows per write() when refused text is replayed row by row. */
  readonly replayBatchRows: number;
  /** Rows written so far changed by `delta` (negative when a refusal lost uncommitted rows). */
  readonly onRows: (delta: number) => void;
  /** A row the target refused; throws to stop the segment (SUSPEND_TABLE, STOP_TASK). */
  readonly onBadRow: (row: Row, err: unknown) => Promise<void>;
  /** Told once, with the first chunk, how the source sends the data (text or binary). */
  readonly onEncoding?: (encoding: CopyEncoding) => void;
  readonly signal: AbortSignal;
}

/** Loads one segment through the raw path (see rawCopyFits). */
export async function loadSegmentRaw(o: RawSegmentOptions): Promise<void> {
  const writer = await o.open();
  let finished = false;
  try {
    if (typeof writer.writeCopy !== 'function') throw new Error('the target writer takes no COPY data (writesCopy without writeCopy)');
    const read: CopyRead = o.source.readCopy!(o.request, o.signal, writer.copyBinaryTypes ? { binaryTypes: writer.copyBinaryTypes } : {});
    const commitRate = Math.max(1, o.commitRate);
    let held: Buffer[] = [];
    let heldBytes = 0;
    let heldRows = 0;

    const release = (): void => {
      held = [];
      heldBytes = 0;
      heldRows = 0;
    };

    /** The target refused data since the last commit (plus `refused`, not counted yet): replay it as rows. */
    const replay = async (refused?: Buffer): Promise<void> => {
      const bytes = Buffer.concat(refused ? [...held, refused] : held);
      o.onRows(-heldRows);
      release();
      const rows = read.decode(bytes);
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

    const put = async (chunk: CopyChunk): Promise<void> => {
      try {
        await writer.writeCopy!(chunk);
      } catch (err) {
        if (!isDataError(err)) throw err;
        await replay(chunk.bytes);
        return;
      }
      held.push(chunk.bytes);
      heldBytes += chunk.bytes.length;
      heldRows += chunk.rows;
      o.onRows(chunk.rows);
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

    let first = true;
    for await (const chunk of read) {
      o.signal.throwIfAborted();
      if (first) o.onEncoding?.(chunk.encoding);
      first = false;
      let rest: CopyChunk | undefined = chunk;
      while (rest && rest.rows > 0) {
        const cut = cutCopyRows(rest, commitRate - heldRows);
        await put(cut.head);
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

