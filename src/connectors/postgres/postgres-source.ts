/**
 * The PostgreSQL full-load source: one exported snapshot per session, held open by a
 * coordinator connection; every operation (catalog, read, count, split) runs on its own
 * connection that imports that snapshot, so reads run in parallel and all see one state of
 * the database. Rows stream through `COPY (SELECT ...) TO STDOUT` (postgres-copy-protocol.ts).
 */
import type pg from 'pg';
import type { Row, TableInfo, TableRef } from '../spi/data-types.js';
import type { ColumnFilter, CopyChunk, CopyRead, CopyReadOptions, FilterCondition, KeyRange, ReadRequest, SourceSession } from '../spi/source.js';
import { binaryCopyTypes, decodeBinaryTuples } from './copy-binary.js';
import { copyOut } from './postgres-copy-protocol.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { listPostgresTables, readPostgresColumns, relationOid, type PgColumn } from './postgres-catalog.js';
import { dataPlaneError } from './postgres-errors.js';
import { openDataSession, withDataSession, type PostgresSession } from './postgres-session.js';
import { qualifiedName, quoteIdent } from './postgres-types.js';
import { CopyTextParser, decoderOf, type ColumnDecoder } from './postgres-values.js';

/**
 * Starts the snapshot the whole full load reads: a REPEATABLE READ transaction on the
 * coordinator connection and its exported snapshot id. (CDC will use the snapshot of its
 * logical replication slot instead: this is the one place to change.)
 */
export async function exportSnapshot(client: pg.Client): Promise<string> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const r = await client.query<{ id: string }>('SELECT pg_catalog.pg_export_snapshot() AS id');
  const id = r.rows[0]?.id;
  if (!id) throw new Error('pg_export_snapshot() returned no snapshot');
  return id;
}

/** Makes `client` see the exported snapshot `snapshotId` (a new read-only transaction). */
export async function importSnapshot(client: pg.Client, snapshotId: string): Promise<void> {
  // The id comes from the server; SET TRANSACTION SNAPSHOT takes only a literal.
  if (!/^[0-9A-Fa-f-]+$/.test(snapshotId)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshotId)}`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshotId}'`);
}

/** Tables at least this big (planner estimate) are split from a sample, not a full sort. */
const sampleSplitAboveRows = 1_000_000;
/** Rows of the sample per requested part. */
const sampleRowsPerPart = 1_000;

export class PostgresSourceSession implements SourceSession {
  /** Every operation imports the one exported snapshot. */
  readonly readsOneSnapshot = true;
  private closed = false;

  constructor(
    private readonly params: ConnectionParams,
    private readonly coordinator: PostgresSession,
    /** The exported snapshot every operation imports. */
    readonly snapshotId: string,
  ) {}

  listTables(signal: AbortSignal): Promise<TableInfo[]> {
    return this.inSnapshot(signal, (client) => listPostgresTables(client));
  }

