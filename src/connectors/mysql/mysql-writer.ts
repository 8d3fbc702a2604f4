/**
 * Bulk load of one MySQL/MariaDB table on a connection of its own, inside a transaction.
 *
 * Fast path: LOAD DATA LOCAL INFILE fed by a stream built from the rows (about 25-40 %
 * faster than multi-row INSERT here). LOAD DATA LOCAL turns data errors into warnings and
 * skips duplicate keys whatever sql_mode says (the server cannot stop the client's file
 * half-way), so its result is checked: unless every row went in without a single warning,
 * the call is rolled back to its savepoint and done again with multi-row INSERTs under
 * strict sql_mode, which refuse the bad row and name it ("... at row 3"). A server with
 * local_infile off gets INSERTs from the first call on.
 *
 * A refused row rejects write() with a DataLoadError: the call is rolled back to its
 * savepoint, the writer stays usable, and the engine may write the rows again one by one.
 */
import { Readable } from 'node:stream';
import { ConnectorError } from '../spi/connection-error.js';
import { DataLoadError } from '../spi/data-load-error.js';
import type { Row, TableRef } from '../spi/data-types.js';
import type { TableWriter, TargetColumn } from '../spi/target.js';
import type { MysqlSession } from './mysql-session.js';
import { quoteId, quoteTable } from './mysql-types.js';
import { BadValueError, insertLiteral, loadDataColumn, loadDataField, writeEncodingOf, type WriteEncoding } from './mysql-values.js';

/** The writer's session: strict (refuse, never adjust, a bad value), UTC, no FK checks. */
export const writerSqlMode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';

export interface WriterOptions {
  /** Try LOAD DATA LOCAL INFILE first (default true). */
  readonly loadData: boolean;
  /** At most this many rows per INSERT statement. */
  readonly insertRows: number;
  /** At most about this many bytes per INSERT statement (kept below max_allowed_packet). */
  readonly insertBytes: number;
}

export const defaultWriterOptions: WriterOptions = { loadData: true, insertRows: 1000, insertBytes: 4 * 1024 * 1024 };

/** Server errors that mean "this row's data", not "this connection" or "this table". */
const dataErrnos = new Set([1048, 1062, 1263, 1264, 1265, 1291, 1292, 1366, 1367, 1406, 1411, 1416, 1690, 3037, 3140, 3156, 4025, 4078]);
/** The server does not allow LOAD DATA LOCAL (local_infile off, client refused). */
const loadDataRefused = new Set([1148, 2068, 3948, 3950]);

interface ServerError {
  errno?: number;
  sqlState?: string;
  message?: string;
  sqlMessage?: string;
}

export function isDataError(err: unknown): boolean {
  const e = err as ServerError | undefined;
  if (typeof e?.errno !== 'number') return false;
  return dataErrnos.has(e.errno) || /^2[23]/.test(e.sqlState ?? '');
}

const savepoint = 'opendms_write';

export async function openMysqlWriter(
  session: MysqlSession,
  table: TableRef,
  columns: readonly TargetColumn[],
  options: WriterOptions,
  classify: (err: unknown) => Error,
): Promise<TableWriter> {
  try {
    await session.query(`SET SESSION sql_mode = '${writerSqlMode}'`);
    await session.query("SET SESSION time_zone = '+00:00'");
    await session.query('SET SESSION foreign_key_checks = 0');
    const types = await session.query<{ COLUMN_NAME: string; DATA_TYPE: string }>(
      'SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name],
    );
    if (types.length === 0) throw new ConnectorError({ kind: 'other', message: `target table ${table.schema}.${table.name} does not exist`, hint: 'Create the table first (TargetTablePrepMode DROP_AND_CREATE).' });
    const byName = new Map(types.map((t) => [t.COLUMN_NAME.toLowerCase(), t.DATA_TYPE]));
    const encodings = columns.map((c) => {
      const dt = byName.get(c.name.toLowerCase());
      if (dt === undefined) throw new ConnectorError({ kind: 'other', message: `target table ${table.schema}.${table.name} has no column ${c.name}`, hint: 'Drop the target table or let the task create it (TargetTablePrepMode DROP_AND_CREATE).' });
      return writeEncodingOf(dt);
    });
    const [packet] = await session.query<{ p: string | number }>('SELECT @@max_allowed_packet AS p');
    const maxBytes = Math.max(64 * 1024, Math.min(options.insertBytes, Number(packet?.p ?? 4_194_304) - 64 * 1024));
    await session.query('START TRANSACTION');
    return new MysqlTableWriter(session, table, columns, encodings, { ...options, insertBytes: maxBytes }, Number(packet?.p ?? 4_194_304), classify);
  } catch (err) {
    session.destroy();
    throw err instanceof ConnectorError ? err : classify(err);
  }
}

class MysqlTableWriter implements TableWriter {
  private loadData: boolean;
  private broken: Error | undefined;
  private finished = false;
  private readonly columnList: string;

  constructor(
    private readonly session: MysqlSession,
    private readonly table: TableRef,
    private readonly columns: readonly TargetColumn[],
    private readonly encodings: readonly WriteEncoding[],
    private readonly options: WriterOptions,
    private readonly maxPacket: number,
    private readonly classify: (err: unknown) => Error,
  ) {
    this.loadData = options.loadData;
    this.columnList = columns.map((c) => quoteId(c.name)).join(', ');
  }

