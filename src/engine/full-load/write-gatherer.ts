/**
 * Gathers the rows of several source batches into one larger write: the source reads in
 * batches small enough for memory (readBatchRows), while each TableWriter.write costs a
 * round trip or more (PostgreSQL: a savepoint and a COPY), so fewer, larger writes load
 * faster. A write is due at `rows` rows or `bytes` bytes (sizeOf), whichever comes first;
 * with `rows` at most CommitRate, commits still come every CommitRate rows.
 */
import type { Row } from '../../connectors/spi/index.js';
import { sizeOf } from './segment-writer.js';

/** Rows per write at most (and never more than CommitRate). */
export const maxWriteRows = 10_000;
/** Bytes (sizeOf) per write at most: with the rows held since the last commit, bounds memory. */
export const maxWriteBytes = 4 * 1024 * 1024;
/**
 * Bytes of values per source batch at most (ReadRequest.batchBytes): 1000 rows of 32 KB
 * LOBs would otherwise be 32 MB per batch and segment.
 */
export const readBatchBytes = 2 * 1024 * 1024;

export class WriteGatherer {
  private rows: Row[] = [];
  private bytes = 0;

  constructor(
    private readonly maxRows: number,
    private readonly maxBytes: number = maxWriteBytes,
  ) {}

  /** Adds rows; returns the rows of a write when one is due. */
  add(rows: readonly Row[]): Row[] | undefined {
    for (const r of rows) {
      this.rows.push(r);
      this.bytes += sizeOf(r);
    }
    return this.rows.length >= this.maxRows || this.bytes >= this.maxBytes ? this.take() : undefined;
  }

  /** The rows gathered and not written yet (at the end of the segment). */
  take(): Row[] {
    const out = this.rows;
    this.rows = [];
    this.bytes = 0;
    return out;
  }
}
