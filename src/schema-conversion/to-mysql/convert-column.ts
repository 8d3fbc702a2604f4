/**
 * One PostgreSQL column -> its MySQL/MariaDB form: the type (docs/architecture/
 * 06-schema-conversion-postgres-to-mysql.md has the table), the default, the generated
 * expression, with the issues each choice raises. Identity is decided per table
 * (convert-to-mysql.ts), since MySQL allows one AUTO_INCREMENT column a table.
 */
import type { NeutralType } from '../../connectors/spi/data-types.js';
import { isBuiltinPgTypeText } from '../../connectors/spi/postgres-type-text.js';
import type { ColumnDef, ConversionIssue, DefaultDef } from '../model.js';
import { renderMysqlType } from '../mysql/mysql-type-names.js';
import { translatePostgresSql } from '../sql/postgres-to-mysql-sql.js';
import type { SqlTranslationContext } from '../sql/translation.js';
import type { MysqlTargetTraits } from './target-traits.js';

export interface ConvertedColumn {
  readonly column: ColumnDef;
  readonly issues: ConversionIssue[];
  /** The column needs manual work (an untranslatable default or generated expression). */
  readonly manual: boolean;
}

const warn = (code: string, message: string, action: string): ConversionIssue => ({ severity: 'warning', code, message, action });
const info = (code: string, message: string, action = 'none'): ConversionIssue => ({ severity: 'info', code, message, action });

/** The MySQL type of a PostgreSQL column type, and what the choice means. */
export function mysqlTypeOf(t: NeutralType, what: string, traits: MysqlTargetTraits): { type: NeutralType; native: string; issues: ConversionIssue[] } {
  const issues: ConversionIssue[] = [];
  switch (t.kind) {
    case 'decimal':
      if (t.precision === undefined) {
        issues.push(warn('numeric-unconstrained', `${what}: numeric without precision became DECIMAL(65,30): more than 35 digits before the point are refused, more than 30 after it rounded`, 'give the column the precision its values need'));
      } else if (t.precision > 65 || (t.scale ?? 0) > 30 || (t.scale ?? 0) < 0) {
        issues.push(warn('numeric-clamped', `${what}: numeric(${t.precision},${t.scale ?? 0}) is beyond MySQL's DECIMAL (65 digits, 30 after the point): created as ${renderMysqlType(t)}`, 'check that the values fit'));
      }
      break;
    case 'text':
      issues.push(info('text-longtext', `${what}: text became LONGTEXT (TEXT holds only 64 KB; PostgreSQL text up to 1 GB)`));
      break;
    case 'varchar':
      if (t.length === undefined) issues.push(warn('varchar-unbounded', `${what}: character varying without a length became LONGTEXT (a VARCHAR needs a length)`, 'give the column a length if its values are short, so that it can be indexed whole'));
      else if (renderMysqlType(t) !== `VARCHAR(${t.length})`) issues.push(warn('varchar-too-long', `${what}: varchar(${t.length}) is beyond MySQL's row size with utf8mb4: created as ${renderMysqlType(t)}, which does not check the length`, 'check the length by a CHECK constraint if it matters'));
      break;
    case 'char':
      if (t.length > 255) issues.push(warn('char-too-long', `${what}: character(${t.length}) is beyond MySQL's CHAR (255): created as ${renderMysqlType(t)}, without blank padding`, 'none'));
      break;
    case 'timestamp':
      if (t.withTimeZone) issues.push(warn('timestamptz', `${what}: timestamp with time zone became ${renderMysqlType(t)} holding UTC (MySQL's TIMESTAMP ends in 2038 and DATETIME keeps no zone); the offset is not kept`, 'read and write the column in UTC'));
      if ((t.precision ?? 6) > 6) issues.push(warn('precision', `${what}: fractional seconds beyond 6 digits are rounded`, 'none'));
      break;
    case 'time':
      if ((t.precision ?? 6) > 6) issues.push(warn('precision', `${what}: fractional seconds beyond 6 digits are rounded`, 'none'));
      break;
    case 'json':
      if (t.binary) issues.push(warn('jsonb', `${what}: jsonb became JSON: jsonb's normalization (keys sorted, duplicates dropped) is not applied by MySQL`, 'none unless the application relies on it'));
      if (!traits.mysql) issues.push(info('mariadb-json', `${what}: on MariaDB, JSON is LONGTEXT with a json_valid() CHECK`));
      return { type: t, native: 'JSON', issues };
    case 'uuid':
      issues.push(info('uuid-char', `${what}: uuid became CHAR(36) (MariaDB 10.7+ has a UUID type; CHAR(36) works on every version)`));
      break;
    case 'array':
      issues.push(warn('array', `${what}: PostgreSQL array (${t.nativeElement}[]) has no MySQL equivalent: created as LONGTEXT holding the array literal ({a,b})`, 'split the values into a child table or convert them to JSON'));
      return { type: { kind: 'text' }, native: 'LONGTEXT', issues };
    case 'native': {
      if (t.engine === 'mysql') return { type: t, native: t.type, issues };
      const fixed: Record<string, number> = { inet: 43, cidr: 43, macaddr: 17, macaddr8: 23 };
      const n = fixed[t.type];
      if (n) {
        issues.push(warn('native-type', `${what}: ${t.type} has no MySQL equivalent: created as VARCHAR(${n}) holding its text form`, 'use INET6_ATON()/INET6_NTOA() on the text if the application needs address arithmetic'));
        return { type: { kind: 'varchar', length: n }, native: `VARCHAR(${n})`, issues };
      }
      const hint = t.type === 'tsvector' ? 'use a FULLTEXT index on the source text columns instead' : t.type === 'interval' ? 'store a number of seconds, or the text, and convert in the application' : 'check how the application uses the values';
      issues.push(warn('native-type', `${what}: ${t.type} has no MySQL equivalent: created as LONGTEXT holding its text form`, hint));
      return { type: { kind: 'text' }, native: 'LONGTEXT', issues };
    }
    default:
      break;
  }
  return { type: t, native: renderMysqlType(t), issues };
}

