/**
 * The MySQL/MariaDB full-load source. Every operation has its own connection: reads stream
 * from a consistent-snapshot transaction of their own (MySQL cannot share one snapshot
 * between connections the way PostgreSQL exports one: see openConsistentSnapshot), with
 * back-pressure and a memory bound of one batch.
 */
import type { Readable } from 'node:stream';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { ConnectorError } from '../spi/connection-error.js';
import type { ColumnInfo, NeutralType, Row, TableInfo, TableRef, Value } from '../spi/data-types.js';
import type { ColumnFilter, CopyChunk, CopyEncoding, CopyRead, FilterCondition, KeyRange, ReadRequest, SourceSession } from '../spi/source.js';
import { copyTextFits, copyTextRowExpression, decodeCopyText } from './mysql-copy-text.js';
import { listMysqlTables } from './mysql-catalog.js';
import { classifyMysqlError } from './mysql-errors.js';
import { exactValueOptions, mysqlFlavourOf, openMysqlSession, type MysqlSession } from './mysql-session.js';
import { quoteId, quoteTable } from './mysql-types.js';
import { columnReader, keyString, paramOf, type ColumnReader } from './mysql-values.js';

/** Sets what every data-plane connection needs: UTC for TIMESTAMP columns. */
export async function prepareDataSession(s: MysqlSession): Promise<void> {
  await s.query("SET SESSION time_zone = '+00:00'");
}

/**
 * Opens the read snapshot of one connection. MySQL and MariaDB cannot share a snapshot
 * across connections, so each read has its own: parallel reads of one table see states a
 * few milliseconds apart. CDC will need the binlog position of that state: it will take it
 * here, under FLUSH TABLES WITH READ LOCK (or MySQL 8's performance_schema.log_status).
 */
export async function openConsistentSnapshot(s: MysqlSession): Promise<void> {
  await s.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await s.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
}

export async function openMysqlSource(params: ConnectionParams, signal: AbortSignal): Promise<SourceSession> {
  const source = new MysqlSource(params);
  // Fails fast (auth, network, TLS) before the caller plans anything.
  await source.run(signal, async (s) => {
    await s.query('SELECT 1');
  });
  return source;
}

type Where = { sql: string; values: unknown[] };

/**
 * The objects of a readable object-mode stream in arrays of up to `size`, each taken from
 * the stream's buffer synchronously (one await per batch, not per object); with `bound`, a
 * batch also ends once its items reach `maxBytes`. Ends when the
 * stream ends; rejects with the stream's error; destroys the stream when left early.
 */
export async function* drainInBatches<T>(stream: Readable, size: number, bound?: { bytesOf: (item: T) => number; maxBytes: number }): AsyncGenerator<T[]> {
  const state: { ended: boolean; failure?: { err: unknown }; wake?: () => void } = { ended: false };
  const onReadable = (): void => state.wake?.();
  const onEnd = (): void => {
    state.ended = true;
    state.wake?.();
  };
  const onError = (err: unknown): void => {
    state.failure ??= { err };
    state.wake?.();
  };
  // Set by the listeners at any await: read through a function, not narrowed.
  const failed = (): { err: unknown } | undefined => state.failure;
  const onClose = (): void => {
    // Closed before its end (destroyed): never taken as the end of the data.
    if (!state.ended) state.failure ??= { err: new Error('the row stream closed before its end') };
    state.wake?.();
  };
  stream.on('readable', onReadable);
  stream.once('end', onEnd);
  stream.once('close', onClose);
  stream.once('error', onError);
  try {
    let batch: T[] = [];
    let bytes = 0;
    for (;;) {
      const f1 = failed();
      if (f1) throw f1.err;
      let item: T | null;
      let full = false;
      while (!full && (item = stream.read() as T | null) !== null) {
        batch.push(item);
        if (bound) bytes += bound.bytesOf(item);
        full = batch.length >= size || (bound !== undefined && bytes >= bound.maxBytes);
      }
      if (full) {
        const out = batch;
        batch = [];
        bytes = 0;
        yield out;
        continue;
      }
      const f2 = failed();
      if (f2) throw f2.err;
      if (state.ended || stream.readableEnded) break;
      await new Promise<void>((resolve) => {
        state.wake = resolve;
      });
      state.wake = undefined;
    }
    if (batch.length > 0) yield batch;
  } finally {
    // Given up before its end (like a for-await loop left early): the stream is destroyed,
    // so a later destroy(err) finds nothing left to fail.
    if (!state.ended && !stream.destroyed) stream.destroy();
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('close', onClose);
    stream.off('error', onError);
    // A stream given up on may still report its teardown (the aborted query's error) after
    // this: nobody reads it any more, so that must not become an uncaught exception.
    if (!state.ended) stream.on('error', () => undefined);
  }
}

