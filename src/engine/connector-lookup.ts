/**
 * How the engine finds the connector of an endpoint. app.ts passes the connector registry
 * (src/connectors/registry.ts satisfies this interface), so the engine never imports a
 * concrete connector.
 */
import type { Connector } from '../connectors/spi/index.js';

export interface ConnectorLookup {
  /** The connector for a DMS engine name, or undefined when OpenDMS has none. */
  forEngine(engineName: string): Connector | undefined;
}

/** The family of a target engine, which picks the type mapping of the plan. */
export function targetFamilyOf(engineName: string): 'postgres' | 'mysql' {
  return /postgres|babelfish/i.test(engineName) ? 'postgres' : 'mysql';
}
