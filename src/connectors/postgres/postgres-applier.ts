/**
 * Applies captured changes (spi/changes.ts TargetChange) to a PostgreSQL target on one
 * connection of its own, idempotently, one transaction per apply() call.
 *
 * Speed comes from runs: consecutive changes of the same kind, table, column set and key
 * become multi-row statements (never reordered across kinds, so upsert-then-delete of a key
 * ends deleted and delete-then-upsert ends present). Rows travel as one array parameter per
 * column, unpacked by unnest(), so a statement's text depends on the table, columns and key
 * only: it is prepared once per connection and PostgreSQL parses no long VALUES lists
 * (3x the throughput of multi-row VALUES, and no 65,535-parameter limit):
 *   upsert, target has a valid immediate unique index on exactly the key columns:
 *     INSERT ... SELECT FROM unnest(...) ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c
 *     (DO NOTHING when every column is the key);
 *   upsert, no such index: one statement that UPDATEs the rows it finds and INSERTs the
 *     others (data-modifying CTE); when the key is every column (a source table without
 *     key) it only INSERTs the rows no existing row equals, NULL-safe;
 *   delete: `k = ANY($1)` (one key column) or a join on unnest; when the key is every
 *     column of the table (no key) one statement per change deletes exactly one equal row;
 *   truncate: TRUNCATE (transactional in PostgreSQL), consecutive ones in one statement.
 * A column that cannot travel in an array (an array column itself: unnest would flatten it)
 * sends its run as a VALUES list instead, within the bind parameter limit.
 * Values are bound parameters in their canonical text form, cast to the column's type
 * without its modifier (`pg_catalog.bpchar`, never `character`, which would mean char(1) and
 * cut the value), so the column's own length/precision checks apply on assignment exactly
 * as for the full load's COPY. Types without a usable `=` (json, xml, geometric types)
 * compare by their text form where rows are matched by value.
 *
 * A refused change (SQLSTATE class 22 data exception, 23 integrity violation, or 21, which a
 * batch can raise when one statement touches a row twice) rolls the transaction back; the
 * changes are then applied again with a savepoint per run, and the failing run one change
 * at a time, so the DataLoadError names the index of the refused change (a run whose
 * changes all pass one at a time is kept, and the apply goes on). Nothing of a refused
 * apply() is kept and the applier stays usable. Any other failure is a ConnectorError and
 * leaves the applier broken; aborting apply()'s signal (or the one given at open) ends the
 * connection, which rolls the transaction back on the server, and rejects with the reason.
 *
 * Table facts (column types, unique indexes) are read once per table and cached for the
 * applier's life: a target table altered meanwhile needs a new applier.
 */
import { changeRuns, chunkBySize, deleteKeyValues, upsertRow, type ChangeRun } from '../spi/change-runs.js';
import pg from 'pg';
import type { ChangeApplier, TargetChange } from '../spi/changes.js';
import { ConnectorError } from '../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { DataLoadError } from '../spi/data-load-error.js';
import type { Row, TableRef, Value } from '../spi/data-types.js';
import { PostgresDataLoadError, dataPlaneError } from './postgres-errors.js';
import { openDataSession, raceAbort, type PostgresSession } from './postgres-session.js';
import { qualifiedName, quoteIdent } from './postgres-types.js';

/** PostgreSQL's limit of bind parameters per statement. */
const maxParams = 65_535;
/** Rows per VALUES list, at most (parsing and planning time grow with the statement). */
const maxValuesRows = 2_000;
/** Rows per statement that takes them as arrays, at most. */
const maxArrayRows = 10_000;
/** Approximate bytes of values per statement, at most. */
const maxBytesPerStatement = 16 * 1024 * 1024;
const savepoint = 'opendms_apply';
/** Prepared statements kept per connection, at most. */
const maxStatements = 64;

