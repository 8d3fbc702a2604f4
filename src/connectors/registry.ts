/**
 * The database connectors by DMS engine name, and the lifetime of the work that uses them.
 * Built once by app.ts; control modules reach connectors only through this interface.
 *
 * Work that holds database connections in the background (connection tests, schema
 * refreshes) runs through `submit`, so that `close()` at shutdown can abort it and wait
 * until every connection it opened is closed.
 */
import { MysqlConnector } from './mysql/mysql-connector.js';
import { PostgresConnector } from './postgres/postgres-connector.js';
import type { Connector } from './spi/connector.js';

export interface Connectors {
  /** Every engine name a connector serves. */
  readonly engines: readonly string[];
  /** The connector for a DMS engine name, or undefined when OpenDMS has none yet. */
  forEngine(engineName: string): Connector | undefined;
  /**
   * Runs background work with a signal that aborts on close(). Returns false (and runs
   * nothing) once closing has begun. The work must not throw; a rejection is swallowed.
   */
  submit(work: (signal: AbortSignal) => Promise<void>): boolean;
  /** Aborts submitted work and waits for it to settle. Idempotent. */
  close(): Promise<void>;
}

export function createConnectors(list: readonly Connector[] = [new PostgresConnector(), new MysqlConnector()]): Connectors {
  const byEngine = new Map<string, Connector>();
  for (const c of list) for (const e of c.engines) byEngine.set(e, c);
  const shutdown = new AbortController();
  const running = new Set<Promise<void>>();
  return {
    engines: [...byEngine.keys()],
    forEngine: (engineName) => byEngine.get(engineName.toLowerCase()),
    submit(work) {
      if (shutdown.signal.aborted) return false;
      const p: Promise<void> = Promise.resolve()
        .then(() => work(shutdown.signal))
        .catch(() => undefined)
        .finally(() => running.delete(p));
      running.add(p);
      return true;
    },
    async close() {
      shutdown.abort(new Error('OpenDMS is shutting down'));
      await Promise.allSettled([...running]);
    },
  };
}
