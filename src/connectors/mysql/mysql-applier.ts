/**
 * Applies captured changes (spi/changes.ts TargetChange) to a MySQL/MariaDB target on one
 * connection of its own, idempotently, one transaction per apply() call, in the session the
 * full load's writers use (strict sql_mode, UTC, no foreign key checks: mysql-writer.ts).
 *
 * Consecutive changes of the same kind, table, column set and key form a run, applied with
 * multi-row statements where the target has a PRIMARY KEY or unique key on exactly the key
 * columns (never reordered across kinds, so upsert-then-delete of a key ends deleted and
 * delete-then-upsert ends present):
 *   upsert: INSERT ... VALUES (..),(..) ON DUPLICATE KEY UPDATE c = VALUES(c)
 *   delete: DELETE ... WHERE k IN (..) (one key column) or (k1 = .. AND k2 = ..) OR ..
 *   truncate: DELETE FROM t (TRUNCATE would commit the transaction implicitly).
 * Without such a key, upserts go one change at a time: UPDATE by the key, then INSERT when it
 * found no row; when the key is every column of the table (a source table without key) an
 * INSERT of the row only when no equal row exists (NULL-safe `<=>`), and a delete removes
 * exactly one equal row (DELETE ... LIMIT 1). Keyed deletes stay multi-row.
 * Values are SQL literals made by mysql-values.ts exactly as the writer's INSERT path makes
 * them (booleans 1/0, '+00' dropped from timestamps, binaries X'..', BIT through CONV),
 * statements kept below max_allowed_packet.
 *
 * A refused change (mysql-writer.ts isDataError, or a value the writer refuses before
 * sending it): InnoDB rolled back that statement only, so the statement's changes are run
 * again one at a time to name the refused one; then the whole transaction is rolled back
 * and apply() rejects with a DataLoadError whose rowIndex is that change's index. The applier
 * stays usable. Any other failure is a ConnectorError and leaves the applier broken;
 * aborting apply()'s signal (or the one given at open) drops the connection (the server rolls
 * back) and rejects with the signal's reason.
 *
 * ON DUPLICATE KEY UPDATE acts on a conflict with any unique key of the table, as MySQL
 * defines it: a row that collides with another row on a second unique key updates that row.
 * Table facts are read once per table and cached for the applier's life.
 */
import { changeRuns, chunkBySize, deleteKeyValues, upsertRow, type ChangeItem, type ChangeRun } from '../spi/change-runs.js';
import mysql from 'mysql2';
import type { ChangeApplier, TargetChange } from '../spi/changes.js';
import { ConnectorError } from '../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { DataLoadError } from '../spi/data-load-error.js';
import type { NeutralType, Row, TableRef, Value } from '../spi/data-types.js';
import { classifyMysqlError } from './mysql-errors.js';
import { exactValueOptions, mysqlFlavourOf, openMysqlSession, type MysqlSession } from './mysql-session.js';
import { quoteId, quoteTable } from './mysql-types.js';
import { BadValueError, insertLiteral, writeEncodingOf, type WriteEncoding } from './mysql-values.js';
import { isDataError, writerSqlMode } from './mysql-writer.js';

/** Rows per multi-row statement, at most. */
const maxRowsPerStatement = 1_000;

