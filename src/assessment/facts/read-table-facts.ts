/** Reads TableFacts (table-facts.ts) through the inspector's dialect: one file per dialect. */
import type { SqlInspector, TableRef } from '../../connectors/spi/index.js';
import { readMysqlTableFacts } from './mysql-table-facts.js';
import { readPostgresTableFacts } from './postgres-table-facts.js';
import type { FactsByTable } from './table-facts.js';

/** The facts of those of `tables` that exist (a missing table has no entry). */
export async function readTableFacts(inspector: SqlInspector, tables: readonly TableRef[], signal: AbortSignal): Promise<FactsByTable> {
  if (tables.length === 0) return new Map();
  return inspector.dialect === 'postgres' ? readPostgresTableFacts(inspector, tables, signal) : readMysqlTableFacts(inspector, tables, signal);
}
