/**
 * NeutralType -> PostgreSQL DDL type: one implementation for the PostgreSQL connector's target
 * tables (postgres-target.ts) and for schema conversion's printer (renderPostgresType), so a
 * task's DROP_AND_CREATE and a converted schema spell every type the same way. Pure.
 */
import type { NeutralType } from './data-types.js';

/** The longest prefix of `name` that fits PostgreSQL's 63-byte identifiers (never cut inside a character). */
export function fitIdentifier(name: string): string {
  let out = name;
  while (Buffer.byteLength(out, 'utf8') > 63) out = Array.from(out).slice(0, -1).join('');
  return out;
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
