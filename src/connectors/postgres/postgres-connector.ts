/** The PostgreSQL connector (PostgreSQL, Aurora PostgreSQL and its serverless flavour). */
import type { Connector } from '../spi/connector.js';
import type { SourceSession } from '../spi/source.js';
import type { TargetSession } from '../spi/target.js';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { withDeadline } from '../spi/deadline.js';
import { listPostgresSchemas } from './postgres-catalog.js';
import { postgresErrorClassifier } from './postgres-errors.js';
import { openPostgresSession, type PostgresSession } from './postgres-session.js';

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

  /** Being built: the full-load source of this engine. */
  openSource(_params: ConnectionParams, _signal: AbortSignal): Promise<SourceSession> {
    return Promise.reject(new Error('PostgreSQL full-load source is not implemented yet'));
  }

  /** Being built: the full-load target of this engine. */
  openTarget(_params: ConnectionParams, _signal: AbortSignal): Promise<TargetSession> {
    return Promise.reject(new Error('PostgreSQL full-load target is not implemented yet'));
  }

  /** One connection per operation, closed before the operation settles. */
  private withSession<T>(params: ConnectionParams, signal: AbortSignal, extraMs: number, work: (s: PostgresSession) => Promise<T>): Promise<T> {
    const target = describeTarget(params);
    return withDeadline({
      signal,
      // A little beyond the driver's own connect timeout, so that one reports first.
      timeoutMs: (params.connectTimeoutMs ?? defaultConnectTimeoutMs) + 2_000 + extraMs,
      target: `PostgreSQL at ${target}`,
      classify: postgresErrorClassifier(target),
      run: async (s) => {
        const session = await openPostgresSession(params, s);
        try {
          return await work(session);
        } finally {
          await session.close();
        }
      },
    });
  }
}