  async write(rows: readonly Row[]): Promise<void> {
    this.usable();
    if (rows.length === 0) return;
    try {
      await this.session.query(`SAVEPOINT ${savepoint}`);
      if (this.loadData && (await this.tryLoadData(rows))) {
        await this.session.query(`RELEASE SAVEPOINT ${savepoint}`);
        return;
      }
      await this.insert(rows);
      await this.session.query(`RELEASE SAVEPOINT ${savepoint}`);
    } catch (err) {
      if (err instanceof DataLoadError) {
        try {
          await this.session.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        } catch (rollbackErr) {
          throw this.fail(rollbackErr);
        }
        throw err;
      }
      throw this.fail(err);
    }
  }

  async commit(): Promise<void> {
    this.usable();
    try {
      await this.session.query('COMMIT');
      await this.session.query('START TRANSACTION');
    } catch (err) {
      throw this.fail(err);
    }
  }

  async close(): Promise<void> {
    this.usable();
    this.finished = true;
    try {
      await this.session.query('COMMIT');
    } catch (err) {
      this.session.destroy();
      throw this.classify(err);
    }
    await this.session.close();
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.broken) {
      this.session.destroy();
      return;
    }
    try {
      // A quick, polite rollback; the server rolls back a dropped connection's work anyway.
      await Promise.race([this.session.query('ROLLBACK'), new Promise((_, reject) => setTimeout(() => reject(new Error('rollback timed out')), 5_000).unref())]);
      await this.session.close();
    } catch {
      this.session.destroy();
    }
  }

  private usable(): void {
    if (this.broken) throw this.broken;
    if (this.finished) throw new Error(`the writer of ${this.table.schema}.${this.table.name} is closed`);
  }

  private fail(err: unknown): Error {
    const e = err instanceof ConnectorError ? err : this.classify(err);
    this.broken = e;
    this.session.destroy();
    return e;
  }

  /** True when every row went in exactly (no warning, nothing skipped); false: try INSERT. */
  private async tryLoadData(rows: readonly Row[]): Promise<boolean> {
    const targets: string[] = [];
    const sets: string[] = [];
    this.columns.forEach((c, i) => {
      const col = loadDataColumn(c.name, i, this.encodings[i]!);
      targets.push(col.target);
      if (col.set) sets.push(col.set);
    });
    let refused = false;
    const { columns, encodings } = this;
    function* lines(): Generator<Buffer> {
      let acc = '';
      for (const row of rows) {
        let line = '';
        for (let i = 0; i < columns.length; i++) {
          if (i > 0) line += '\t';
          try {
            line += loadDataField(row[i] ?? null, encodings[i]!, columns[i]!.type);
          } catch (err) {
            if (!(err instanceof BadValueError)) throw err;
            // Stop the file here; the INSERT pass names the row.
            refused = true;
            if (acc) yield Buffer.from(acc, 'utf8');
            return;
          }
        }
        acc += line + '\n';
        if (acc.length >= 256 * 1024) {
          yield Buffer.from(acc, 'utf8');
          acc = '';
        }
      }
      if (acc) yield Buffer.from(acc, 'utf8');
    }
    const sql =
      `LOAD DATA LOCAL INFILE 'opendms-rows' INTO TABLE ${quoteTable(this.table)} CHARACTER SET utf8mb4 ` +
      `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')})` +
      (sets.length ? ` SET ${sets.join(', ')}` : '');
    let result: { affectedRows?: number; warningStatus?: number };
    try {
      result = await this.session.queryWith({ sql, infileStreamFactory: () => Readable.from(lines()) });
    } catch (err) {
      const errno = (err as ServerError).errno;
      if (typeof errno === 'number' && loadDataRefused.has(errno)) {
        this.loadData = false;
        return false;
      }
      if (isDataError(err)) {
        await this.session.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        return false;
      }
      throw err;
    }
    if (!refused && result.affectedRows === rows.length && !result.warningStatus) return true;
    await this.session.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return false;
  }

  /** Multi-row INSERTs of at most insertRows rows / insertBytes bytes each. */
  private async insert(rows: readonly Row[]): Promise<void> {
    const head = `INSERT INTO ${quoteTable(this.table)} (${this.columnList}) VALUES `;
    let tuples: string[] = [];
    let bytes = 0;
    let first = 0;
    const flush = async (): Promise<void> => {
      if (tuples.length === 0) return;
      try {
        await this.session.query(head + tuples.join(','));
      } catch (err) {
        if (!isDataError(err)) throw err;
        const e = err as ServerError;
        const message = e.sqlMessage ?? e.message ?? String(err);
        const at = /\bat row (\d+)/.exec(message);
        const rowIndex = at ? first + Number(at[1]) - 1 : tuples.length === 1 ? first : undefined;
        throw new DataLoadError({ table: this.table, ...(rowIndex !== undefined ? { rowIndex } : {}), truncation: e.errno === 1406 || e.errno === 1265, serverMessage: message, cause: err });
      }
      first += tuples.length;
      tuples = [];
      bytes = 0;
    };
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let tuple: string;
      try {
        tuple = '(' + this.columns.map((c, i) => insertLiteral(row[i] ?? null, this.encodings[i]!, c.type)).join(',') + ')';
      } catch (err) {
        if (!(err instanceof BadValueError)) throw err;
        throw new DataLoadError({ table: this.table, rowIndex: r, truncation: false, serverMessage: err.message });
      }
      const size = Buffer.byteLength(tuple, 'utf8');
      if (size + head.length + 1024 > this.maxPacket) {
        throw new DataLoadError({ table: this.table, rowIndex: r, truncation: false, serverMessage: `the row is ${size} bytes as SQL, beyond the target's max_allowed_packet (${this.maxPacket})` });
      }
      if (tuples.length > 0 && (tuples.length >= this.options.insertRows || bytes + size > this.options.insertBytes)) await flush();
      tuples.push(tuple);
      bytes += size;
    }
    await flush();
  }
}
