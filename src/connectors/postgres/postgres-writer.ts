/**
 * Bulk load of one PostgreSQL table: `COPY t (cols) FROM STDIN` in text format, inside a
 * transaction on the writer's own connection.
 *
 * Every write() is one COPY guarded by a savepoint, so a batch is loaded whole or not at all:
 * when PostgreSQL refuses a row (a data exception or constraint violation), the batch is
 * rolled back to the savepoint, what earlier write()s loaded since the last commit stays,
 * and write() rejects with a DataLoadError (PostgresDataLoadError: rowIndex 0-based and
 * rowNumber 1-based in that batch, the column, SQLSTATE and DETAIL). The writer stays usable: to find and skip the bad rows, write the
 * failed batch again one row at a time (`for (const row of rows) await writer.write([row])`),
 * each refused row rejecting with its own DataLoadError. Any other failure (connection
 * lost, table missing ...) rejects with a ConnectorError and leaves the writer broken: only
 * abort() is left to call. One operation at a time: the engine awaits each call.
 *
 * commit() refused by a deferred constraint rejects with a DataLoadError too: the
 * transaction is rolled back (nothing since the last commit is kept) and a new one begun.
 * writeCopy (raw pass-through from a source's COPY data) streams into one COPY that stays
 * open until commit(), close() or write(), with no savepoint: a refusal loses everything
 * since the last commit (see TableWriter.writeCopy). The writer offers COPY binary
 * (copyBinaryTypes) when every column's type has a portable binary form (copy-binary.ts).
 *
 * Memory stays bounded: rows are encoded in chunks of about 64 KiB and the next chunk is
 * written only when the connection took the previous one (socket back-pressure).
 */
import pg from 'pg';
import type { Row, TableRef } from '../spi/data-types.js';
import type { TableWriter, TargetColumn } from '../spi/target.js';
import type { CopyChunk, CopyEncoding } from '../spi/source.js';
import { binaryCopyTypes } from './copy-binary.js';
import { CopyIn } from './postgres-copy-protocol.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { DataLoadError } from '../spi/data-load-error.js';
import { PostgresDataLoadError, copyErrorPosition, dataPlaneError, isDataErrorState } from './postgres-errors.js';
import { openDataSession, raceAbort, type PostgresSession } from './postgres-session.js';
import { qualifiedName, quoteIdent } from './postgres-types.js';
import { encodeRow } from './postgres-values.js';

/** Characters of COPY text sent per chunk. */
const chunkChars = 64 * 1024;
const savepoint = 'opendms_write';

type WriterState = 'open' | 'busy' | 'broken' | 'closed';

export class PostgresTableWriter implements TableWriter {
  private state: WriterState = 'open';
  /** The COPY of writeCopy, open until commit(), close() or write(). */
  private rawCopy: CopyIn | undefined;
  private rawFormat: CopyEncoding['format'] = 'text';
  private readonly copySql: string;
  private readonly target: string;

