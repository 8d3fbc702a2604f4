/**
 * The MySQL/MariaDB full-load target: databases ("schemas") and tables created from neutral
 * types (mysql-types.ts), and bulk writers (mysql-writer.ts). Every operation has its own
 * connection; a writer keeps one until it is closed or aborted.
 */
import { ConnectorError } from '../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import type { TableRef } from '../spi/data-types.js';
import type { DdlNotice, TableAlteration, TableWriter, TargetColumn, TargetSession, TargetTableDef } from '../spi/target.js';
import { classifyMysqlError } from './mysql-errors.js';
import { exactValueOptions, mysqlFlavourOf, openMysqlSession, type MysqlSession } from './mysql-session.js';
import { quoteId, quoteTable, renderColumns, serverTraitsOf, type ServerTraits } from './mysql-types.js';
import { defaultWriterOptions, openMysqlWriter, writerSqlMode, type WriterOptions } from './mysql-writer.js';

export async function openMysqlTarget(params: ConnectionParams, signal: AbortSignal, writerOptions: Partial<WriterOptions> = {}): Promise<TargetSession> {
  const target = new MysqlTarget(params, { ...defaultWriterOptions, ...writerOptions });
  await target.start(signal);
  return target;
}

class MysqlTarget implements TargetSession {
  private readonly closing = new AbortController();
  private readonly flavour: string;
  private readonly target: string;
  private traits: ServerTraits = { mariadb: false, uuidType: false };

  constructor(
    private readonly params: ConnectionParams,
    private readonly writerOptions: WriterOptions,
  ) {
    this.flavour = mysqlFlavourOf(params);
    this.target = describeTarget(params);
  }

  async start(signal: AbortSignal): Promise<void> {
    const [row] = await this.run(signal, (s) => s.query<{ v: string }>('SELECT VERSION() AS v'));
    this.traits = serverTraitsOf(row?.v ?? '');
  }

