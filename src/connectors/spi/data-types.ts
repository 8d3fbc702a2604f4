/**
 * The neutral type and value model every connector reads into and writes from, so that any
 * source engine can load any target engine. A connector maps its native types to NeutralType
 * when it introspects a source, and NeutralType to its native DDL when it creates a target
 * table. docs/architecture/05-type-mapping.md is the table of both directions.
 */

/** A column type independent of the engine. */
export type NeutralType =
  | { readonly kind: 'boolean' }
  /** Integers by storage size; MySQL's MEDIUMINT is 3 bytes. */
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 3 | 4 | 8; readonly unsigned: boolean }
  /** Exact numeric; no precision = unconstrained (PostgreSQL `numeric`), never defaulted to a lossy one. */
  | { readonly kind: 'decimal'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'float'; readonly bytes: 4 | 8 }
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'varchar'; readonly length?: number }
  /** Unbounded character data: a LOB in DMS's terms. */
  | { readonly kind: 'text' }
  | { readonly kind: 'binary'; readonly length: number; readonly fixed: boolean }
  /** Unbounded binary data: a LOB. */
  | { readonly kind: 'blob' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time'; readonly precision?: number }
  | { readonly kind: 'timestamp'; readonly precision?: number; readonly withTimeZone: boolean }
  /** JSON documents; `binary` is PostgreSQL jsonb. A LOB. */
  | { readonly kind: 'json'; readonly binary: boolean }
  | { readonly kind: 'uuid' }
  /** `name` is the PostgreSQL enum type name when the source had one. */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly name?: string }
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'year' }
  | { readonly kind: 'bit'; readonly length: number; readonly varying: boolean }
  /** PostgreSQL arrays; values travel as PostgreSQL array literals (PG -> PG). */
  | { readonly kind: 'array'; readonly element: NeutralType; readonly nativeElement: string }
  /**
   * A type with no neutral equivalent (PostgreSQL interval, inet, geometry; MySQL spatial):
   * carried as the engine's text form, and created as the same native type on a target of
   * the same engine. A target of another engine refuses it or maps it to text, and says so.
   */
  | { readonly kind: 'native'; readonly engine: 'postgres' | 'mysql'; readonly type: string };

/** True for the types DMS treats as LOBs (LOB settings apply to them). */
export function isLob(t: NeutralType): boolean {
  return t.kind === 'text' || t.kind === 'blob' || t.kind === 'json';
}

/**
 * One value in transit, in canonical form:
 * - null for SQL NULL (an empty string is '' and stays distinct from NULL);
 * - boolean for booleans;
 * - Buffer for binary, blob;
 * - string for everything else: integers and decimals in plain decimal notation (exact),
 *   floats in the shortest form that round-trips, char/varchar/text/enum as is, SET as its
 *   comma-separated members, date 'YYYY-MM-DD', time 'HH:MM:SS[.ffffff]', timestamp
 *   'YYYY-MM-DD HH:MM:SS[.ffffff]', timestamp with time zone the same in UTC followed by
 *   '+00', json as JSON text, uuid lower case, year 'YYYY', bit as '0'/'1' digits, arrays as
 *   PostgreSQL array literals, native types in their engine's text form.
 */
export type Value = string | Buffer | boolean | null;
export type Row = Value[];

/** A table of a source or target, by schema (MySQL: database) and name. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

export interface ColumnInfo {
  readonly name: string;
  /** The type as the engine spells it (`character varying(20)`, `int(10) unsigned`). */
  readonly nativeType: string;
  readonly type: NeutralType;
  readonly nullable: boolean;
  /** Generated (computed) columns are read but never written to a target. */
  readonly generated: boolean;
}

export interface TableInfo extends TableRef {
  readonly kind: 'table' | 'view';
  /** In ordinal order. */
  readonly columns: readonly ColumnInfo[];
  /** Column names of the primary key, in key order; empty when there is none. */
  readonly primaryKey: readonly string[];
  /** Unique constraints/indexes (column names), for tables without a primary key. */
  readonly uniqueKeys: readonly (readonly string[])[];
  /** The catalog's estimates (planner statistics), for ordering, splitting and progress. */
  readonly estimatedRows: number;
  readonly estimatedBytes: number;
}
