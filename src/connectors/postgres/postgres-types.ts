/**
 * PostgreSQL native types <-> NeutralType, both directions (docs/architecture/05-type-mapping-postgres.md).
 * Pure: the catalog facts come in as PgTypeInfo (postgres-catalog.ts reads them), the DDL
 * goes out as text for postgres-target.ts. Identifiers are always quoted with quoteIdent.
 */
import type { NeutralType } from '../spi/data-types.js';
import { pgTypeFromText } from '../spi/postgres-type-text.js';

export { fitIdentifier, renderType, enumPlaceholder, type EnumNeed, type RenderedType } from '../spi/postgres-type-render.js';

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
