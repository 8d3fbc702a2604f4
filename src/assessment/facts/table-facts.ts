/**
 * What the checks need to know about tables beyond the SPI's TableInfo, on either side:
 * whether a target table exists, its columns' nullability, its indexes, foreign keys and
 * check constraints, and MySQL's storage engine and partitioning. Read by
 * read-table-facts.ts in a few catalog queries for a whole set of tables, never one query
 * per table.
 */
import type { TableRef } from '../../connectors/spi/index.js';

export interface ColumnFact {
  readonly name: string;
  /** The type as the catalog spells it (`format_type`, MySQL COLUMN_TYPE). */
  readonly type: string;
  readonly nullable: boolean;
  readonly generated: boolean;
  /** MySQL 8.0.23+ / MariaDB 10.3+ INVISIBLE columns. */
  readonly invisible: boolean;
  /** MySQL AUTO_INCREMENT; PostgreSQL identity columns and serials (a nextval default). */
  readonly autoIncrement: boolean;
}

export interface IndexFact {
  readonly name: string;
  /** Column names in key order; an expression as its SQL text. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Backs a UNIQUE constraint (PostgreSQL; MySQL does not tell them apart). */
  readonly constraint: boolean;
  /** PostgreSQL partial index (WHERE ...). */
  readonly partial: boolean;
}

export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ForeignKeyFact {
  readonly name: string;
  readonly columns: readonly string[];
  /** `schema.table` of the referenced table. */
  readonly references: string;
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
}

export interface CheckConstraintFact {
  readonly name: string;
  readonly definition: string;
}

export interface TableFacts extends TableRef {
  readonly kind: 'table' | 'view' | 'other';
  readonly columns: readonly ColumnFact[];
  readonly primaryKey: readonly string[];
  /** Every index but the primary key's. */
  readonly indexes: readonly IndexFact[];
  readonly foreignKeys: readonly ForeignKeyFact[];
  readonly checks: readonly CheckConstraintFact[];
  /** MySQL storage engine (InnoDB, MyISAM ...); undefined on PostgreSQL. */
  readonly storageEngine?: string;
  readonly partitioned: boolean;
}

/** Facts by tableKey(); a table that does not exist has no entry. */
export type FactsByTable = ReadonlyMap<string, TableFacts>;

export function tableKey(t: TableRef): string {
  return `${t.schema}\u0000${t.name}`;
}

/** True when an index with exactly these columns (in order) and at least this uniqueness is among `indexes`. */
export function hasIndexOn(indexes: readonly IndexFact[], columns: readonly string[], unique: boolean): boolean {
  return indexes.some((i) => (!unique || i.unique) && !i.partial && sameColumns(i.columns, columns));
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