  tableExists(table: TableRef, signal: AbortSignal): Promise<boolean> {
    return this.run(signal, async (s) => {
      const rows = await s.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [table.schema, table.name]);
      return rows.length > 0;
    });
  }

  ensureSchema(schema: string, signal: AbortSignal): Promise<void> {
    return this.run(signal, async (s) => {
      await s.query(`CREATE DATABASE IF NOT EXISTS ${quoteId(schema)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    });
  }

  dropTable(table: TableRef, signal: AbortSignal): Promise<void> {
    return this.run(signal, async (s) => {
      await s.query(`DROP TABLE IF EXISTS ${quoteTable(table)}`);
    });
  }

  truncateTable(table: TableRef, signal: AbortSignal): Promise<void> {
    return this.run(signal, async (s) => {
      await s.query(`TRUNCATE TABLE ${quoteTable(table)}`);
    });
  }

  createTable(def: TargetTableDef, opts: { withPrimaryKey: boolean }, signal: AbortSignal): Promise<DdlNotice[]> {
    return this.run(signal, async (s) => {
      const { columns, notices } = renderColumns(def.columns, def.primaryKey, this.traits);
      const lines = columns.map((c) => c.sql);
      if (opts.withPrimaryKey && def.primaryKey.length > 0) lines.push(`PRIMARY KEY (${def.primaryKey.map(quoteId).join(', ')})`);
      await s.query(`CREATE TABLE ${quoteTable(def)} (\n  ${lines.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
      return notices;
    });
  }

  addPrimaryKey(table: TableRef, columns: readonly string[], signal: AbortSignal): Promise<void> {
    return this.run(signal, async (s) => {
      await s.query(`ALTER TABLE ${quoteTable(table)} ADD PRIMARY KEY (${columns.map(quoteId).join(', ')})`);
    });
  }

  columnNames(table: TableRef, signal: AbortSignal): Promise<string[] | undefined> {
    return this.run(signal, async (s) => {
      const cols = await columnsOf(s, table);
      return cols.length > 0 ? cols.map((c) => c.name) : undefined;
    });
  }

  /**
   * One ALTER TABLE (InnoDB applies it all or nothing), computed against the table's columns
   * now, so that a replay after a crash adds, drops or renames nothing twice.
   */
  alterTable(table: TableRef, change: TableAlteration, signal: AbortSignal): Promise<DdlNotice[]> {
    return this.run(signal, async (s) => {
      const have = await columnsOf(s, table);
      const names = new Set(have.map((c) => c.name));
      const key = have.filter((c) => c.key).map((c) => c.name);
      const actions: string[] = [];
      for (const { from, to } of change.rename) {
        if (!names.has(from) || names.has(to)) continue;
        actions.push(`RENAME COLUMN ${quoteId(from)} TO ${quoteId(to)}`);
        names.delete(from);
        names.add(to);
      }
      for (const c of change.drop) if (names.has(c)) actions.push(`DROP COLUMN ${quoteId(c)}`);
      const added = renderColumns(change.add.filter((c) => !names.has(c.name)).map((c) => ({ ...c, nullable: true })), [], this.traits);
      for (const c of added.columns) actions.push(`ADD COLUMN ${c.sql}`);
      const retyped = renderColumns(change.retype.filter((c) => names.has(c.name)), key, this.traits);
      for (const c of retyped.columns) actions.push(`MODIFY COLUMN ${c.sql}`);
      if (actions.length > 0) await s.query(`ALTER TABLE ${quoteTable(table)} ${actions.join(', ')}`);
      return [...added.notices, ...retyped.notices];
    });
  }

  advanceSequences(table: TableRef, signal: AbortSignal): Promise<string[]> {
    return this.run(signal, async (s) => {
      const cols = await s.query<{ c: string }>(
        "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA LIKE '%auto_increment%'",
        [table.schema, table.name],
      );
      const col = cols[0]?.c;
      if (!col) return [];
      const rows = await s.query<{ m: string | number | null }>(`SELECT MAX(${quoteId(col)}) AS m FROM ${quoteTable(table)}`);
      const max = rows[0]?.m;
      if (max === null || max === undefined) return [];
      const next = BigInt(max) + 1n;
      // InnoDB never sets the counter below MAX + 1, so this only moves it forwards.
      await s.query(`ALTER TABLE ${quoteTable(table)} AUTO_INCREMENT = ${next}`);
      return [`"${col}": next value ${next}`];
    });
  }

  /** The writer's connection lives until close()/abort(); aborting `signal` tears it down. */
  async openWriter(table: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<TableWriter> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    let session: MysqlSession;
    try {
      session = await openMysqlSession(this.params, combined, exactValueOptions);
    } catch (err) {
      throw this.rethrow(err, signal, combined);
    }
    try {
      return await openMysqlWriter(session, table, columns, this.writerOptions, (err) => this.classify(err));
    } catch (err) {
      throw this.rethrow(err, signal, combined);
    }
  }

  async close(): Promise<void> {
    // Writers not closed by now are given up: their connections go, the server rolls back.
    this.closing.abort(new Error('the target session was closed'));
  }

  private async run<T>(signal: AbortSignal, work: (s: MysqlSession) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    let session: MysqlSession | undefined;
    try {
      session = await openMysqlSession(this.params, combined, exactValueOptions);
      await session.query(`SET SESSION sql_mode = '${writerSqlMode}'`);
      await session.query("SET SESSION time_zone = '+00:00'");
      await session.query('SET SESSION foreign_key_checks = 0');
      return await work(session);
    } catch (err) {
      throw this.rethrow(err, signal, combined);
    } finally {
      await session?.close();
    }
  }

  private rethrow(err: unknown, signal: AbortSignal, combined: AbortSignal): unknown {
    if (combined.aborted) return signal.aborted ? signal.reason : new Error('the target session was closed');
    return this.classify(err);
  }

  private classify(err: unknown): Error {
    if (err instanceof ConnectorError) return err;
    return new ConnectorError(classifyMysqlError(err, this.flavour, this.target), { cause: err });
  }
}

async function columnsOf(s: MysqlSession, table: TableRef): Promise<{ name: string; key: boolean }[]> {
  const rows = await s.query<{ n: string; k: string }>(
    'SELECT COLUMN_NAME AS n, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table.schema, table.name],
  );
  return rows.map((r) => ({ name: String(r.n), key: r.k === 'PRI' }));
}