class MysqlSource implements SourceSession {
  /** Aborted by close(): ends every operation still running. */
  private readonly closing = new AbortController();
  private readonly flavour: string;
  private readonly target: string;

  constructor(private readonly params: ConnectionParams) {
    this.flavour = mysqlFlavourOf(params);
    this.target = describeTarget(params);
  }

  listTables(signal: AbortSignal): Promise<TableInfo[]> {
    return this.run(signal, (s) => listMysqlTables(s, this.params.database));
  }

  async *read(req: ReadRequest, signal: AbortSignal): AsyncIterable<Row[]> {
    let readers: ColumnReader[] = [];
    const select = (info: TableInfo): string => {
      readers = req.columns.map((name) => readerOf(info, name));
      return req.columns.map((name, i) => `${readers[i]!.select(req.lobLimits?.get(name))} AS ${quoteId(name)}`).join(', ');
    };
    for await (const rawRows of this.rawRows(req, select, signal)) {
      const batch: Row[] = new Array<Row>(rawRows.length);
      for (let r = 0; r < rawRows.length; r++) {
        const raw = rawRows[r]!;
        const row: Value[] = new Array<Value>(readers.length);
        for (let i = 0; i < readers.length; i++) row[i] = readers[i]!.decode(raw[i] ?? null);
        batch[r] = row;
      }
      yield batch;
    }
  }

  /** The column types readCopy formats on the server (copy-text.ts); a table with others takes read(). */
  copyTextFits(types: readonly NeutralType[]): boolean {
    return types.every(copyTextFits);
  }

  /**
   * The rows of `req` as PostgreSQL COPY text (plain rows, one line each), formatted by the server in the SELECT (one
   * value a row), so that a MySQL/MariaDB -> PostgreSQL load passes bytes through instead of
   * decoding every value into a string and encoding it again: the same pass-through as
   * PostgreSQL -> PostgreSQL, for the column types copyTextFits accepts.
   */
  readCopy(req: ReadRequest, signal: AbortSignal): CopyRead {
    let columns: ColumnInfo[] | undefined;
    const select = (info: TableInfo): string => {
      columns = req.columns.map((name) => columnOf(info, name));
      return `${copyTextRowExpression(columns.map((c) => ({ column: c, select: columnReader(c).select(req.lobLimits?.get(c.name)) })))} AS line`;
    };
    const self = this;
    const lines = (async function* (): AsyncGenerator<CopyChunk> {
      for await (const rawRows of self.rawRows(req, select, signal)) {
        const parts: Buffer[] = new Array<Buffer>(rawRows.length);
        for (let r = 0; r < rawRows.length; r++) parts[r] = rawRows[r]![0]!;
        yield { bytes: Buffer.concat(parts), rows: rawRows.length, encoding: copyTextRows };
      }
    })();
    return {
      [Symbol.asyncIterator]: () => lines,
      decode: (text: Buffer): Row[] => {
        if (!columns) throw new Error('decode() before the COPY read yielded anything');
        return decodeCopyText(text, columns);
      },
    };
  }

