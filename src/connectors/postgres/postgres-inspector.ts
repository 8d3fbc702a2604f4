/**
 * Read-only SQL on a PostgreSQL endpoint for premigration assessments (spi/inspector.ts):
 * one connection, opened under the caller's signal and deadline, alive until close().
 *
 * The session is made read-only (default_transaction_read_only) so that no assessment
 * statement can change the database, and every statement is bounded (statement_timeout,
 * lock_timeout): a check waiting on a lock held by the user's workload ends in an error
 * instead of holding the whole run.
 */
import type pg from 'pg';
import type { SqlInspector } from '../spi/inspector.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { dataPlaneError } from './postgres-errors.js';
import { openPostgresSession, raceAbort, type PostgresSession } from './postgres-session.js';

const inspectorSettings = "SET default_transaction_read_only = on; SET statement_timeout = '120s'; SET lock_timeout = '10s'";

/**
 * Opens the connection and reads the facts SqlInspector exposes. `signal` governs the opening
 * only (the caller bounds it with its deadline): the connection is bound to a signal of its
 * own, linked to `signal` until it is open, and then lives until close().
 */
export async function openPostgresInspector(params: ConnectionParams, signal: AbortSignal): Promise<SqlInspector> {
  const life = new AbortController();
  const link = (): void => life.abort(signal.reason);
  signal.addEventListener('abort', link, { once: true });
  let session: PostgresSession | undefined;
  try {
    signal.throwIfAborted();
    session = await openPostgresSession(params, life.signal);
    await raceAbort(session.client.query(inspectorSettings), signal);
    const facts = (
      await raceAbort(
        session.client.query<{ version: string; user: string; database: string }>(
          `SELECT current_setting('server_version') AS version, current_user AS user, current_database() AS database`,
        ),
        signal,
      )
    ).rows[0]!;
    return new PostgresInspector(session, describeTarget(params), facts);
  } catch (err) {
    await session?.close();
    throw err;
  } finally {
    signal.removeEventListener('abort', link);
  }
}

class PostgresInspector implements SqlInspector {
  readonly dialect = 'postgres' as const;
  readonly flavour = 'postgres' as const;
  readonly version: string;
  readonly user: string;
  readonly database: string;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly session: PostgresSession,
    private readonly target: string,
    facts: { version: string; user: string; database: string },
  ) {
    // `15.4 (Debian 15.4-1)` -> `15.4`: the packager's suffix says nothing about features.
    this.version = facts.version.split(' ')[0] ?? facts.version;
    this.user = facts.user;
    this.database = facts.database;
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly unknown[], signal: AbortSignal): Promise<T[]> {
    try {
      signal.throwIfAborted();
      if (this.closing) throw new Error('the inspector is closed');
      const client: pg.Client = this.session.client;
      const result = await raceAbort(client.query<T>(sql, [...params]), signal);
      return result.rows;
    } catch (err) {
      throw dataPlaneError(err, signal, this.target);
    }
  }

  close(): Promise<void> {
    // Bounded by the session (end, then destroy): a query abandoned by an aborted caller
    // cannot keep the connection open.
    this.closing ??= this.session.close();
    return this.closing;
  }
}
