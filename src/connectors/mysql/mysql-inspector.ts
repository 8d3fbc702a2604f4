/**
 * Read-only SQL on a MySQL or MariaDB endpoint for premigration assessments
 * (spi/inspector.ts): one connection, opened under the caller's signal and deadline, alive
 * until close().
 *
 * Values come as the server's text where JavaScript numbers would lose digits (BIGINT and
 * DECIMAL as strings, dates as strings: exactValueOptions), so a check compares what the
 * server has. The session is read-only and its statements bounded (MariaDB
 * max_statement_time, MySQL max_execution_time for SELECTs), so a check stuck behind the
 * user's workload ends in an error instead of holding the run.
 */
import type { SqlInspector } from '../spi/inspector.js';
import { ConnectorError } from '../spi/connection-error.js';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { withDeadline } from '../spi/deadline.js';
import { classifyMysqlError } from './mysql-errors.js';
import { exactValueOptions, mysqlFlavourOf, openMysqlSession, type MysqlSession } from './mysql-session.js';

/** Seconds a statement of the inspector may run. */
const statementLimitSeconds = 120;

/**
 * Opens the connection and reads the facts SqlInspector exposes. `signal` governs the opening
 * only: the connection is bound to a signal of its own, linked to `signal` (and the opening
 * deadline) until it is open, and then lives until close().
 */
export function openMysqlInspector(params: ConnectionParams, signal: AbortSignal): Promise<SqlInspector> {
  const product = mysqlFlavourOf(params);
  const target = describeTarget(params);
  const life = new AbortController();
  return withDeadline({
    signal,
    timeoutMs: (params.connectTimeoutMs ?? defaultConnectTimeoutMs) + 2_000,
    target: `${product} at ${target}`,
    classify: (err) => classifyMysqlError(err, product, target),
    run: async (s) => {
      const link = (): void => life.abort(s.reason);
      s.addEventListener('abort', link, { once: true });
      let session: MysqlSession | undefined;
      try {
        session = await openMysqlSession(params, life.signal, exactValueOptions);
        const [facts] = await session.query<{ version: string; user: string }>('SELECT VERSION() AS version, CURRENT_USER() AS user');
        const version = String(facts?.version ?? '');
        const mariadb = /mariadb/i.test(version);
        // Best effort: an old server without the variable keeps its own limits.
        await session.query(mariadb ? `SET SESSION max_statement_time = ${statementLimitSeconds}` : `SET SESSION max_execution_time = ${statementLimitSeconds * 1000}`).catch(() => undefined);
        await session.query('SET SESSION TRANSACTION READ ONLY');
        const account = String(facts?.user ?? '');
        return new MysqlInspector(session, {
          flavour: mariadb ? 'mariadb' : 'mysql',
          version,
          // The name the endpoint logs in with; CURRENT_USER() is the account that matched
          // (`user@host`), which only says the same when no anonymous or proxy account is involved.
          user: params.username ?? account.slice(0, Math.max(0, account.lastIndexOf('@'))),
          database: params.database,
          where: `${product} at ${target}`,
          classify: (err) => classifyMysqlError(err, product, target),
        });
      } catch (err) {
        session?.destroy();
        throw err;
      } finally {
        s.removeEventListener('abort', link);
      }
    },
  });
}

class MysqlInspector implements SqlInspector {
  readonly dialect = 'mysql' as const;
  readonly flavour: 'mysql' | 'mariadb';
  readonly version: string;
  readonly user: string;
  readonly database: string | undefined;
  private pending = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly session: MysqlSession,
    private readonly facts: {
      flavour: 'mysql' | 'mariadb';
      version: string;
      user: string;
      database: string | undefined;
      where: string;
      classify: (err: unknown) => ReturnType<typeof classifyMysqlError>;
    },
  ) {
    this.flavour = facts.flavour;
    this.version = facts.version;
    this.user = facts.user;
    this.database = facts.database;
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly unknown[], signal: AbortSignal): Promise<T[]> {
    signal.throwIfAborted();
    if (this.closing) throw new ConnectorError({ kind: 'other', message: `${this.facts.where}: the inspector is closed`, hint: 'Open a new inspector.' });
    this.pending++;
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([this.session.query<T>(sql, [...params]), aborted]);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (err instanceof ConnectorError) throw err;
      throw new ConnectorError(this.facts.classify(err), { cause: err });
    } finally {
      this.pending--;
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  close(): Promise<void> {
    // A statement still running (its caller gave up on it) would make a polite end() wait
    // for it: tear the connection down instead; the server ends the statement.
    this.closing ??= this.pending > 0 ? Promise.resolve(this.session.destroy()) : this.session.close();
    return this.closing;
  }
}
