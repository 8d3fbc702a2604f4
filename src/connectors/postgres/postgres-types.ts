/**
 * PostgreSQL native types <-> NeutralType, both directions (docs/architecture/05-type-mapping-postgres.md).
 * Pure: the catalog facts come in as PgTypeInfo (postgres-catalog.ts reads them), the DDL
 * goes out as text for postgres-target.ts. Identifiers are always quoted with quoteIdent.
 */
import type { NeutralType } from '../spi/data-types.js';
import { pgTypeFromText } from '../spi/postgres-type-text.js';

/** What the catalog says about a column's type, domains already resolved to their base type. */
export interface PgTypeInfo {
  /** pg_type.typname of the (base) type: int4, varchar, my_enum ... */
  readonly name: string;
  /** Its schema: pg_catalog for the built-in types. */
  readonly schema: string;
  /** pg_type.typtype: b base, e enum, d domain, c composite, r range, m multirange, p pseudo. */
  readonly typtype: string;
  /** The type modifier (-1: none): length, precision/scale, fractional second digits ... */
  readonly typmod: number;
  /** format_type(oid, typmod): the type as SQL spells it (schema-qualified when not visible). */
  readonly formatted: string;
  /** Enum labels in sort order (enums only). */
  readonly labels?: readonly string[];
  /** The element type, for true arrays (the element's typmod is the column's). */
  readonly element?: PgTypeInfo;
}

/** `"name"`, with embedded double quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`. */
export function qualifiedName(t: { readonly schema: string; readonly name: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** The longest prefix of `name` that fits PostgreSQL's 63-byte identifiers (never cut inside a character). */
export function fitIdentifier(name: string): string {
  let out = name;
  while (Buffer.byteLength(out, 'utf8') > 63) out = Array.from(out).slice(0, -1).join('');
  return out;
}

/**
 * Native -> neutral. Anything without a neutral equivalent travels as native postgres text.
 * Arrays, enums and types outside pg_catalog are decided by the catalog facts; a built-in
 * type by its `format_type` text, through the one text mapping schema conversion uses too.
 */
export function neutralTypeOf(t: PgTypeInfo): NeutralType {
  if (t.element) {
    return { kind: 'array', element: neutralTypeOf(t.element), nativeElement: t.element.formatted };
  }
  if (t.typtype === 'e') return { kind: 'enum', values: [...(t.labels ?? [])], name: t.name };
  // A user or extension type may share a built-in's name (public.uuid): only pg_catalog's are read by name.
  if (t.schema !== 'pg_catalog') return { kind: 'native', engine: 'postgres', type: t.formatted };
  return pgTypeFromText(t.formatted);
}

/** Longest character(n) / character varying(n) PostgreSQL accepts. */
const maxCharLength = 10_485_760;

/** An enum type the column needs in the target schema. */
export interface EnumNeed {
  /** The name wanted (fitted to 63 bytes); the target may pick another when it is taken. */
  readonly name: string;
  readonly values: readonly string[];
}

/** The DDL type of one column, or what must exist first. */
export interface RenderedType {
  /** SQL type text; for enums `{enum}` stands where the (quoted, qualified) enum name goes. */
  readonly sql: string;
  readonly enumNeed?: EnumNeed;
  /** A native postgres type spelled by the source: checked on the target before use. */
  readonly nativeCheck?: string;
  readonly notice?: string;
}

/** The placeholder in RenderedType.sql for the enum type's name. */
export const enumPlaceholder = '{enum}';

/** Neutral -> native DDL type. `table` and `column` name enums the source did not name. */
export function renderType(t: NeutralType, table: string, column: string): RenderedType {
  switch (t.kind) {
    case 'boolean':
      return { sql: 'boolean' };
    case 'int':
      if (!t.unsigned) return { sql: t.bytes <= 2 ? 'smallint' : t.bytes <= 4 ? 'integer' : 'bigint' };
      // One size up, so that the whole unsigned range fits.
      return { sql: t.bytes === 1 ? 'smallint' : t.bytes <= 3 ? 'integer' : t.bytes === 4 ? 'bigint' : 'numeric(20,0)' };
    case 'decimal':
      if (t.precision === undefined) return { sql: 'numeric' };
      return { sql: t.scale === undefined ? `numeric(${int(t.precision)})` : `numeric(${int(t.precision)},${int(t.scale)})` };
    case 'float':
      return { sql: t.bytes === 4 ? 'real' : 'double precision' };
    case 'char':
      if (t.length < 1) return { sql: 'character(1)', notice: `char(${t.length}) is created as character(1): PostgreSQL has no zero-length character type` };
      if (t.length > maxCharLength) return { sql: 'text', notice: `char(${t.length}) is created as text: longer than PostgreSQL's character(n) limit` };
      return { sql: `character(${int(t.length)})` };
    case 'varchar':
      if (t.length === undefined) return { sql: 'character varying' };
      if (t.length < 1) return { sql: 'character varying(1)', notice: `varchar(${t.length}) is created as character varying(1): PostgreSQL has no zero-length character type` };
      if (t.length > maxCharLength) return { sql: 'text', notice: `varchar(${t.length}) is created as text: longer than PostgreSQL's character varying(n) limit` };
      return { sql: `character varying(${int(t.length)})` };
    case 'text':
      return { sql: 'text' };
    case 'binary':
    case 'blob':
      return { sql: 'bytea' };
    case 'date':
      return { sql: 'date' };
    case 'time':
      return { sql: `time${precisionOf(t.precision)} without time zone` };
    case 'timestamp':
      return { sql: `timestamp${precisionOf(t.precision)} ${t.withTimeZone ? 'with' : 'without'} time zone` };
    case 'json':
      return { sql: t.binary ? 'jsonb' : 'json' };
    case 'uuid':
      return { sql: 'uuid' };
    case 'enum':
      return { sql: enumPlaceholder, enumNeed: { name: fitIdentifier(t.name ?? `${table}_${column}_enum`), values: t.values } };
    case 'set':
      return { sql: 'text', notice: `SET(${t.values.join(',')}) is created as text: PostgreSQL has no SET type; values keep their comma-separated form` };
    case 'year':
      return { sql: 'smallint' };
    case 'bit':
      if (t.varying) return { sql: t.length > 0 ? `bit varying(${int(t.length)})` : 'bit varying' };
      return { sql: `bit(${int(Math.max(1, t.length))})` };
    case 'array': {
      const el = renderType(t.element, table, column);
      return { ...el, sql: `${el.sql}[]` };
    }
    case 'native':
      if (t.engine === 'postgres') return { sql: t.type, nativeCheck: t.type };
      return { sql: 'text', notice: `MySQL type ${t.type} is created as text (its MySQL text form): PostgreSQL has no equivalent` };
  }
}

function precisionOf(p: number | undefined): string {
  return p === undefined ? '' : `(${int(Math.min(6, Math.max(0, p)))})`;
}

/** A number that goes into DDL text: an integer, or the DDL is refused here. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer type parameter: ${n}`);
  return String(n);
}