  /**
   * One SELECT of `req` in a consistent snapshot of its own connection, its rows as the text
   * protocol's bytes (one Buffer or null per selected expression), in batches.
   */
  private async *rawRows(req: ReadRequest, select: (info: TableInfo) => string, signal: AbortSignal): AsyncGenerator<(Buffer | null)[][]> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    let session: MysqlSession | undefined;
    let done = false;
    try {
      session = await openMysqlSession(this.params, combined, exactValueOptions);
      const s = session;
      await prepareDataSession(s);
      // The server gives up sending after net_write_timeout (60 s) of a paused client: a slow
      // target holding back-pressure must not kill the read.
      await s.query('SET SESSION net_write_timeout = 86400');
      await openConsistentSnapshot(s);
      const info = await this.describe(s, req.table);
      const where = whereOf(info, req.filters, req.range);
      const order = req.range ? ` ORDER BY ${req.range.columns.map(quoteId).join(', ')}` : '';
      const sql = `SELECT ${select(info)} FROM ${quoteTable(req.table)}${where.sql ? ` WHERE ${where.sql}` : ''}${order}`;
      const query = s.connection.query({
        sql,
        values: where.values,
        rowsAsArray: true,
        // The text protocol's bytes of every value (typeCast false: as Buffers, with no
        // per-value callback): decoded by the caller.
        typeCast: false,
      });
      // Rows buffered ahead: fewer when rows are wide (the catalog's average row size), so
      // LOB-heavy tables stay within req.batchBytes.
      const rowBytes = info.estimatedRows > 0 ? info.estimatedBytes / info.estimatedRows : 0;
      const ahead = req.batchBytes !== undefined && rowBytes > 0 ? Math.floor(req.batchBytes / rowBytes) : Infinity;
      const stream = query.stream({ highWaterMark: Math.max(16, Math.min(req.batchRows, 1000, ahead)) });
      const onTorn = (err: unknown): void => {
        stream.destroy(err instanceof Error ? err : new Error(String(err)));
      };
      s.torn.catch(onTorn);
      // Rows are taken from the stream's buffer synchronously, a batch at a time: no promise per row.
      const bytesOf = (raw: (Buffer | null)[]): number => {
        let n = 0;
        for (const v of raw) if (v !== null) n += v.length;
        return n;
      };
      const bound = req.batchBytes !== undefined ? { bytesOf, maxBytes: req.batchBytes } : undefined;
      for await (const rawRows of drainInBatches<(Buffer | null)[]>(stream, req.batchRows, bound)) {
        // Rows the stream had already buffered must not come out after an abort.
        combined.throwIfAborted();
        yield rawRows;
      }
      await s.query('COMMIT');
      done = true;
    } catch (err) {
      if (combined.aborted) throw signal.aborted ? signal.reason : new Error('the source session was closed');
      throw this.classify(err);
    } finally {
      // A read given up half-way (abort, error, the consumer stopped) may still have a
      // query running: tear the connection down rather than wait for it.
      if (session) {
        if (done) await session.close();
        else session.destroy();
      }
    }
  }

  countOversized(table: TableRef, filters: readonly ColumnFilter[], limits: ReadonlyMap<string, number>, signal: AbortSignal): Promise<Map<string, number>> {
    return this.run(signal, async (s) => {
      const result = new Map<string, number>();
      if (limits.size === 0) return result;
      const info = await this.describe(s, table);
      const entries = [...limits];
      const sums = entries.map(([name, limit], i) => {
        const c = columnOf(info, name);
        const length = c.type.kind === 'blob' || c.type.kind === 'binary' ? 'LENGTH' : 'CHAR_LENGTH';
        return `COALESCE(SUM(${length}(${quoteId(name)}) > ${Math.max(0, Math.floor(limit))}), 0) AS n${i}`;
      });
      const where = whereOf(info, filters);
      const rows = await s.query<Record<string, string | number>>(
        `SELECT ${sums.join(', ')} FROM ${quoteTable(table)}${where.sql ? ` WHERE ${where.sql}` : ''}`,
        where.values,
      );
      entries.forEach(([name], i) => result.set(name, Number(rows[0]?.[`n${i}`] ?? 0)));
      return result;
    });
  }

  /**
   * Boundaries every count/parts rows in key order: one index seek and a scan of that many
   * rows per boundary (LIMIT 1 OFFSET n after the previous boundary), so no sort and no
   * temporary table on the server.
   */
  splitPoints(table: TableRef, keyColumns: readonly string[], parts: number, signal: AbortSignal): Promise<string[][]> {
    return this.run(signal, async (s) => {
      if (parts < 2 || keyColumns.length === 0) return [];
      const info = await this.describe(s, table);
      const readers = keyColumns.map((name) => readerOf(info, name));
      const countRows = await s.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${quoteTable(table)}`);
      const count = Number(countRows[0]?.n ?? 0);
      const step = Math.ceil(count / parts);
      if (count < parts || step < 1) return [];
      const points: string[][] = [];
      const select = keyColumns.map((name, i) => `${readers[i]!.select()} AS ${quoteId(name)}`).join(', ');
      const order = keyColumns.map(quoteId).join(', ');
      let previous: string[] | undefined;
      for (let i = 1; i < parts; i++) {
        const where = previous ? rangeOf(info, { columns: keyColumns, after: previous }) : { sql: '', values: [] };
        const rows = await s.queryWith<(Buffer | null)[][]>({
          sql: `SELECT ${select} FROM ${quoteTable(table)}${where.sql ? ` WHERE ${where.sql}` : ''} ORDER BY ${order} LIMIT 1 OFFSET ${step - 1}`,
          values: where.values,
          rowsAsArray: true,
          typeCast: (field, _next) => field.buffer(),
        });
        const raw = rows[0];
        if (!raw) break;
        previous = readers.map((r, k) => keyString(r.decode(raw[k] ?? null)));
        points.push(previous);
      }
      return points;
    });
  }

  async close(): Promise<void> {
    this.closing.abort(new Error('the source session was closed'));
  }

  /** One connection for one operation, classified errors, closed before it settles. */
  async run<T>(signal: AbortSignal, work: (s: MysqlSession) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    let session: MysqlSession | undefined;
    try {
      session = await openMysqlSession(this.params, combined, exactValueOptions);
      await prepareDataSession(session);
      return await work(session);
    } catch (err) {
      if (combined.aborted) throw signal.aborted ? signal.reason : new Error('the source session was closed');
      throw this.classify(err);
    } finally {
      await session?.close();
    }
  }

  private async describe(s: MysqlSession, table: TableRef): Promise<TableInfo> {
    // Reading needs the column types, not ENUM/SET members: no temporary-table probe here.
    const [info] = await listMysqlTables(s, undefined, table, { exactMembers: false });
    if (!info) throw new ConnectorError({ kind: 'other', message: `${this.flavour} at ${this.target}: table ${table.schema}.${table.name} does not exist`, hint: 'Refresh the schemas of the source endpoint and check the table mappings.' });
    return info;
  }

  private classify(err: unknown): Error {
    if (err instanceof ConnectorError) return err;
    return new ConnectorError(classifyMysqlError(err, this.flavour, this.target), { cause: err });
  }
}

function columnOf(info: TableInfo, name: string): ColumnInfo {
  const c = info.columns.find((x) => x.name === name);
  if (!c) throw new ConnectorError({ kind: 'other', message: `${info.schema}.${info.name} has no column ${name}`, hint: 'Refresh the schemas of the source endpoint and check the table mappings.' });
  return c;
}

function readerOf(info: TableInfo, name: string): ColumnReader {
  return columnReader(columnOf(info, name));
}

/** Filters (OR within one, AND across) and the key range, with bound values. */
function whereOf(info: TableInfo, filters: readonly ColumnFilter[], range?: KeyRange): Where {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const f of filters) {
    if (f.conditions.length === 0) continue;
    const c = columnOf(info, f.column);
    const alternatives = f.conditions.map((cond) => conditionOf(c, cond, values));
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  if (range) {
    const r = rangeOf(info, range);
    if (r.sql) {
      parts.push(r.sql);
      values.push(...r.values);
    }
  }
  return { sql: parts.join(' AND '), values };
}

function conditionOf(c: ColumnInfo, cond: FilterCondition, values: unknown[]): string {
  const id = quoteId(c.name);
  const bind = (v: string): string => {
    const p = paramOf(c.type, v);
    values.push(p.value);
    return p.sql;
  };
  switch (cond.op) {
    case 'eq':
      return `${id} = ${bind(cond.value)}`;
    case 'noteq':
      return `${id} <> ${bind(cond.value)}`;
    case 'lte':
      return `${id} <= ${bind(cond.value)}`;
    case 'gte':
      return `${id} >= ${bind(cond.value)}`;
    case 'between':
      return `${id} BETWEEN ${bind(cond.start)} AND ${bind(cond.end)}`;
    case 'notbetween':
      return `${id} NOT BETWEEN ${bind(cond.start)} AND ${bind(cond.end)}`;
    case 'null':
      return `${id} IS NULL`;
    case 'notnull':
      return `${id} IS NOT NULL`;
  }
}

/**
 * Tuple comparison (k1, k2, ...) > after AND <= upTo, written out as ORs of prefixes
 * (k1 > a1 OR (k1 = a1 AND k2 > a2) ...), which every MySQL and MariaDB version turns into
 * index ranges (row constructors are not optimised everywhere).
 */
function rangeOf(info: TableInfo, range: KeyRange): Where {
  const cols = range.columns.map((name) => columnOf(info, name));
  const values: unknown[] = [];
  const parts: string[] = [];
  const tuple = (bound: readonly string[], strict: '>' | '<', inclusive: boolean): string => {
    const n = Math.min(bound.length, cols.length);
    const alternatives: string[] = [];
    for (let i = 0; i < n; i++) {
      const terms: string[] = [];
      for (let k = 0; k <= i; k++) {
        const c = cols[k]!;
        const p = paramOf(c.type, bound[k]!);
        values.push(p.value);
        const op = k < i ? '=' : inclusive && i === n - 1 ? `${strict}=` : strict;
        terms.push(`${quoteId(c.name)} ${op} ${p.sql}`);
      }
      alternatives.push(terms.length === 1 ? terms[0]! : `(${terms.join(' AND ')})`);
    }
    return `(${alternatives.join(' OR ')})`;
  };
  if (range.after && range.after.length > 0) parts.push(tuple(range.after, '>', false));
  if (range.upTo && range.upTo.length > 0) parts.push(tuple(range.upTo, '<', true));
  return { sql: parts.join(' AND '), values };
}

/** What readCopy yields: COPY text lines, one per row, unframed. */
const copyTextRows: CopyEncoding = { format: 'text', framing: 'rows' };