export async function openMysqlApplier(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier> {
  signal.throwIfAborted();
  const flavour = mysqlFlavourOf(params);
  const target = describeTarget(params);
  const classify = (err: unknown): Error => (err instanceof ConnectorError ? err : new ConnectorError(classifyMysqlError(err, flavour, target), { cause: err }));
  let session: MysqlSession | undefined;
  try {
    session = await openMysqlSession(params, signal, exactValueOptions);
    await session.query(`SET SESSION sql_mode = '${writerSqlMode}'`);
    await session.query("SET SESSION time_zone = '+00:00'");
    await session.query('SET SESSION foreign_key_checks = 0');
    const [packet] = await session.query<{ p: string | number }>('SELECT @@max_allowed_packet AS p');
    const maxPacket = Number(packet?.p ?? 4_194_304);
    return new MysqlApplier(session, signal, `${flavour} at ${target}`, maxPacket, classify, () => killThread(params, session!.connection.threadId));
  } catch (err) {
    session?.destroy();
    throw signal.aborted ? signal.reason : classify(err);
  }
}

interface ColumnMeta {
  readonly name: string;
  readonly encoding: WriteEncoding;
  /** What wireText needs: timestamps lose a '+00'; nothing else depends on it. */
  readonly type: NeutralType;
  /** FLOAT: a literal compares equal only once cast to FLOAT too. */
  readonly float: boolean;
}

interface TableMeta {
  readonly sql: string;
  /** By lower-case name (MySQL column names are case-insensitive). */
  readonly columns: ReadonlyMap<string, ColumnMeta>;
  /** Lower-case column sets of PRIMARY KEY and unique keys (whole columns only). */
  readonly uniqueKeys: readonly (readonly string[])[];
}

/** A statement of one or more changes the server (or the encoder) refused. */
class Refused extends Error {
  constructor(
    readonly items: readonly ChangeItem[],
    readonly table: TableRef,
    readonly serverError: unknown,
  ) {
    super('refused');
  }
}

interface ServerError {
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

/** MySQL's CHECK constraint violation (MariaDB's 4025 is in isDataError already). */
const checkViolated = 3819;

function refusedByServer(err: unknown): boolean {
  return isDataError(err) || (err as ServerError | undefined)?.errno === checkViolated;
}

type State = 'open' | 'busy' | 'broken' | 'closed';

class MysqlApplier implements ChangeApplier {
  private state: State = 'open';
  private readonly tables = new Map<string, TableMeta>();
  private abortWith: ((reason: unknown) => void) | undefined;
  private aborted: Promise<never> = new Promise<never>(() => undefined);

  constructor(
    private readonly session: MysqlSession,
    private readonly openSignal: AbortSignal,
    private readonly target: string,
    private readonly maxPacket: number,
    private readonly classify: (err: unknown) => Error,
    /** Ends the server's thread of this connection (after it was dropped mid-statement). */
    private readonly killServerThread: () => Promise<void>,
  ) {}

  async apply(changes: readonly TargetChange[], signal: AbortSignal): Promise<void> {
    if (this.state !== 'open') throw new Error(`the change applier of ${this.target} is ${this.state === 'busy' ? 'busy (one apply at a time)' : this.state}`);
    const combined = AbortSignal.any([this.openSignal, signal]);
    combined.throwIfAborted();
    if (changes.length === 0) return;
    this.state = 'busy';
    this.aborted = new Promise<never>((_, reject) => {
      this.abortWith = reject;
    });
    this.aborted.catch(() => undefined);
    const onAbort = (): void => {
      // Dropping the connection stops the statement at once; the server rolls back.
      this.session.destroy();
      void this.killServerThread();
      this.abortWith?.(combined.reason);
    };
    combined.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([this.applyAll(changes), this.aborted]);
      this.state = 'open';
    } catch (err) {
      if (err instanceof DataLoadError && !combined.aborted) {
        this.state = 'open';
        throw err;
      }
      this.state = 'broken';
      this.session.destroy();
      throw combined.aborted ? combined.reason : this.classify(err);
    } finally {
      combined.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const clean = this.state === 'open';
    this.state = 'closed';
    if (clean) await this.session.close();
    else this.session.destroy();
  }

  private query<R>(sql: string): Promise<R> {
    return Promise.race([this.session.queryWith<R>({ sql }), this.aborted]);
  }

  private async applyAll(changes: readonly TargetChange[]): Promise<void> {
    const runs = changeRuns(changes, { joinTruncates: false });
    for (const run of runs) await this.meta(run.table);
    await this.query('START TRANSACTION');
    try {
      for (const run of runs) await this.applyRun(run, true);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      const refusal = await this.locate(err);
      await this.query('ROLLBACK');
      throw refusal;
    }
    await this.query('COMMIT');
  }

  /**
   * The statement of `refused` was rolled back alone (InnoDB's statement rollback): its
   * changes run again one at a time name the refused one. The caller rolls back the rest.
   */
  private async locate(refused: Refused): Promise<DataLoadError> {
    let first: Refused = refused;
    if (refused.items.length > 1) {
      const change = refused.items[0]!.change;
      const run: ChangeRun = changeRuns([change], { joinTruncates: false })[0]!;
      for (const item of refused.items) {
        try {
          await this.applyRun({ ...run, items: [item] }, true);
        } catch (err) {
          if (!(err instanceof Refused)) throw err;
          first = err;
          break;
        }
      }
    }
    const e = first.serverError as ServerError;
    const message = e instanceof BadValueError ? e.message : e.sqlMessage ?? e.message ?? String(first.serverError);
    return new DataLoadError({
      table: first.table,
      // Still several: each passed alone, the statement as a whole was refused; its first.
      rowIndex: first.items[0]!.index,
      truncation: e.errno === 1406 || e.errno === 1265,
      serverMessage: message,
      cause: first.serverError,
    });
  }

  private async applyRun(run: ChangeRun, batched: boolean): Promise<void> {
    const meta = await this.meta(run.table);
    switch (run.kind) {
      case 'truncate':
        await this.exec(`DELETE FROM ${meta.sql}`, run.items, run.table);
        return;
      case 'upsert':
        return this.upsert(run, meta, batched);
      case 'delete':
        return this.delete(run, meta);
    }
  }

  /** Runs one statement of `items`; a refusal becomes Refused. */
  private async exec(sql: string, items: readonly ChangeItem[], table: TableRef): Promise<{ affectedRows?: number }> {
    try {
      return await this.query<{ affectedRows?: number }>(sql);
    } catch (err) {
      if (refusedByServer(err)) throw new Refused(items, table, err);
      throw err;
    }
  }

  private async upsert(run: ChangeRun, meta: TableMeta, batched: boolean): Promise<void> {
    const { columns, key, table } = run;
    const cols = columns.map((c) => columnOf(meta, table, c));
    const keyPos = key.map((k) => {
      const i = columns.indexOf(k);
      if (i < 0) throw new Error(`upsert into ${meta.sql}: key column ${k} is not among the columns`);
      return i;
    });
    const list = columns.map(quoteId).join(', ');
    const rows = run.items.map((item) => ({ item, lits: literals(item, upsertRow(item.change), cols, table) }));
    if (hasUniqueKey(meta, key)) {
      const set = columns.filter((c) => !key.includes(c)).map((c) => `${quoteId(c)} = VALUES(${quoteId(c)})`);
      // Every column is the key: nothing to set, a no-op update keeps the row.
      const tail = ` ON DUPLICATE KEY UPDATE ${set.length > 0 ? set.join(', ') : `${quoteId(key[0]!)} = ${quoteId(key[0]!)}`}`;
      const head = `INSERT INTO ${meta.sql} (${list}) VALUES `;
      for (const chunk of this.chunks(rows.map((r) => ({ item: r.item, sql: `(${r.lits.join(',')})` })), head.length + tail.length, batched)) {
        await this.exec(head + chunk.map((c) => c.sql).join(',') + tail, chunk.map((c) => c.item), table);
      }
      return;
    }
    const everyColumn = isEveryColumn(meta, key);
    for (const { item, lits } of rows) {
      const match = keyPos.map((p) => `${quoteId(columns[p]!)} <=> ${comparable(lits[p]!, cols[p]!)}`).join(' AND ');
      const insertIfAbsent = `INSERT INTO ${meta.sql} (${list}) SELECT ${lits.join(', ')} FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM ${meta.sql} WHERE ${match})`;
      const set = columns.flatMap((c, i) => (key.includes(c) ? [] : [`${quoteId(c)} = ${lits[i]!}`]));
      if (everyColumn || set.length === 0) {
        await this.exec(insertIfAbsent, [item], table);
        continue;
      }
      // FOUND_ROWS (mysql2's default): affectedRows counts the rows found, changed or not.
      const updated = await this.exec(`UPDATE ${meta.sql} SET ${set.join(', ')} WHERE ${match}`, [item], table);
      if ((updated.affectedRows ?? 0) === 0) await this.exec(`INSERT INTO ${meta.sql} (${list}) VALUES (${lits.join(', ')})`, [item], table);
    }
  }

  private async delete(run: ChangeRun, meta: TableMeta): Promise<void> {
    const { key, table } = run;
    const cols = key.map((k) => columnOf(meta, table, k));
    const rows = run.items.map((item) => ({ item, lits: literals(item, deleteKeyValues(item.change), cols, table) }));
    if (!hasUniqueKey(meta, key) && isEveryColumn(meta, key)) {
      // No key: each change deletes exactly one equal row (there may be several alike).
      for (const { item, lits } of rows) {
        const match = key.map((k, i) => `${quoteId(k)} <=> ${comparable(lits[i]!, cols[i]!)}`).join(' AND ');
        await this.exec(`DELETE FROM ${meta.sql} WHERE ${match} LIMIT 1`, [item], table);
      }
      return;
    }
    const single = key.length === 1;
    const terms = rows.map(({ item, lits }) => ({
      item,
      sql: single ? comparable(lits[0]!, cols[0]!) : `(${key.map((k, i) => `${quoteId(k)} = ${comparable(lits[i]!, cols[i]!)}`).join(' AND ')})`,
    }));
    const head = single ? `DELETE FROM ${meta.sql} WHERE ${quoteId(key[0]!)} IN (` : `DELETE FROM ${meta.sql} WHERE `;
    for (const chunk of this.chunks(terms, head.length + 1, true)) {
      await this.exec(head + chunk.map((t) => t.sql).join(single ? ',' : ' OR ') + (single ? ')' : ''), chunk.map((t) => t.item), table);
    }
  }

  /** Terms grouped into statements below max_allowed_packet (and one each unless `batched`). */
  private chunks<T extends { item: ChangeItem; sql: string }>(terms: readonly T[], overhead: number, batched: boolean): T[][] {
    const budget = this.maxPacket - 64 * 1024 - overhead;
    const sizeOf = (t: T): number => Buffer.byteLength(t.sql, 'utf8') + 4;
    for (const t of terms) {
      const size = sizeOf(t);
      if (size > budget) {
        throw new Refused([t.item], t.item.change.table, new BadValueError(`the change is ${size} bytes as SQL, beyond the target's max_allowed_packet (${this.maxPacket})`));
      }
    }
    return chunkBySize(terms, sizeOf, { maxItems: batched ? maxRowsPerStatement : 1, maxBytes: budget });
  }

  forget(table: TableRef): void {
    this.tables.delete(quoteTable(table));
  }

  /** The table's facts, read once (until forget()). */
  private async meta(table: TableRef): Promise<TableMeta> {
    const sql = quoteTable(table);
    const cached = this.tables.get(sql);
    if (cached) return cached;
    const columns = await this.query<{ COLUMN_NAME: string; DATA_TYPE: string; EXTRA: string | null }[]>(
      `SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${quoteLiteral(table.schema)} AND TABLE_NAME = ${quoteLiteral(table.name)}`,
    );
    if (columns.length === 0) {
      throw new ConnectorError({ kind: 'other', message: `${this.target}: target table ${table.schema}.${table.name} does not exist`, hint: 'Create the table first (full load, or TargetTablePrepMode DROP_AND_CREATE).' });
    }
    const keys = await this.query<{ INDEX_NAME: string; COLUMN_NAME: string | null; SUB_PART: unknown }[]>(
      `SELECT INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ${quoteLiteral(table.schema)} AND TABLE_NAME = ${quoteLiteral(table.name)} AND NON_UNIQUE = 0
        ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    );
    const byIndex = new Map<string, (string | null)[]>();
    for (const k of keys) {
      // A prefix or functional key part: the key is not "exactly these columns".
      const part = k.COLUMN_NAME === null || (k.SUB_PART !== null && k.SUB_PART !== undefined) ? null : k.COLUMN_NAME.toLowerCase();
      byIndex.set(k.INDEX_NAME, [...(byIndex.get(k.INDEX_NAME) ?? []), part]);
    }
    const meta: TableMeta = {
      sql,
      columns: new Map(
        columns
          // Generated columns are never written (MySQL 8's DEFAULT_GENERATED is a default, not one).
          .filter((c) => !/\b(VIRTUAL|STORED|PERSISTENT)\b/i.test(c.EXTRA ?? ''))
          .map((c) => {
            const dt = c.DATA_TYPE.toLowerCase();
            const type: NeutralType = dt === 'timestamp' || dt === 'datetime' ? { kind: 'timestamp', withTimeZone: true } : { kind: 'text' };
            return [c.COLUMN_NAME.toLowerCase(), { name: c.COLUMN_NAME, encoding: writeEncodingOf(dt), type, float: dt === 'float' }];
          }),
      ),
      uniqueKeys: [...byIndex.values()].filter((cols): cols is string[] => cols.every((c) => c !== null)),
    };
    this.tables.set(sql, meta);
    return meta;
  }
}

/**
 * Best effort, on a connection of its own: a server thread whose client vanished while it
 * waited (on a row lock, say) would otherwise wait on, holding its own locks, until
 * innodb_lock_wait_timeout. KILL rolls its transaction back at once.
 */
async function killThread(params: ConnectionParams, threadId: number | null): Promise<void> {
  if (threadId === null) return;
  let session: MysqlSession | undefined;
  try {
    session = await openMysqlSession(params, AbortSignal.timeout(killTimeoutMs));
    await session.query(`KILL ${Number(threadId)}`);
  } catch {
    // Gone already (ER_NO_SUCH_THREAD), or unreachable: the server ends it in time anyway.
  } finally {
    session?.destroy();
  }
}

const killTimeoutMs = 5_000;

function quoteLiteral(s: string): string {
  return mysql.escape(s);
}




/** A change's values as literals; a value the writer would refuse refuses the change. */
function literals(item: ChangeItem, row: Row, cols: readonly ColumnMeta[], table: TableRef): string[] {
  try {
    return cols.map((c, i) => insertLiteral((row[i] ?? null) as Value, c.encoding, c.type));
  } catch (err) {
    if (err instanceof BadValueError) throw new Refused([item], table, err);
    throw err;
  }
}

/** A literal as the right side of a comparison with its column. */
function comparable(literal: string, c: ColumnMeta): string {
  return c.float && literal !== 'NULL' ? `CAST(${literal} AS FLOAT)` : literal;
}

function columnOf(meta: TableMeta, table: TableRef, name: string): ColumnMeta {
  const c = meta.columns.get(name.toLowerCase());
  if (!c) {
    throw new ConnectorError({ kind: 'other', message: `target table ${table.schema}.${table.name} has no column ${name}`, hint: 'Drop the target table or let the task create it (TargetTablePrepMode DROP_AND_CREATE).' });
  }
  return c;
}

function hasUniqueKey(meta: TableMeta, key: readonly string[]): boolean {
  const k = key.map((c) => c.toLowerCase());
  return k.length > 0 && meta.uniqueKeys.some((u) => u.length === k.length && u.every((c) => k.includes(c)));
}

/** True when `key` names every (writable) column of the table: the source table had no key. */
function isEveryColumn(meta: TableMeta, key: readonly string[]): boolean {
  const k = new Set(key.map((c) => c.toLowerCase()));
  return [...meta.columns.keys()].every((c) => k.has(c));
}
