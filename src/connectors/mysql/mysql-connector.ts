/**
 * The MySQL-family connector: MySQL, MariaDB, Aurora MySQL (and serverless) and Google
 * Cloud SQL for MySQL share one protocol and one catalog, so they share this module; the
 * flavour only shows in messages.
 */
import type { Connector } from '../spi/connector.js';
import type { SourceSession } from '../spi/source.js';
import type { TargetSession } from '../spi/target.js';
import { defaultConnectTimeoutMs, describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import { withDeadline } from '../spi/deadline.js';
import { listMysqlSchemas } from './mysql-catalog.js';
import { mysqlErrorClassifier } from './mysql-errors.js';
import { mysqlFlavourOf, mysqlFlavours, openMysqlSession, type MysqlSession } from './mysql-session.js';
import { openMysqlSource } from './mysql-source.js';
import { openMysqlTarget } from './mysql-target.js';
import { openMysqlSchemaDdl } from './mysql-schema-ddl.js';
import type { SchemaDdlAccess } from '../spi/schema-ddl.js';
import type { ChangeApplier, ChangeCapture } from '../spi/changes.js';
import { openMysqlChangeCapture } from './cdc/mysql-capture.js';
import { openMysqlApplier } from './mysql-applier.js';
import { openMysqlInspector } from './mysql-inspector.js';
import type { SqlInspector } from '../spi/inspector.js';

/** Catalog reads get this long on top of the connect timeout. */
const queryAllowanceMs = 30_000;

export class MysqlConnector implements Connector {
  readonly engines = Object.keys(mysqlFlavours);

  async testConnection(params: ConnectionParams, signal: AbortSignal): Promise<void> {
    await this.withSession(params, signal, 0, async (s) => {
      await s.query('SELECT 1');
    });
  }

  listSchemas(params: ConnectionParams, signal: AbortSignal): Promise<string[]> {
    return this.withSession(params, signal, queryAllowanceMs, (s) => listMysqlSchemas(s));
  }

  /** A full-load source: DatabaseName set lists that database only, else every user database. */
  openSource(params: ConnectionParams, signal: AbortSignal): Promise<SourceSession> {
    return openMysqlSource(params, signal);
  }

  /** A full-load target: DDL from neutral types, LOAD DATA / multi-row INSERT writers. */
  openTarget(params: ConnectionParams, signal: AbortSignal): Promise<TargetSession> {
    return openMysqlTarget(params, signal);
  }

  /** Schema conversion's access: read DDL with SHOW CREATE, apply DDL and undo it on failure. */
  openSchemaDdl(params: ConnectionParams, signal: AbortSignal): Promise<SchemaDdlAccess> {
    return openMysqlSchemaDdl(params, signal);
  }
  /** Change data capture from the row-based binary log: cdc/mysql-capture.ts. */
  openChangeCapture(params: ConnectionParams, signal: AbortSignal): Promise<ChangeCapture> {
    return openMysqlChangeCapture(params, signal);
  }

  /** Applies captured changes (upserts, deletes by key, truncates as DELETE) in one transaction per call. */
  openApplier(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier> {
    return openMysqlApplier(params, signal);
  }

  /** Read-only SQL for premigration assessments; the connection lives until the inspector's close(). */
  openInspector(params: ConnectionParams, signal: AbortSignal): Promise<SqlInspector> {
    return openMysqlInspector(params, signal);
  }

  /** One connection per operation, closed before the operation settles. */
  private withSession<T>(params: ConnectionParams, signal: AbortSignal, extraMs: number, work: (s: MysqlSession) => Promise<T>): Promise<T> {
    const flavour = mysqlFlavourOf(params);
    const target = describeTarget(params);
    return withDeadline({
      signal,
      // A little beyond the driver's own connect timeout, so that one reports first.
      timeoutMs: (params.connectTimeoutMs ?? defaultConnectTimeoutMs) + 2_000 + extraMs,
      target: `${flavour} at ${target}`,
      classify: mysqlErrorClassifier(flavour, target),
      run: async (s) => {
        const session = await openMysqlSession(params, s);
        try {
          return await work(session);
        } finally {
          await session.close();
        }
      },
    });
  }
}
