/**
 * The neutral schema model of schema conversion: what a parser makes of one dialect's DDL,
 * what the converter rewrites into the other dialect, and what a printer turns back into
 * DDL. Pure data (JSON-serializable: the migration project stores it), no I/O.
 *
 * Source SQL fragments (defaults, CHECK and generated expressions, view bodies, routine and
 * trigger bodies) are kept as text in the dialect of the model they belong to: a model
 * whose `dialect` is 'postgres' holds PostgreSQL SQL in every fragment. The converter
 * translates fragments when it moves a model to the other dialect, or reports that it could
 * not.
 */
import type { NeutralType } from '../connectors/spi/data-types.js';

export type Dialect = 'mysql' | 'postgres';

export interface SchemaModel {
  readonly dialect: Dialect;
  readonly schemas: SchemaDef[];
}

/** A PostgreSQL schema, or a MySQL/MariaDB database. */
export interface SchemaDef {
  name: string;
  tables: TableDef[];
  views: ViewDef[];
  /** PostgreSQL sequences not owned by an identity column (serial-owned ones stay here, ownedBy set). */
  sequences: SequenceDef[];
  /** PostgreSQL enum types (CREATE TYPE ... AS ENUM); MySQL never has any. */
  enumTypes: EnumTypeDef[];
  /** Procedures and functions: kept as their source text and reported, never translated. */
  routines: RoutineDef[];
  /** Triggers: kept as source text and reported (ON UPDATE CURRENT_TIMESTAMP is a column property, not a trigger). */
  triggers: TriggerDef[];
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  primaryKey?: KeyDef;
  uniqueKeys: KeyDef[];
  foreignKeys: ForeignKeyDef[];
  checks: CheckDef[];
  /** Secondary indexes (not the ones backing the primary key or unique constraints). */
  indexes: IndexDef[];
  comment?: string;
  /** MySQL table options kept for a MySQL target (ENGINE, DEFAULT CHARSET, COLLATE ...). */
  options?: Record<string, string>;
}

export interface ColumnDef {
  name: string;
  /** The engine-neutral type; `nativeType` is the same type as the model's dialect spells it. */
  type: NeutralType;
  nativeType: string;
  nullable: boolean;
  default?: DefaultDef;
  /** MySQL `ON UPDATE CURRENT_TIMESTAMP[(p)]`. */
  onUpdateCurrentTimestamp?: boolean;
  /** AUTO_INCREMENT (MySQL), GENERATED ... AS IDENTITY or serial (PostgreSQL). */
  identity?: IdentityDef;
  generated?: GeneratedDef;
  comment?: string;
  /** Character set / collation as the source declared them (MySQL), kept for same-dialect output. */
  charset?: string;
  collation?: string;
}

export type DefaultDef =
  | { readonly kind: 'null' }
  /** A literal, unquoted: '4.99', 'G', 'TRUE' for booleans as 'true'/'false'. */
  | { readonly kind: 'literal'; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'current-timestamp'; readonly precision?: number }
  /** Any other expression, as SQL text of the model's dialect. */
  | { readonly kind: 'expression'; readonly sql: string };

export interface IdentityDef {
  /** 'auto-increment' MySQL; 'always' / 'by-default' PostgreSQL identity; 'serial' a serial-owned sequence. */
  readonly kind: 'auto-increment' | 'always' | 'by-default' | 'serial';
  readonly start?: number;
  readonly increment?: number;
  /** The owned sequence's name for 'serial'. */
  readonly sequence?: string;
}

export interface GeneratedDef {
  readonly expression: string;
  readonly stored: boolean;
}

export interface KeyDef {
  name?: string;
  columns: string[];
}

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyDef {
  name?: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface CheckDef {
  name?: string;
  expression: string;
}

export interface IndexPart {
  /** A column, or `expression` for a functional part. */
  readonly column?: string;
  readonly expression?: string;
  /** MySQL prefix index length (`KEY (title(10))`). */
  readonly prefixLength?: number;
  readonly descending?: boolean;
}

export interface IndexDef {
  name: string;
  unique: boolean;
  /** btree is the default; fulltext and spatial are MySQL's; gin/gist/hash/brin PostgreSQL's. */
  method: 'btree' | 'hash' | 'fulltext' | 'spatial' | 'gin' | 'gist' | 'brin';
  parts: IndexPart[];
  /** PostgreSQL partial index predicate. */
  where?: string;
  comment?: string;
}

export interface ViewDef {
  name: string;
  /** Explicit column list, when the DDL had one. */
  columns?: string[];
  /** The SELECT, as SQL text of the model's dialect. */
  query: string;
  checkOption?: 'LOCAL' | 'CASCADED';
  comment?: string;
}

export interface SequenceDef {
  name: string;
  start?: number;
  increment?: number;
  minValue?: number;
  maxValue?: number;
  cycle?: boolean;
  /** table.column of a serial column owning it. */
  ownedBy?: { table: string; column: string };
}

export interface EnumTypeDef {
  name: string;
  values: string[];
}

export interface RoutineDef {
  name: string;
  kind: 'procedure' | 'function';
  /** The whole CREATE statement as the source had it. */
  definition: string;
}

export interface TriggerDef {
  name: string;
  table: string;
  timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF';
  events: ('INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE')[];
  /** The whole CREATE TRIGGER statement as the source had it. */
  definition: string;
}

// ---------------------------------------------------------------------------------------
// Reports

export type ObjectType =
  | 'schema' | 'table' | 'column' | 'view' | 'index' | 'primary-key' | 'unique-key'
  | 'foreign-key' | 'check' | 'sequence' | 'type' | 'procedure' | 'function' | 'trigger';

export type ConversionStatus = 'converted' | 'converted-with-warnings' | 'manual';

export interface ConversionIssue {
  readonly severity: 'info' | 'warning' | 'error';
  /** Stable code for the kind of issue, e.g. 'unsigned-widened', 'fulltext-index', 'routine-not-converted'. */
  readonly code: string;
  /** What happened, naming the object and the construct. */
  readonly message: string;
  /** What the user should do. */
  readonly action: string;
}

/** One line of the conversion report: one source object and what became of it. */
export interface ObjectReport {
  readonly objectType: ObjectType;
  /** The source schema (MySQL database). */
  readonly schema: string;
  /** The object's name; for columns, indexes and constraints the owning table is `table`. */
  readonly name: string;
  readonly table?: string;
  readonly status: ConversionStatus;
  /** The converted object's name in the target, when it was converted. */
  readonly targetSchema?: string;
  readonly targetName?: string;
  readonly issues: readonly ConversionIssue[];
}

/** A parse problem: a statement the parser skipped, with why (never silently). */
export interface ParseProblem {
  readonly statement: string;
  readonly message: string;
}

export interface ParseResult {
  readonly model: SchemaModel;
  readonly problems: readonly ParseProblem[];
}

export interface ConversionResult {
  readonly model: SchemaModel;
  readonly report: readonly ObjectReport[];
}

/** One printed statement, with the object it creates (for per-object failure reports). */
export interface DdlStatement {
  readonly objectType: ObjectType;
  readonly schema: string;
  readonly name: string;
  readonly sql: string;
}
