/**
 * PostgreSQL type text (as DDL and `format_type` spell it) -> NeutralType
 * (docs/architecture/05-type-mapping-postgres.md). One mapping for both readers of
 * PostgreSQL types: the connector passes the `format_type` text of a built-in type it read
 * from pg_catalog, schema conversion the type text of parsed DDL. It sits in the SPI because
 * both layers may import it (schema conversion may not import a connector). Anything without
 * a neutral equivalent (interval, inet, tsvector, money, ranges, extension types ...) is
 * `{ kind: 'native', engine: 'postgres', type }` with the normalized text.
 */
import type { NeutralType } from './data-types.js';

/** User-defined types the parser already knows, by bare (unqualified) name. */
export interface PgUserTypes {
  /** Enum labels by type name. */
  readonly enums?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Normalizes type text: lower case outside double quotes, single spaces, no space before
 * `(` `)` `,` `[` `]` or after `(` `[`, `pg_catalog.` dropped.
 */
export function normalizePgTypeText(text: string): string {
  let out = '';
  let inQuote = false;
  for (const ch of text.trim()) {
    if (ch === '"') inQuote = !inQuote;
    out += inQuote || ch === '"' ? ch : ch.toLowerCase();
  }
  return out
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),[\]])\s*/g, '$1')
    .replace(/\)(?=[a-z])/g, ') ')
    .replace(/^pg_catalog\./, '')
    .replace(/^"pg_catalog"\./, '');
}

/** The bare name of a possibly schema-qualified, possibly quoted type name: `public.mpaa_rating` -> `mpaa_rating`. */
export function bareTypeName(text: string): string {
  const norm = normalizePgTypeText(text);
  const parts = norm.match(/"(?:[^"]|"")*"|[^."]+/g) ?? [norm];
  const last = parts[parts.length - 1] ?? norm;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last;
}

/** True when the text names a type built into PostgreSQL that this module maps (not an enum, domain or extension type). */
export function isBuiltinPgTypeText(text: string): boolean {
  const t = pgTypeFromText(text);
  return t.kind !== 'native' || nativeBuiltins.test(normalizePgTypeText(text));
}

// Built-in types that have no neutral equivalent but are PostgreSQL's own (not user types).
const nativeBuiltins =
  /^(interval|inet|cidr|macaddr8?|money|tsvector|tsquery|xml|point|line|lseg|box|path|polygon|circle|pg_lsn|txid_snapshot|int4range|int8range|numrange|tsrange|tstzrange|daterange|time(\(\d+\))? with time zone|timetz(\(\d+\))?|regclass|regtype|oid|name|"char"|char)\b/;

/** PostgreSQL type text -> NeutralType; `user` resolves enum type names. */
export function pgTypeFromText(text: string, user: PgUserTypes = {}): NeutralType {
  const norm = normalizePgTypeText(text);
  // Arrays: `text[]`, `integer[3][3]`, `integer ARRAY`, `_int4` are all one array type.
  const arr = /^(.*?)((\[\d*\])+| array(\[\d*\])?)$/.exec(norm);
  if (arr && arr[1]) {
    const element = pgTypeFromText(arr[1], user);
    return { kind: 'array', element, nativeElement: arr[1] };
  }
  const native: NeutralType = { kind: 'native', engine: 'postgres', type: norm };
  const m = /^([a-z_ "][a-z0-9_ "]*?)(?:\((\s*-?\d+(?:,\s*-?\d+)?)\))?( with(?:out)? time zone)?$/.exec(norm);
  if (!m) return enumOr(norm, user, native);
  const base = m[1]!.trim();
  const args = m[2] ? m[2].split(',').map((x) => Number(x.trim())) : [];
  const zone = m[3] ? m[3].trim() === 'with time zone' : undefined;
  const a0 = args[0];
  const a1 = args[1];
  switch (base) {
    case 'boolean':
    case 'bool':
      return { kind: 'boolean' };
    case 'smallint':
    case 'int2':
    case 'smallserial':
    case 'serial2':
      return { kind: 'int', bytes: 2, unsigned: false };
    case 'integer':
    case 'int':
    case 'int4':
    case 'serial':
    case 'serial4':
      return { kind: 'int', bytes: 4, unsigned: false };
    case 'bigint':
    case 'int8':
    case 'bigserial':
    case 'serial8':
      return { kind: 'int', bytes: 8, unsigned: false };
    case 'oid':
      return { kind: 'int', bytes: 4, unsigned: true };
    case 'numeric':
    case 'decimal':
      if (a0 === undefined) return { kind: 'decimal' };
      return { kind: 'decimal', precision: a0, scale: a1 ?? 0 };
    case 'real':
    case 'float4':
      return { kind: 'float', bytes: 4 };
    case 'double precision':
    case 'float8':
      return { kind: 'float', bytes: 8 };
    case 'float':
      // float(p): 1..24 is real, 25..53 double precision; bare float is double precision.
      return { kind: 'float', bytes: a0 !== undefined && a0 <= 24 ? 4 : 8 };
    case 'character varying':
    case 'varchar':
      return a0 !== undefined ? { kind: 'varchar', length: a0 } : { kind: 'varchar' };
    case 'character':
    case 'char':
      // `character` alone is character(1).
      return { kind: 'char', length: a0 ?? 1 };
    case 'bpchar':
      return a0 !== undefined ? { kind: 'char', length: a0 } : { kind: 'varchar' };
    case 'text':
      return { kind: 'text' };
    case 'name':
      return { kind: 'varchar', length: 63 };
    case 'bytea':
      return { kind: 'blob' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      if (zone) return native;
      return a0 !== undefined ? { kind: 'time', precision: a0 } : { kind: 'time' };
    case 'timestamp':
      return a0 !== undefined ? { kind: 'timestamp', precision: a0, withTimeZone: zone === true } : { kind: 'timestamp', withTimeZone: zone === true };
    case 'timestamptz':
      return a0 !== undefined ? { kind: 'timestamp', precision: a0, withTimeZone: true } : { kind: 'timestamp', withTimeZone: true };
    case 'json':
      return { kind: 'json', binary: false };
    case 'jsonb':
      return { kind: 'json', binary: true };
    case 'uuid':
      return { kind: 'uuid' };
    case 'bit':
      return { kind: 'bit', length: a0 ?? 1, varying: false };
    case 'bit varying':
    case 'varbit':
      return { kind: 'bit', length: a0 ?? 0, varying: true };
    default:
      return enumOr(norm, user, native);
  }
}

function enumOr(norm: string, user: PgUserTypes, native: NeutralType): NeutralType {
  const name = bareTypeName(norm);
  const labels = user.enums?.get(name);
  if (labels) return { kind: 'enum', values: [...labels], name };
  return native;
}