/** The column in MySQL; `table` and `ctx` for messages and the SQL translator. */
export function convertColumn(col: ColumnDef, table: string, ctx: SqlTranslationContext, targetName: string, traits: MysqlTargetTraits): ConvertedColumn {
  const what = `column ${table}.${col.name}`;
  const { type, native, issues } = mysqlTypeOf(col.type, what, traits);
  let manual = false;
  // A domain: the parser gave the column its base type and the domain's CHECKs.
  if (!isBuiltinPgTypeText(col.nativeType) && col.type.kind !== 'enum' && col.type.kind !== 'native' && col.type.kind !== 'array') {
    issues.push(warn('domain', `${what}: domain ${col.nativeType} became its base type ${native}, with the domain's CHECK constraints on the table`, 'none; change the domain\'s rules on every table that uses it'));
  }
  if (col.type.kind === 'enum' && col.type.name) {
    issues.push(info('enum-inline', `${what}: enum type ${col.type.name} became an inline ENUM`));
  }
  const out: ColumnDef = { name: targetName, type, nativeType: native, nullable: col.nullable };
  if (col.comment !== undefined) {
    out.comment = Array.from(col.comment).length > 1024 ? Array.from(col.comment).slice(0, 1024).join('') : col.comment;
    if (out.comment !== col.comment) issues.push(warn('comment-truncated', `${what}: comment cut to MySQL's 1024 characters`, 'none'));
  }
  if (col.generated) {
    const tr = translatePostgresSql(col.generated.expression, ctx);
    issues.push(...tr.issues);
    if (tr.ok) out.generated = { expression: tr.sql, stored: col.generated.stored };
    else {
      manual = true;
      issues.push(warn('generated-not-converted', `${what}: the generated expression ${col.generated.expression} could not be translated: created as a plain column`, 'add GENERATED ALWAYS AS (...) STORED with an equivalent MySQL expression'));
    }
  }
  if (col.default && !col.generated) {
    const d = convertDefault(col.default, out, ctx);
    issues.push(...d.issues);
    if (d.def) out.default = d.def;
    if (d.manual) {
      manual = true;
      issues.push(warn('default-not-converted', `${what}: DEFAULT ${sqlOf(col.default)} could not be translated: the column has no default`, 'add an equivalent DEFAULT by hand'));
    }
  }
  return { column: out, issues, manual };
}

function sqlOf(d: DefaultDef): string {
  switch (d.kind) {
    case 'null':
      return 'NULL';
    case 'literal':
      return d.quoted ? `'${d.value}'` : d.value;
    case 'current-timestamp':
      return 'CURRENT_TIMESTAMP';
    case 'expression':
      return d.sql;
  }
}

function convertDefault(d: DefaultDef, col: ColumnDef, ctx: SqlTranslationContext): { def?: DefaultDef; issues: ConversionIssue[]; manual: boolean } {
  const issues: ConversionIssue[] = [];
  const t = col.type;
  const fsp = t.kind === 'timestamp' || t.kind === 'time' ? Math.min(t.precision ?? 6, 6) : undefined;
  switch (d.kind) {
    case 'null':
      return { def: d, issues, manual: false };
    case 'literal':
      if (t.kind === 'boolean') {
        const v = d.value.toLowerCase();
        if (/^(t|true|y|yes|on|1)$/.test(v)) return { def: { kind: 'literal', value: '1', quoted: false }, issues, manual: false };
        if (/^(f|false|n|no|off|0)$/.test(v)) return { def: { kind: 'literal', value: '0', quoted: false }, issues, manual: false };
        return { issues, manual: true };
      }
      return { def: d, issues, manual: false };
    case 'current-timestamp':
      if (t.kind === 'timestamp') return { def: { kind: 'current-timestamp', ...(fsp ? { precision: fsp } : {}) }, issues, manual: false };
      if (t.kind === 'date') return { def: { kind: 'expression', sql: 'CURRENT_DATE' }, issues, manual: false };
      if (t.kind === 'time') return { def: { kind: 'expression', sql: `CURRENT_TIME(${fsp ?? 0})` }, issues, manual: false };
      return { def: { kind: 'expression', sql: 'CURRENT_TIMESTAMP' }, issues, manual: false };
    case 'expression': {
      const tr = translatePostgresSql(d.sql, ctx);
      issues.push(...tr.issues);
      if (!tr.ok) return { issues, manual: true };
      if (/^CURRENT_TIMESTAMP$/i.test(tr.sql) && t.kind === 'timestamp') return { def: { kind: 'current-timestamp', ...(fsp ? { precision: fsp } : {}) }, issues, manual: false };
      return { def: { kind: 'expression', sql: tr.sql }, issues, manual: false };
    }
  }
}
