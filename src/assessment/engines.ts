/**
 * DMS engine names as the checks need them: which family an endpoint belongs to (the SQL a
 * check may send, the names DMS gives its checks) and what a migration type does.
 */
import type { MigrationType } from './types.js';

/** The engine families OpenDMS has connectors for; MariaDB is apart because DMS names its checks apart. */
export type EngineFamily = 'postgres' | 'mysql' | 'mariadb';

const families: Readonly<Record<string, EngineFamily>> = {
  postgres: 'postgres',
  'aurora-postgresql': 'postgres',
  'aurora-postgresql-serverless': 'postgres',
  mysql: 'mysql',
  aurora: 'mysql',
  'aurora-serverless': 'mysql',
  'gcp-mysql': 'mysql',
  mariadb: 'mariadb',
};

/**
 * The engines DMS's MySQL assessments page covers: MySQL, Aurora MySQL and its serverless
 * flavour (not Cloud SQL for MySQL, which DMS only reads as a source without those checks).
 */
const dmsMysqlCheckEngines = new Set(['mysql', 'aurora', 'aurora-serverless']);

/** The family of a DMS engine name, or undefined for an engine OpenDMS cannot reach. */
export function familyOf(engineName: string): EngineFamily | undefined {
  return families[engineName.toLowerCase()];
}

/** True for the engines whose source tasks get DMS's `mysql-check-*` assessments. */
export function getsMysqlChecks(engineName: string): boolean {
  return dmsMysqlCheckEngines.has(engineName.toLowerCase());
}

/** True when both endpoints are relational engines OpenDMS can assess. */
export function bothRelational(sourceEngine: string, targetEngine: string): boolean {
  return familyOf(sourceEngine) !== undefined && familyOf(targetEngine) !== undefined;
}

/** The SQL dialect (and type mapping) of a family: MariaDB speaks MySQL's. */
export function dialectOf(engineName: string): 'postgres' | 'mysql' | undefined {
  const f = familyOf(engineName);
  return f === undefined ? undefined : f === 'postgres' ? 'postgres' : 'mysql';
}

/** The product name for sentences. */
export function productOf(engineName: string): string {
  switch (familyOf(engineName)) {
    case 'postgres':
      return 'PostgreSQL';
    case 'mariadb':
      return 'MariaDB';
    case 'mysql':
      return 'MySQL';
    default:
      return engineName;
  }
}

/** True when the migration type captures changes (cdc, full-load-and-cdc). */
export function performsCdc(t: MigrationType): boolean {
  return t === 'cdc' || t === 'full-load-and-cdc';
}

/** True when the migration type loads the tables (full-load, full-load-and-cdc). */
export function performsFullLoad(t: MigrationType): boolean {
  return t === 'full-load' || t === 'full-load-and-cdc';
}