  async *read(req: ReadRequest, signal: AbortSignal): AsyncIterable<Row[]> {
    this.assertOpen();
    signal.throwIfAborted();
    if (!Number.isSafeInteger(req.batchRows) || req.batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${req.batchRows}`);
    // The connection lives as long as this read: ended on the caller's abort and in finally.
    const life = new AbortController();
    const onAbort = (): void => life.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let session: PostgresSession | undefined;
    try {
      session = await openDataSession(this.params, life.signal);
      const client = session.client;
      const { sql, decoders } = await this.prepareCopy(client, req);
      const parser = new CopyTextParser(decoders);
      let batch: Row[] = [];
      // Bytes of COPY text behind `batch`: wide rows end a batch early (req.batchBytes).
      let bytes = 0;
      for await (const chunk of copyOut(client, sql, { format: 'text', columns: req.columns.length, signal: life.signal })) {
        parser.push(unframeCopyData(chunk.bytes), batch);
        bytes += chunk.bytes.length;
        if (req.batchBytes !== undefined && bytes >= req.batchBytes && batch.length > 0 && batch.length < req.batchRows) {
          const out = batch;
          batch = [];
          bytes = 0;
          yield out;
          signal.throwIfAborted();
          continue;
        }
        if (batch.length >= req.batchRows) bytes = 0;
        while (batch.length >= req.batchRows) {
          const out = batch.length === req.batchRows ? batch : batch.slice(0, req.batchRows);
          batch = batch.length === req.batchRows ? [] : batch.slice(req.batchRows);
          yield out;
          signal.throwIfAborted();
        }
      }
      // A connection ended by abort may look like the end of the data: never yield it as complete.
      signal.throwIfAborted();
      parser.end();
      if (batch.length > 0) yield batch;
    } catch (err) {
      throw dataPlaneError(err, signal, describeTarget(this.params));
    } finally {
      signal.removeEventListener('abort', onAbort);
      await session?.close();
    }
  }

  /**
   * Raw pass-through: the COPY data of read()'s query as the server sends it, CopyData
   * messages included (see SourceSession.readCopy and postgres-copy-protocol.ts). Binary
   * when the target's column types (opts.binaryTypes) are exactly the source's and all have
   * a portable binary form (copy-binary.ts): the target then parses no text at all.
   */
  readCopy(req: ReadRequest, signal: AbortSignal, opts: CopyReadOptions = {}): CopyRead {
    let decode: ((bytes: Buffer) => Row[]) | undefined;
    const chunks = async function* (this: PostgresSourceSession): AsyncGenerator<CopyChunk> {
      this.assertOpen();
      signal.throwIfAborted();
      const life = new AbortController();
      const onAbort = (): void => life.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let session: PostgresSession | undefined;
      try {
        session = await openDataSession(this.params, life.signal);
        const copy = await this.prepareCopy(session.client, req);
        const binary = opts.binaryTypes !== undefined && sameBinaryTypes(copy.typeNames, opts.binaryTypes);
        decode = binary
          ? (bytes) => decodeBinaryTuples(bytes, 'messages', copy.typeNames as string[])
          : (bytes) => {
              const rows: Row[] = [];
              const parser = new CopyTextParser(copy.decoders);
              parser.push(unframeCopyData(bytes), rows);
              parser.end();
              return rows;
            };
        const sql = binary ? `${copy.sql} (FORMAT binary)` : copy.sql;
        yield* copyOut(session.client, sql, { format: binary ? 'binary' : 'text', columns: req.columns.length, signal: life.signal });
        // A connection ended by abort may look like the end of the data: never end it as complete.
        signal.throwIfAborted();
      } catch (err) {
        throw dataPlaneError(err, signal, describeTarget(this.params));
      } finally {
        signal.removeEventListener('abort', onAbort);
        await session?.close();
      }
    }.call(this);
    return {
      [Symbol.asyncIterator]: () => chunks,
      decode: (bytes: Buffer): Row[] => {
        if (!decode) throw new Error('decode() before the COPY read yielded anything');
        return decode(bytes);
      },
    };
  }

  /** Imports the snapshot and binds the parameters; the COPY of `req` and its column decoders. */
  private async prepareCopy(client: pg.Client, req: ReadRequest): Promise<{ sql: string; decoders: ColumnDecoder[]; typeNames: (string | undefined)[] }> {
    await importSnapshot(client, this.snapshotId);
    const columns = await columnsOf(client, req.table);
    const wanted = req.columns.map((name) => columnNamed(columns, name, req.table));
    const p = new SqlParams('setting');
    const select = wanted.map((c) => selectExpression(c, req.lobLimits?.get(c.name))).join(', ');
    const where = whereClause(columns, req.filters, req.range, p, req.table);
    await p.applySettings(client);
    return {
      sql: `COPY (SELECT ${select} FROM ${qualifiedName(req.table)}${where}) TO STDOUT`,
      decoders: wanted.map((c) => decoderOf(c.type.name, c.type.schema, c.type.element !== undefined)),
      // The type of what the SELECT yields: a LOB limit reads text (left(col::text, n)) unless bytea.
      typeNames: wanted.map((c) => {
        if (req.lobLimits?.get(c.name) !== undefined) return isBytea(c) ? 'bytea' : 'text';
        return c.type.schema === 'pg_catalog' && c.type.element === undefined ? c.type.name : undefined;
      }),
    };
  }

  countOversized(table: TableRef, filters: readonly ColumnFilter[], limits: ReadonlyMap<string, number>, signal: AbortSignal): Promise<Map<string, number>> {
    return this.inSnapshot(signal, async (client) => {
      const columns = await columnsOf(client, table);
      const out = new Map<string, number>();
      if (limits.size === 0) return out;
      const p = new SqlParams('bind');
      const measured = [...limits].map(([name, limit], i) => {
        const c = columnNamed(columns, name, table);
        const n = nonNegativeInt(limit);
        // Text: octet_length reads the stored length (no detoasting) and is never below the
        // character count, so it rules most values out before char_length has to read them.
        const cheap = isText(c) ? `octet_length(${quoteIdent(c.name)}) > ${n} AND ` : '';
        return `count(*) FILTER (WHERE ${cheap}${lengthExpression(c)} > ${n}) AS c${i}`;
      });
      const where = whereClause(columns, filters, undefined, p, table);
      const r = await client.query<Record<string, string>>(`SELECT ${measured.join(', ')} FROM ${qualifiedName(table)}${where}`, p.values);
      const row = r.rows[0] ?? {};
      [...limits.keys()].forEach((name, i) => out.set(name, Number(row[`c${i}`] ?? 0)));
      return out;
    });
  }

  splitPoints(table: TableRef, keyColumns: readonly string[], parts: number, signal: AbortSignal): Promise<string[][]> {
    return this.inSnapshot(signal, async (client) => {
      if (parts < 2 || keyColumns.length === 0) return [];
      const columns = await columnsOf(client, table);
      const keys = keyColumns.map((k) => quoteIdent(columnNamed(columns, k, table).name));
      const rel = await client.query<{ relkind: string; reltuples: number }>(
        `SELECT relkind::text AS relkind, reltuples::float8 AS reltuples FROM pg_catalog.pg_class WHERE oid = $1::regclass`,
        [qualifiedName(table)],
      );
      const info = rel.rows[0];
      const p = new SqlParams('bind');
      let sample = '';
      if (info && (info.relkind === 'r' || info.relkind === 'm' || info.relkind === 'p') && info.reltuples >= sampleSplitAboveRows) {
        const percent = Math.min(100, (100 * parts * sampleRowsPerPart) / info.reltuples);
        sample = ` TABLESAMPLE SYSTEM (${p.add(String(percent), 'float8')}) REPEATABLE (0)`;
      }
      const partsParam = p.add(String(Math.trunc(parts)), 'int8');
      const order = keys.join(', ');
      const r = await client.query({
        text:
          `SELECT ${keys.map((k) => `${k}::text`).join(', ')} FROM (` +
          `SELECT ${order}, row_number() OVER (ORDER BY ${order}) AS rn, count(*) OVER () AS cnt ` +
          `FROM ${qualifiedName(table)}${sample} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}` +
          `) s WHERE rn < cnt AND (rn * ${partsParam}) / cnt > ((rn - 1) * ${partsParam}) / cnt ORDER BY rn`,
        values: p.values,
        rowMode: 'array',
      });
      const out: string[][] = [];
      let previous = '';
      for (const row of r.rows as string[][]) {
        const id = JSON.stringify(row);
        if (id !== previous) out.push(row);
        previous = id;
      }
      return out;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.coordinator.close();
  }

  private inSnapshot<T>(signal: AbortSignal, work: (client: pg.Client) => Promise<T>): Promise<T> {
    this.assertOpen();
    return withDataSession(this.params, signal, async (client) => {
      await importSnapshot(client, this.snapshotId);
      return work(client);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL source session is closed');
  }
}

/** The columns of a table by name, from the catalog (domains resolved). */
async function columnsOf(client: pg.Client, table: TableRef): Promise<Map<string, PgColumn>> {
  const oid = await relationOid(client, table);
  if (oid === undefined) throw new Error(`relation ${qualifiedName(table)} does not exist`);
  const list = (await readPostgresColumns(client, [oid])).get(oid) ?? [];
  return new Map(list.map((c) => [c.name, c]));
}

function columnNamed(columns: ReadonlyMap<string, PgColumn>, name: string, table: TableRef): PgColumn {
  const c = columns.get(name);
  if (!c) throw new Error(`column ${quoteIdent(name)} does not exist in ${qualifiedName(table)}`);
  return c;
}

/**
 * Values of a query, bound. `bind`: ordinary $n parameters. `setting`: COPY takes no
 * parameters, so the values are bound into transaction-local settings (set_config with $n)
 * and the query reads them back with current_setting(), cast to the column's type: still
 * no value is ever spliced into SQL text.
 */
export class SqlParams {
  readonly values: string[] = [];

  constructor(private readonly mode: 'bind' | 'setting') {}

  /** The SQL expression that stands for `value` as a `castType`. */
  add(value: string, castType: string): string {
    this.values.push(value);
    const n = this.values.length;
    return this.mode === 'bind' ? `$${n}::${castType}` : `pg_catalog.current_setting('opendms.p${n}')::${castType}`;
  }

  /** `setting` mode: binds the values into the settings the query reads (in the current transaction). */
  async applySettings(client: pg.Client): Promise<void> {
    if (this.mode !== 'setting' || this.values.length === 0) return;
    const calls = this.values.map((_, i) => `pg_catalog.set_config('opendms.p${i + 1}', $${i + 1}, true)`);
    await client.query(`SELECT ${calls.join(', ')}`, this.values);
  }
}

/** ` WHERE ...` for the filters (conditions OR'ed, filters AND'ed) and the key range; '' when none. */
export function whereClause(
  columns: ReadonlyMap<string, PgColumn>,
  filters: readonly ColumnFilter[],
  range: KeyRange | undefined,
  p: SqlParams,
  table: TableRef,
): string {
  const parts: string[] = [];
  for (const f of filters) {
    if (f.conditions.length === 0) continue;
    const c = columnNamed(columns, f.column, table);
    const alternatives = f.conditions.map((cond) => conditionSql(quoteIdent(c.name), cond, (v) => p.add(v, c.castType)));
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  if (range) {
    const keyCols = range.columns.map((k) => columnNamed(columns, k, table));
    const tuple = `(${keyCols.map((c) => quoteIdent(c.name)).join(', ')})`;
    const bound = (values: readonly string[]): string => {
      if (values.length !== keyCols.length) throw new Error(`a key range bound has ${values.length} values for ${keyCols.length} key columns`);
      return `(${values.map((v, i) => p.add(v, keyCols[i]!.castType)).join(', ')})`;
    };
    if (range.after) parts.push(`${tuple} > ${bound(range.after)}`);
    if (range.upTo) parts.push(`${tuple} <= ${bound(range.upTo)}`);
  }
  return parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '';
}

function conditionSql(col: string, cond: FilterCondition, param: (v: string) => string): string {
  switch (cond.op) {
    case 'eq':
      return `${col} = ${param(cond.value)}`;
    case 'noteq':
      return `${col} <> ${param(cond.value)}`;
    case 'lte':
      return `${col} <= ${param(cond.value)}`;
    case 'gte':
      return `${col} >= ${param(cond.value)}`;
    case 'between':
      return `${col} BETWEEN ${param(cond.start)} AND ${param(cond.end)}`;
    case 'notbetween':
      return `${col} NOT BETWEEN ${param(cond.start)} AND ${param(cond.end)}`;
    case 'null':
      return `${col} IS NULL`;
    case 'notnull':
      return `${col} IS NOT NULL`;
  }
}

function isBytea(c: PgColumn): boolean {
  return c.type.schema === 'pg_catalog' && c.type.name === 'bytea' && !c.type.element;
}

function isText(c: PgColumn): boolean {
  return c.type.schema === 'pg_catalog' && !c.type.element && (c.type.name === 'text' || c.type.name === 'varchar' || c.type.name === 'bpchar');
}

/** The column in the SELECT list, cut to `limit` (bytes for bytea, characters otherwise) when given. */
function selectExpression(c: PgColumn, limit: number | undefined): string {
  const col = quoteIdent(c.name);
  if (limit === undefined) return col;
  const n = nonNegativeInt(limit);
  return isBytea(c) ? `substring(${col} from 1 for ${n})` : `left(${col}::text, ${n})`;
}

/** What limited LOB mode compares with the limit: bytes of bytea, characters of anything else. */
function lengthExpression(c: PgColumn): string {
  const col = quoteIdent(c.name);
  return isBytea(c) ? `octet_length(${col})` : `char_length(${col}::text)`;
}

function nonNegativeInt(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a LOB limit must be a non-negative integer, got ${n}`);
  return String(n);
}

/** Whether the source columns' types are the target's, each with a portable binary form. */
function sameBinaryTypes(source: readonly (string | undefined)[], target: readonly string[]): boolean {
  return source.length === target.length && source.every((t, i) => t !== undefined && t === target[i] && binaryCopyTypes.has(t));
}

/** The rows of whole CopyData messages, without the framing (for the text parser). */
function unframeCopyData(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const end = pos + 1 + bytes.readUInt32BE(pos + 1);
    parts.push(bytes.subarray(pos + 5, end));
    pos = end;
  }
  return Buffer.concat(parts);
}
