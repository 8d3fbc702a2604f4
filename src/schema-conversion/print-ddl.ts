/** Printer dispatch by dialect (the façade's printDdl; here so that the tree can use it without a cycle). */
import type { DdlStatement, SchemaModel } from './model.js';
import { printMysqlDdl } from './mysql/print-mysql-ddl.js';
import { printPostgresDdl } from './postgres/print-postgres-ddl.js';

/** The DDL of a model, in its own dialect, one statement per object, in dependency order. */
export function printDdl(model: SchemaModel): DdlStatement[] {
  return model.dialect === 'mysql' ? printMysqlDdl(model) : printPostgresDdl(model);
}
