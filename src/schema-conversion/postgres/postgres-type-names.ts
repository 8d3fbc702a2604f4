/**
 * NeutralType -> PostgreSQL DDL type text, as `format_type` spells it. The same choices as
 * the PostgreSQL connector's `renderType` (docs/architecture/05-type-mapping-postgres.md):
 * schema conversion may not import the connector, and a table created by a converted script
 * must look like one created by a full load's DROP_AND_CREATE.
 */
import type { NeutralType } from '../../connectors/spi/data-types.js';
import { quoteIdentifier } from '../sql/tokenizer.js';

/** Longest character(n) / character varying(n) PostgreSQL accepts. */
const maxCharLength = 10_485_760;

/**
 * The PostgreSQL type of a neutral type. Enums must carry the name of their enum type (the
 * converter names them; rendered unqualified: the DDL printer qualifies it with the table's
 * schema); a MySQL-native type (spatial ...) has no PostgreSQL equivalent here
 * and is rendered as `text`, which the converter reports.
 */
export function renderPostgresType(t: NeutralType): string {
  switch (t.kind) {
    case 'boolean':
      return 'boolean';
    case 'int':
      if (!t.unsigned) return t.bytes <= 2 ? 'smallint' : t.bytes <= 4 ? 'integer' : 'bigint';
      // One size up, so that the whole unsigned range fits.
      return t.bytes === 1 ? 'smallint' : t.bytes <= 3 ? 'integer' : t.bytes === 4 ? 'bigint' : 'numeric(20,0)';
    case 'decimal':
      if (t.precision === undefined) return 'numeric';
      return t.scale === undefined ? `numeric(${int(t.precision)})` : `numeric(${int(t.precision)},${int(t.scale)})`;
    case 'float':
      return t.bytes === 4 ? 'real' : 'double precision';
    case 'char':
      if (t.length > maxCharLength) return 'text';
      return `character(${int(Math.max(1, t.length))})`;
    case 'varchar':
      if (t.length === undefined) return 'character varying';
      if (t.length > maxCharLength) return 'text';
      return `character varying(${int(Math.max(1, t.length))})`;
    case 'text':
    case 'set':
      return 'text';
    case 'binary':
    case 'blob':
      return 'bytea';
    case 'date':
      return 'date';
    case 'time':
      return `time${precisionOf(t.precision)} without time zone`;
    case 'timestamp':
      return `timestamp${precisionOf(t.precision)} ${t.withTimeZone ? 'with' : 'without'} time zone`;
    case 'json':
      return t.binary ? 'jsonb' : 'json';
    case 'uuid':
      return 'uuid';
    case 'enum':
      if (!t.name) throw new Error('renderPostgresType: an enum needs the name of its PostgreSQL enum type (set NeutralType.name)');
      return quoteIdentifier(t.name, 'postgres');
    case 'year':
      return 'smallint';
    case 'bit':
      if (t.varying) return t.length > 0 ? `bit varying(${int(t.length)})` : 'bit varying';
      return `bit(${int(Math.max(1, t.length))})`;
    case 'array':
      return `${t.element.kind === 'native' && t.element.engine === 'postgres' ? t.nativeElement : renderPostgresType(t.element)}[]`;
    case 'native':
      return t.engine === 'postgres' ? t.type : 'text';
  }
}

function precisionOf(p: number | undefined): string {
  return p === undefined ? '' : `(${int(Math.min(6, Math.max(0, p)))})`;
}

function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`renderPostgresType: not a valid type parameter: ${n}`);
  return String(n);
}