export async function openPostgresApplier(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier> {
  signal.throwIfAborted();
  const target = describeTarget(params);
  let session: PostgresSession | undefined;
  try {
    session = await openDataSession(params, signal);
    // An aborted apply() ends the connection mid-statement; a backend waiting on a lock
    // would notice only once the lock is free, holding its own locks meanwhile. PostgreSQL
    // 14+ can look for the vanished client while it waits (Linux, BSDs, macOS only: best effort).
    await session.client
      .query("SELECT pg_catalog.set_config('client_connection_check_interval', '1000', false) WHERE pg_catalog.current_setting('server_version_num')::int >= 140000")
      .catch(() => undefined);
    signal.throwIfAborted();
    return new PostgresApplier(session, signal, target);
  } catch (err) {
    await session?.close();
    throw dataPlaneError(err, signal, target);
  }
}

interface ColumnMeta {
  /** The type to cast a parameter to: schema-qualified pg_type name, no type modifier. */
  readonly cast: string;
  /**
   * The array type of the column's type, for rows sent as one array per column (unnest,
   * `= ANY`); undefined when the column is an array itself (unnest would flatten it) or its
   * type has no comma-delimited array (box), then rows go as a VALUES list.
   */
  readonly arrayCast: string | undefined;
  /** No usable `=` (json, xml, geometric types): compared by text form. */
  readonly textCompare: boolean;
}

interface TableMeta {
  readonly sql: string;
  readonly columns: ReadonlyMap<string, ColumnMeta>;
  /** Column sets of valid, immediate, non-partial unique indexes without expressions. */
  readonly uniqueKeys: readonly (readonly string[])[];
}

type State = 'open' | 'busy' | 'broken' | 'closed';

class PostgresApplier implements ChangeApplier {
  private state: State = 'open';
  private readonly tables = new Map<string, TableMeta>();
  /** Prepared statements by text, least recently used first. */
  private readonly statements = new Map<string, string>();
  /** Prepared statements dropped from `statements`, to DEALLOCATE outside a transaction. */
  private deallocate: string[] = [];
  private prepared = 0;

  constructor(
    private readonly session: PostgresSession,
    private readonly openSignal: AbortSignal,
    private readonly target: string,
  ) {}

  async apply(changes: readonly TargetChange[], signal: AbortSignal): Promise<void> {
    if (this.state !== 'open') throw new Error(`the change applier of ${this.target} is ${this.state === 'busy' ? 'busy (one apply at a time)' : this.state}`);
    const combined = AbortSignal.any([this.openSignal, signal]);
    combined.throwIfAborted();
    if (changes.length === 0) return;
    this.state = 'busy';
    // Ending the connection is the prompt way to stop a statement: the server rolls back.
    const onAbort = (): void => void this.session.close();
    combined.addEventListener('abort', onAbort, { once: true });
    try {
      await raceAbort(this.applyAll(changes), combined);
      this.state = 'open';
    } catch (err) {
      if (err instanceof DataLoadError && !combined.aborted) {
        this.state = 'open';
        throw err;
      }
      this.state = 'broken';
      await this.session.close();
      throw dataPlaneError(err, combined, this.target);
    } finally {
      combined.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.session.close();
  }

  private query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    return this.session.client.query(text, values);
  }

  /**
   * Runs a data statement. A `reusable` one (its text depends on the table, columns and key
   * only: rows travel as arrays) runs as a named prepared statement, parsed once per
   * connection. The set is bounded: the least recently used are deallocated. Texts that grow
   * with the rows (VALUES lists) are never prepared: each would keep megabytes in the backend.
   */
  private statement(text: string, values: unknown[], reusable: boolean): Promise<pg.QueryResult> {
    // pg's own record of prepared names: without it (another pg version) statements stay unnamed.
    const parsed = (this.session.client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
    if (!reusable || !parsed || typeof parsed !== 'object') return this.query(text, values);
    let name = this.statements.get(text);
    if (name === undefined) {
      name = `opendms_apply_${++this.prepared}`;
      if (this.statements.size >= maxStatements) {
        const [oldest, oldName] = this.statements.entries().next().value as [string, string];
        this.statements.delete(oldest);
        // Names are never reused, so pg forgetting it now is safe; the server's copy goes
        // before the next transaction (DEALLOCATE fails inside a failed one).
        delete parsed[oldName];
        this.deallocate.push(oldName);
      }
    } else {
      this.statements.delete(text);
    }
    this.statements.set(text, name);
    return this.session.client.query({ name, text, values });
  }

  private async applyAll(changes: readonly TargetChange[]): Promise<void> {
    const runs = changeRuns(changes, { joinTruncates: true });
    for (const run of runs) await this.meta(run.table);
    if (this.deallocate.length > 0) {
      await this.query(this.deallocate.map((n) => `DEALLOCATE ${quoteIdent(n)}`).join('; '));
      this.deallocate = [];
    }
    await this.query('BEGIN');
    try {
      for (const run of runs) await this.applyRun(run);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await this.query('ROLLBACK');
      await this.applyCarefully(runs);
      return;
    }
    await this.commit(changes);
  }

  /**
   * The second pass after a refusal: a savepoint per run, and a run that fails applied one
   * change at a time, so the refused change is known by its index.
   */
  private async applyCarefully(runs: readonly ChangeRun[]): Promise<void> {
    await this.query('BEGIN');
    for (const run of runs) {
      await this.query(`SAVEPOINT ${savepoint}`);
      try {
        await this.applyRun(run);
      } catch (err) {
        if (!isRefusal(err)) throw err;
        await this.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        for (const item of run.items) {
          try {
            await this.applyRun({ ...run, items: [item] });
          } catch (one) {
            if (!isRefusal(one)) throw one;
            await this.query('ROLLBACK');
            throw refusedError(one, item.change.table, item.index);
          }
        }
      }
      await this.query(`RELEASE SAVEPOINT ${savepoint}`);
    }
    await this.commit(runs.flatMap((r) => r.items.map((i) => i.change)));
  }

  /** COMMIT; a deferred constraint refusing it has already rolled everything back. */
  private async commit(changes: readonly TargetChange[]): Promise<void> {
    try {
      await this.query('COMMIT');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const e = err as pg.DatabaseError;
      const first = changes[0]!.table;
      const table = e.table ? { schema: e.schema ?? first.schema, name: e.table } : first;
      throw refusedError(err, table, undefined);
    }
  }

  private async applyRun(run: ChangeRun): Promise<void> {
    const meta = await this.meta(run.table);
    switch (run.kind) {
      case 'truncate': {
        // Consecutive truncates go in one statement: a table referenced by a foreign key can
        // be truncated only together with the tables that reference it.
        const tables: string[] = [];
        for (const item of run.items) {
          const other = (await this.meta(item.change.table)).sql;
          if (!tables.includes(other)) tables.push(other);
        }
        await this.query(`TRUNCATE ${tables.join(', ')}`);
        return;
      }
      case 'upsert':
        return this.upsert(run, meta);
      case 'delete':
        return this.delete(run, meta);
    }
  }

  private async upsert(run: ChangeRun, meta: TableMeta): Promise<void> {
    const { columns, key } = run;
    const cols = columns.map((c) => columnOf(meta, run.table, c));
    const keyPos = key.map((k) => {
      const i = columns.indexOf(k);
      if (i < 0) throw new Error(`upsert into ${meta.sql}: key column ${k} is not among the columns`);
      return i;
    });
    // A later upsert of the same key sets the same columns: it alone counts. Needed, since
    // one statement may not touch a row twice (ON CONFLICT), nor insert a key twice.
    const rows = dedupeLast(run.items.map((i) => upsertRow(i.change)), keyPos);
    const list = columns.map(quoteIdent).join(', ');
    const selectV = columns.map((_, i) => `v.c${i}`).join(', ');
    const set = columns.flatMap((c, i) => (key.includes(c) ? [] : [`${quoteIdent(c)} = v.c${i}`]));
    if (hasUniqueKey(meta, key)) {
      const arbiter = `ON CONFLICT (${key.map(quoteIdent).join(', ')})`;
      const tail =
        set.length === 0 ? `${arbiter} DO NOTHING` : `${arbiter} DO UPDATE SET ${columns.filter((c) => !key.includes(c)).map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
      for (const chunk of chunkRows(rows, cols)) {
        const src = rowSource(chunk, cols, false);
        await this.statement(`INSERT INTO ${meta.sql} (${list}) SELECT ${selectV} FROM ${src.from} ${tail}`, src.values, src.reusable);
      }
      return;
    }
    // No unique index to arbitrate: match by the key (NULL-safe when it is every column: the
    // source table has no key), update what matches, insert the rest.
    const nullSafe = key.length === columns.length || isEveryColumn(meta, key);
    const match = keyPos.map((p) => compare(`t.${quoteIdent(columns[p]!)}`, `v.c${p}`, cols[p]!, nullSafe)).join(' AND ');
    for (const chunk of chunkRows(rows, cols)) {
      const src = rowSource(chunk, cols, true);
      const sql =
        set.length === 0
          ? `WITH v AS (SELECT * FROM ${src.from}) ` +
            `INSERT INTO ${meta.sql} (${list}) SELECT ${selectV} FROM v WHERE NOT EXISTS (SELECT 1 FROM ${meta.sql} AS t WHERE ${match})`
          : `WITH v AS (SELECT * FROM ${src.from}), ` +
            `u AS (UPDATE ${meta.sql} AS t SET ${set.join(', ')} FROM v WHERE ${match} RETURNING v.i) ` +
            `INSERT INTO ${meta.sql} (${list}) SELECT ${selectV} FROM v WHERE v.i NOT IN (SELECT u.i FROM u)`;
      await this.statement(sql, src.values, src.reusable);
    }
  }

  private async delete(run: ChangeRun, meta: TableMeta): Promise<void> {
    const { key } = run;
    const cols = key.map((k) => columnOf(meta, run.table, k));
    const rows = run.items.map((i) => deleteKeyValues(i.change));
    if (!hasUniqueKey(meta, key) && isEveryColumn(meta, key)) {
      // No key: each change deletes exactly one equal row (there may be several alike).
      const match = key.map((k, i) => compare(`t.${quoteIdent(k)}`, `$${i + 1}::${cols[i]!.cast}`, cols[i]!, true)).join(' AND ');
      const sql = `DELETE FROM ${meta.sql} WHERE (tableoid, ctid) = (SELECT t.tableoid, t.ctid FROM ${meta.sql} AS t WHERE ${match} LIMIT 1)`;
      for (const row of rows) await this.statement(sql, row, true);
      return;
    }
    const only = cols.length === 1 ? cols[0]! : undefined;
    if (only?.arrayCast && !only.textCompare) {
      const sql = `DELETE FROM ${meta.sql} WHERE ${quoteIdent(key[0]!)} = ANY($1::${only.arrayCast})`;
      for (const chunk of chunkRows(rows, cols)) await this.statement(sql, [chunk.map((r) => r[0] ?? null)], true);
      return;
    }
    const match = key.map((k, i) => compare(`t.${quoteIdent(k)}`, `v.c${i}`, cols[i]!, false)).join(' AND ');
    for (const chunk of chunkRows(rows, cols)) {
      const src = rowSource(chunk, cols, false);
      await this.statement(`DELETE FROM ${meta.sql} AS t USING ${src.from} WHERE ${match}`, src.values, src.reusable);
    }
  }

  forget(table: TableRef): void {
    this.tables.delete(qualifiedName(table));
  }

  /** The table's facts, read once (until forget()). */
  private async meta(table: TableRef): Promise<TableMeta> {
    const sql = qualifiedName(table);
    const cached = this.tables.get(sql);
    if (cached) return cached;
    const cols = await this.query(
      `SELECT a.attname AS name,
              quote_ident(tn.nspname) || '.' || quote_ident(t.typname) AS cast,
              CASE WHEN t.typcategory <> 'A' AND t.typdelim = ',' AND at.oid IS NOT NULL
                   THEN quote_ident(an.nspname) || '.' || quote_ident(at.typname) END AS array_cast,
              (bn.nspname = 'pg_catalog' AND b.typname IN ('json', 'xml', 'point', 'lseg', 'box', 'path', 'polygon', 'line', 'circle')) AS text_compare
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_catalog.pg_type at ON at.oid = t.typarray
         LEFT JOIN pg_catalog.pg_namespace an ON an.oid = at.typnamespace
         -- the base type of a domain, the element type of an array (one level of each)
         JOIN pg_catalog.pg_type d ON d.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
         JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN d.typcategory = 'A' AND d.typelem <> 0 THEN d.typelem ELSE d.oid END
         JOIN pg_catalog.pg_namespace bn ON bn.oid = b.typnamespace
        WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''`,
      [sql],
    );
    if (cols.rows.length === 0) {
      throw new ConnectorError({ kind: 'other', message: `PostgreSQL at ${this.target}: target table ${sql} does not exist`, hint: 'Create the table first (full load, or TargetTablePrepMode DROP_AND_CREATE).' });
    }
    const keys = await this.query(
      `SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey) AS k(n) JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) AS cols
         FROM pg_catalog.pg_index i
        WHERE i.indrelid = pg_catalog.to_regclass($1) AND i.indisunique AND i.indisvalid AND i.indimmediate
          AND i.indpred IS NULL AND i.indexprs IS NULL`,
      [sql],
    );
    const meta: TableMeta = {
      sql,
      columns: new Map(
        (cols.rows as { name: string; cast: string; array_cast: string | null; text_compare: boolean }[]).map((r) => [
          r.name,
          { cast: r.cast, arrayCast: r.array_cast ?? undefined, textCompare: r.text_compare },
        ]),
      ),
      uniqueKeys: (keys.rows as { cols: string[] }[]).map((r) => r.cols),
    };
    this.tables.set(sql, meta);
    return meta;
  }
}




function columnOf(meta: TableMeta, table: TableRef, name: string): ColumnMeta {
  const c = meta.columns.get(name);
  if (!c) {
    throw new ConnectorError({ kind: 'other', message: `target table ${table.schema}.${table.name} has no column ${name}`, hint: 'Drop the target table or let the task create it (TargetTablePrepMode DROP_AND_CREATE).' });
  }
  return c;
}

function hasUniqueKey(meta: TableMeta, key: readonly string[]): boolean {
  return key.length > 0 && meta.uniqueKeys.some((u) => u.length === key.length && u.every((c) => key.includes(c)));
}

/** True when `key` names every (writable) column of the table: the source table had no key. */
function isEveryColumn(meta: TableMeta, key: readonly string[]): boolean {
  return key.length >= meta.columns.size && [...meta.columns.keys()].every((c) => key.includes(c));
}

/** `a = b`, by text form for types without a usable `=`, NULL-safe when asked. */
function compare(a: string, b: string, c: ColumnMeta, nullSafe: boolean): string {
  const [l, r] = c.textCompare ? [`${a}::text`, `(${b})::text`] : [a, b];
  return nullSafe ? `${l} IS NOT DISTINCT FROM ${r}` : `${l} = ${r}`;
}

/** Identity of a key's values: null, booleans, Buffers and strings kept apart. */
function identity(row: Row, positions: readonly number[]): string {
  return JSON.stringify(positions.map((p) => tagged(row[p] ?? null)));
}

function tagged(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 'b1' : 'b0';
  if (Buffer.isBuffer(v)) return `x${v.toString('hex')}`;
  return `s${v}`;
}

/** The rows with the last row of each key only, in the order of those last rows. */
function dedupeLast(rows: readonly Row[], keyPos: readonly number[]): Row[] {
  if (rows.length < 2) return [...rows];
  const last = new Map<string, number>();
  rows.forEach((r, i) => last.set(identity(r, keyPos), i));
  if (last.size === rows.length) return [...rows];
  return rows.filter((r, i) => last.get(identity(r, keyPos)) === i);
}

/** Rows in statement-sized chunks (bind parameters or array rows, bytes). */
function chunkRows(rows: readonly Row[], cols: readonly ColumnMeta[]): Row[][] {
  const perStatement = asArrays(cols) ? maxArrayRows : Math.max(1, Math.min(maxValuesRows, Math.floor((maxParams - 1) / (cols.length + 1))));
  const sizeOf = (row: Row): number => row.reduce((n, v) => n + (v === null || typeof v === 'boolean' ? 1 : v.length), 0);
  return chunkBySize(rows, sizeOf, { maxItems: perStatement, maxBytes: maxBytesPerStatement });
}

function asArrays(cols: readonly ColumnMeta[]): boolean {
  return cols.every((c) => c.arrayCast !== undefined);
}

/**
 * The rows as a FROM item `v` with columns c0, c1 ... (and `i`, the row's ordinal, when
 * `numbered`): one array parameter per column through unnest (a statement text independent
 * of the row count: `reusable`), or a VALUES list when a column cannot travel in an array.
 */
function rowSource(rows: readonly Row[], cols: readonly ColumnMeta[], numbered: boolean): { from: string; values: unknown[]; reusable: boolean } {
  const names = cols.map((_, i) => `c${i}`);
  if (asArrays(cols)) {
    const values = cols.map((_, i) => rows.map((r) => r[i] ?? null));
    const args = cols.map((c, i) => `$${i + 1}::${c.arrayCast!}`).join(', ');
    return { from: `unnest(${args})${numbered ? ' WITH ORDINALITY' : ''} AS v (${[...names, ...(numbered ? ['i'] : [])].join(', ')})`, values, reusable: true };
  }
  const { tuples, values } = valuesList(rows, cols, numbered);
  return { from: `(VALUES ${tuples}) AS v (${[...(numbered ? ['i'] : []), ...names].join(', ')})`, values, reusable: false };
}

/** `($1::t, $2::u), (...)` and its parameters; with `numbered`, each tuple starts with its ordinal. */
function valuesList(rows: readonly Row[], cols: readonly ColumnMeta[], numbered: boolean): { tuples: string; values: Value[] } {
  const values: Value[] = [];
  const tuples: string[] = [];
  rows.forEach((row, r) => {
    const parts: string[] = numbered ? [String(r)] : [];
    for (let i = 0; i < cols.length; i++) {
      values.push(row[i] ?? null);
      parts.push(`$${values.length}::${cols[i]!.cast}`);
    }
    tuples.push(`(${parts.join(', ')})`);
  });
  return { tuples: tuples.join(', '), values };
}

/** True for the server refusing data (classes 21, 22, 23), not the connection or the SQL. */
function isRefusal(err: unknown): boolean {
  if (!(err instanceof pg.DatabaseError)) return false;
  const code = err.code ?? '';
  return code.startsWith('21') || code.startsWith('22') || code.startsWith('23');
}

function refusedError(err: unknown, table: TableRef, index: number | undefined): DataLoadError {
  const e = err as pg.DatabaseError;
  return new PostgresDataLoadError(
    {
      table,
      message: e.message,
      sqlState: e.code ?? '',
      ...(index !== undefined ? { rowNumber: index + 1 } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    },
    { cause: err },
  );
}
