/**
 * NeutralType -> the MySQL/MariaDB column type schema conversion prints.
 *
 * The same choices as the MySQL connector's target writer (src/connectors/mysql/mysql-types.ts,
 * docs/architecture/05-type-mapping.md), so that a converted schema and a full load's
 * DROP_AND_CREATE agree; the converter (to-mysql/) reports the approximations, this module
 * only spells types. It works for every server version: no UUID type (MariaDB 10.7+ only),
 * JSON spelled JSON (MariaDB reads it as LONGTEXT with a json_valid CHECK).
 */
import type { NeutralType } from '../../connectors/spi/data-types.js';
import { quoteLiteral } from '../sql/tokenizer.js';

/** The longest VARCHAR (in characters) that fits MySQL's 65535-byte row with utf8mb4. */
export const maxVarcharChars = 16_383;

export function renderMysqlType(t: NeutralType): string {
  switch (t.kind) {
    case 'boolean':
      return 'TINYINT(1)';
    case 'int': {
      const name = { 1: 'TINYINT', 2: 'SMALLINT', 3: 'MEDIUMINT', 4: 'INT', 8: 'BIGINT' }[t.bytes];
      return `${name}${t.unsigned ? ' UNSIGNED' : ''}`;
    }
    case 'decimal': {
      if (t.precision === undefined) return 'DECIMAL(65,30)';
      const p = Math.min(Math.max(t.precision, 1), 65);
      const s = Math.min(Math.max(t.scale ?? 0, 0), 30, p);
      return `DECIMAL(${p},${s})`;
    }
    case 'float':
      return t.bytes === 4 ? 'FLOAT' : 'DOUBLE';
    case 'char':
      if (t.length <= 255) return `CHAR(${Math.max(t.length, 1)})`;
      return varcharOrText(t.length);
    case 'varchar':
      return t.length === undefined ? 'LONGTEXT' : varcharOrText(t.length);
    case 'text':
      return 'LONGTEXT';
    case 'binary':
      if (t.fixed && t.length <= 255) return `BINARY(${Math.max(t.length, 1)})`;
      if (t.length <= 65_532) return `VARBINARY(${Math.max(t.length, 1)})`;
      return t.length <= 16_777_215 ? 'MEDIUMBLOB' : 'LONGBLOB';
    case 'blob':
      return 'LONGBLOB';
    case 'date':
      return 'DATE';
    case 'time':
      return `TIME(${fraction(t.precision)})`;
    case 'timestamp':
      return `DATETIME(${fraction(t.precision)})`;
    case 'json':
      return 'JSON';
    case 'uuid':
      return 'CHAR(36)';
    case 'enum':
      return `ENUM(${t.values.map((v) => quoteLiteral(v, 'mysql')).join(',')})`;
    case 'set':
      return t.values.length <= 64 ? `SET(${t.values.map((v) => quoteLiteral(v, 'mysql')).join(',')})` : 'LONGTEXT';
    case 'year':
      return 'YEAR';
    case 'bit':
      if (!t.varying && t.length >= 1 && t.length <= 64) return `BIT(${t.length})`;
      return t.length >= 1 && t.length <= maxVarcharChars ? `VARCHAR(${t.length})` : 'LONGTEXT';
    case 'array':
      return 'LONGTEXT';
    case 'native':
      return t.engine === 'mysql' ? t.type : 'LONGTEXT';
  }
}

/** PostgreSQL's default fractional seconds are microseconds: DATETIME(6)/TIME(6); MySQL stops at 6. */
function fraction(p: number | undefined): number {
  return p === undefined ? 6 : Math.min(Math.max(p, 0), 6);
}

function varcharOrText(n: number): string {
  if (n <= maxVarcharChars) return `VARCHAR(${n})`;
  return n * 4 <= 16_777_215 ? 'MEDIUMTEXT' : 'LONGTEXT';
}

/** True for types MySQL cannot index whole (a key part needs a prefix length) and that cannot take a plain literal DEFAULT before 8.0.13. */
export function isMysqlLobType(nativeType: string): boolean {
  return /^(tiny|medium|long)?(text|blob)\b|^json\b/i.test(nativeType.trim());
}
