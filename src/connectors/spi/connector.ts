/**
 * The connector SPI: what the control plane (and later the engine) asks of a database
 * engine. One implementation per engine family (postgres/, mysql/), same file shape in
 * each. Every operation opens its own connection and closes it before it settles.
 */
import type { SqlInspector } from './inspector.js';
import type { ConnectionParams } from './connection-params.js';
import type { SourceSession } from './source.js';
import type { TargetSession } from './target.js';
import type { SchemaDdlAccess } from './schema-ddl.js';
import type { ChangeApplier, ChangeCapture } from './changes.js';

export interface Connector {
  /** The DMS engine names this connector serves. */
  readonly engines: readonly string[];

  /**
   * Opens a connection, authenticates, runs a trivial query and closes. Resolves when the
   * endpoint is usable; rejects with a ConnectorError saying why not, or with the signal's
   * reason when aborted.
   */
  testConnection(params: ConnectionParams, signal: AbortSignal): Promise<void>;

  /**
   * The user schemas of the endpoint, sorted: PostgreSQL schemas of the database, MySQL and
   * MariaDB databases, system ones left out. Rejects like testConnection.
   */
  listSchemas(params: ConnectionParams, signal: AbortSignal): Promise<string[]>;

  /** Opens a source for a full load (a snapshot session); the caller closes it. */
  openSource(params: ConnectionParams, signal: AbortSignal): Promise<SourceSession>;

  /** Opens a target for a full load; the caller closes it. */
  openTarget(params: ConnectionParams, signal: AbortSignal): Promise<TargetSession>;

  /** Opens a session for schema conversion (read DDL, apply DDL); the caller closes it. */
  openSchemaDdl(params: ConnectionParams, signal: AbortSignal): Promise<SchemaDdlAccess>;

  /** Change data capture on a source endpoint (spi/changes.ts); the caller closes it. */
  openChangeCapture?(params: ConnectionParams, signal: AbortSignal): Promise<ChangeCapture>;

  /** Applies captured changes to a target endpoint, on its own connection; the caller closes it. */
  openApplier?(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier>;

  /** Read-only SQL for premigration assessments (spi/inspector.ts); the caller closes it. */
  openInspector?(params: ConnectionParams, signal: AbortSignal): Promise<SqlInspector>;
}