  private constructor(
    private readonly session: PostgresSession,
    private readonly table: TableRef,
    private readonly columns: readonly TargetColumn[],
    private readonly signal: AbortSignal,
    params: ConnectionParams,
    /** False when the table has no deferrable constraint: COMMIT cannot refuse rows. */
    readonly commitRefusesRows: boolean,
    /** The columns' types when all of them have a portable binary COPY form. */
    readonly copyBinaryTypes: readonly string[] | undefined,
  ) {
    this.copySql = `COPY ${qualifiedName(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
    this.target = describeTarget(params);
  }

  /** Opens the connection and the first transaction; `signal` governs the writer's whole life. */
  static async open(params: ConnectionParams, table: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<PostgresTableWriter> {
    if (columns.length === 0) throw new Error(`no columns to write into ${qualifiedName(table)}`);
    signal.throwIfAborted();
    let session: PostgresSession | undefined;
    try {
      session = await openDataSession(params, signal);
      await raceAbort(session.client.query('BEGIN'), signal);
      // Only a deferred constraint (or constraint trigger) can refuse rows at COMMIT. The
      // columns' own types (a table created earlier may differ from the plan) decide binary COPY.
      const info = await raceAbort(
        session.client.query<{ d: boolean; types: (string | null)[] }>(
          `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass($1) AND condeferrable) AS d,
                  ARRAY(SELECT (SELECT t.typname::text FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid AND t.typnamespace = 'pg_catalog'::regnamespace)
                        FROM unnest($2::text[]) WITH ORDINALITY AS c(name, i)
                        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = pg_catalog.to_regclass($1) AND a.attname = c.name AND NOT a.attisdropped
                        ORDER BY c.i) AS types`,
          [qualifiedName(table), columns.map((c) => c.name)],
        ),
        signal,
      );
      const row = info.rows[0];
      const types = row?.types ?? [];
      const binary = types.length === columns.length && types.every((t) => t !== null && binaryCopyTypes.has(t)) ? (types as string[]) : undefined;
      return new PostgresTableWriter(session, table, columns, signal, params, row?.d !== false, binary);
    } catch (err) {
      await session?.close();
      throw dataPlaneError(err, signal, describeTarget(params));
    }
  }

  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.run(async (client) => {
      await this.endRawCopy(client);
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        await this.copy(client, rows);
      } catch (err) {
        throw await this.afterCopyFailure(client, err);
      }
      await client.query(`RELEASE SAVEPOINT ${savepoint}`);
    });
  }

  /**
   * Raw pass-through (see TableWriter.writeCopy): one COPY, without savepoint, stays open
   * across calls until commit(), close() or write(); a refusal rolls back the whole
   * transaction and begins a new one.
   */
  async writeCopy(chunk: CopyChunk): Promise<void> {
    if (chunk.rows === 0 && chunk.bytes.length === 0) return;
    await this.run(async (client) => {
      if (this.rawCopy && this.rawFormat !== chunk.encoding.format) await this.endRawCopy(client);
      if (!this.rawCopy) {
        if (chunk.encoding.format === 'binary' && !this.copyBinaryTypes) throw new Error(`the writer of ${qualifiedName(this.table)} takes no COPY binary`);
        this.rawCopy = CopyIn.start(client, this.copySqlFor(chunk.encoding.format), chunk.encoding.format);
        this.rawFormat = chunk.encoding.format;
      }
      try {
        await this.rawCopy.write(chunk);
      } catch (err) {
        this.rawCopy = undefined;
        throw await this.afterRawCopyFailure(client, err);
      }
    });
  }

  /** Makes what was written durable and starts a new transaction. */
  commit(): Promise<void> {
    return this.run(async (client) => {
      await this.endRawCopy(client);
      try {
        await client.query('COMMIT; BEGIN');
      } catch (err) {
        // A deferred constraint refused the transaction at COMMIT: it is rolled back; a
        // DataLoadError (the caller writes the rows again), and a new transaction.
        if (!(err instanceof pg.DatabaseError) || this.signal.aborted || !isDataErrorState(err.code ?? '')) throw err;
        await client.query('ROLLBACK; BEGIN');
        throw this.dataLoadError(err);
      }
    });
  }

  /** Commits the rest and releases the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      await this.run(async (client) => {
        await this.endRawCopy(client);
        await client.query('COMMIT');
      });
    } finally {
      this.state = 'closed';
      await this.session.close();
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    try {
      // A COPY still open would hold a ROLLBACK in the queue: closing the connection rolls back.
      if (!this.signal.aborted && !this.rawCopy) await this.session.client.query('ROLLBACK').catch(() => undefined);
    } finally {
      await this.session.close();
    }
  }

  /** One operation at a time; a failure that is not a refused row breaks the writer. */
  private async run(work: (client: pg.Client) => Promise<void>): Promise<void> {
    if (this.state !== 'open') {
      throw new Error(`the writer of ${qualifiedName(this.table)} is ${this.state === 'busy' ? 'busy (one operation at a time)' : this.state}`);
    }
    this.signal.throwIfAborted();
    this.state = 'busy';
    try {
      await raceAbort(work(this.session.client), this.signal);
      this.state = 'open';
    } catch (err) {
      this.state = err instanceof DataLoadError && !this.signal.aborted ? 'open' : 'broken';
      throw dataPlaneError(err, this.signal, this.target);
    }
  }

  /** Streams the rows through one COPY, one chunk in flight at a time. */
  private async copy(client: pg.Client, rows: readonly Row[]): Promise<void> {
    const copy = CopyIn.start(client, this.copySql, 'text');
    const n = this.columns.length;
    let chunk = '';
    for (const row of rows) {
      chunk += encodeRow(row, n);
      if (chunk.length >= chunkChars) {
        await copy.write(Buffer.from(chunk));
        chunk = '';
      }
    }
    if (chunk.length > 0) await copy.write(Buffer.from(chunk));
    await copy.end();
  }

  private copySqlFor(format: CopyEncoding['format']): string {
    return format === 'binary' ? `${this.copySql} (FORMAT binary)` : this.copySql;
  }

  /** Ends the raw COPY in progress, if any; a refusal rolls the transaction back (afterRawCopyFailure). */
  private async endRawCopy(client: pg.Client): Promise<void> {
    const copy = this.rawCopy;
    if (!copy) return;
    this.rawCopy = undefined;
    try {
      await copy.end();
    } catch (err) {
      throw await this.afterRawCopyFailure(client, err);
    }
  }

  /** A raw COPY failed: when the server refused data, everything since the last commit is rolled back. */
  private async afterRawCopyFailure(client: pg.Client, err: unknown): Promise<unknown> {
    if (!(err instanceof pg.DatabaseError) || this.signal.aborted) return err;
    await client.query('ROLLBACK; BEGIN');
    return this.dataLoadError(err);
  }

  /** Rolls the batch back to its savepoint when the server refused it; the error to throw. */
  private async afterCopyFailure(client: pg.Client, err: unknown): Promise<unknown> {
    if (!(err instanceof pg.DatabaseError) || this.signal.aborted) return err;
    // The server answered: the connection is fine, only the batch (the savepoint) is lost.
    await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
    return this.dataLoadError(err);
  }

  /** The DataLoadError of a server error that refused data; any other error as a ConnectorError. */
  private dataLoadError(err: pg.DatabaseError): unknown {
    const code = err.code ?? '';
    if (!isDataErrorState(code)) return dataPlaneError(err, this.signal, this.target);
    const pos = copyErrorPosition(err.where);
    const column = err.column ?? pos.column;
    return new PostgresDataLoadError(
      {
        table: this.table,
        message: err.message,
        sqlState: code,
        ...(pos.line !== undefined ? { rowNumber: pos.line } : {}),
        ...(column !== undefined ? { column } : {}),
        ...(err.detail !== undefined ? { detail: err.detail } : {}),
      },
      { cause: err },
    );
  }
}
