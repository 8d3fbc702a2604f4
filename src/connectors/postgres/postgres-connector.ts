/** The PostgreSQL connector (PostgreSQL, Aurora PostgreSQL and its serverless flavour). */
import type { Connector } from '../spi/connector.js';
import type { SourceSession } from '../spi/source.js';
import type { TargetSession } from '../spi/target.js';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { withDeadline } from '../spi/deadline.js';
import { listPostgresSchemas } from './postgres-catalog.js';
import { postgresErrorClassifier } from './postgres-errors.js';
import { openDataSession, openPostgresSession, type PostgresSession } from './postgres-session.js';
import { exportSnapshot, PostgresSourceSession } from './postgres-source.js';
import { PostgresTargetSession } from './postgres-target.js';
import { openPostgresSchemaDdl } from './postgres-schema-ddl.js';
import type { SchemaDdlAccess } from '../spi/schema-ddl.js';
import type { ChangeApplier, ChangeCapture } from '../spi/changes.js';
import { openPostgresChangeCapture } from './cdc/postgres-capture.js';
import { openPostgresApplier } from './postgres-applier.js';
import { openPostgresInspector } from './postgres-inspector.js';
import type { SqlInspector } from '../spi/inspector.js';

/** Catalog reads get this long on top of the connect timeout. */
const queryAllowanceMs = 30_000;

export class PostgresConnector implements Connector {
  readonly engines = ['postgres', 'aurora-postgresql', 'aurora-postgresql-serverless'] as const;

  async testConnection(params: ConnectionParams, signal: AbortSignal): Promise<void> {
    await this.withSession(params, signal, 0, async (s) => {
      await s.client.query('SELECT 1');
    });
  }

  listSchemas(params: ConnectionParams, signal: AbortSignal): Promise<string[]> {
    return this.withSession(params, signal, queryAllowanceMs, (s) => listPostgresSchemas(s.client));
  }

  /**
   * Opens the coordinator connection and exports the snapshot every read of the session
   * sees. The coordinator lives until the session's close(), not bound to `signal` (which
   * only governs the opening).
   */
  openSource(params: ConnectionParams, signal: AbortSignal): Promise<SourceSession> {
    const life = new AbortController();
    return this.withDeadline(params, signal, queryAllowanceMs, async (s) => {
      const link = (): void => life.abort(s.reason);
      s.addEventListener('abort', link, { once: true });
      try {
        const coordinator = await openDataSession(params, life.signal);
        try {
          const snapshotId = await exportSnapshot(coordinator.client);
          return new PostgresSourceSession(params, coordinator, snapshotId);
        } catch (err) {
          await coordinator.close();
          throw err;
        }
      } finally {
        s.removeEventListener('abort', link);
      }
    });
  }

  /** Checks that the target is reachable; its operations open their own connections. */
  async openTarget(params: ConnectionParams, signal: AbortSignal): Promise<TargetSession> {
    await this.withSession(params, signal, 0, async (s) => {
      await s.client.query('SELECT 1');
    });
    return new PostgresTargetSession(params);
  }

  /** Schema conversion's access: read the DDL of schemas, apply DDL in one transaction. */
  openSchemaDdl(params: ConnectionParams, signal: AbortSignal): Promise<SchemaDdlAccess> {
    return this.withDeadline(params, signal, 0, (s) => openPostgresSchemaDdl(params, s));
  }

  /** Change data capture with logical replication (pgoutput): cdc/postgres-capture.ts. */
  openChangeCapture(params: ConnectionParams, signal: AbortSignal): Promise<ChangeCapture> {
    return openPostgresChangeCapture(params, signal);
  }

  /** Applies captured changes (upserts, deletes by key, truncates) in one transaction per call. */
  openApplier(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier> {
    return openPostgresApplier(params, signal);
  }

  /** Read-only SQL for premigration assessments; the connection lives until the inspector's close(). */
  openInspector(params: ConnectionParams, signal: AbortSignal): Promise<SqlInspector> {
    return this.withDeadline(params, signal, 0, (s) => openPostgresInspector(params, s));
  }

  /** One connection per operation, closed before the operation settles. */
  private withSession<T>(params: ConnectionParams, signal: AbortSignal, extraMs: number, work: (s: PostgresSession) => Promise<T>): Promise<T> {
    return this.withDeadline(params, signal, extraMs, async (s) => {
      const session = await openPostgresSession(params, s);
      try {
        return await work(session);
      } finally {
        await session.close();
      }
    });
  }

  private withDeadline<T>(params: ConnectionParams, signal: AbortSignal, extraMs: number, run: (s: AbortSignal) => Promise<T>): Promise<T> {
    const target = describeTarget(params);
    return withDeadline({
      signal,
      // A little beyond the driver's own connect timeout, so that one reports first.
      timeoutMs: (params.connectTimeoutMs ?? defaultConnectTimeoutMs) + 2_000 + extraMs,
      target: `PostgreSQL at ${target}`,
      classify: postgresErrorClassifier(target),
      run,
    });
  }
}
