/**
 * A MySQL/MariaDB column type as DDL or COLUMN_TYPE spells it -> NeutralType
 * (docs/architecture/05-type-mapping-mysql.md). One mapping for both readers of MySQL types:
 * the connector passes information_schema's COLUMN_TYPE (`parseMysqlColumnType`), schema
 * conversion the type its DDL parser read. It sits in the SPI because both layers may import
 * it (schema conversion may not import a connector).
 */
import type { NeutralType } from './data-types.js';

/** A column type as the parser read it: the base name, its arguments and attributes. */
export interface MysqlTypeText {
  /** Lower-case base name with aliases resolved (`int`, `varchar`, `double`, `enum` ...). */
  readonly base: string;
  /** The raw arguments: numbers for lengths/precisions, the member values for ENUM/SET. */
  readonly args: readonly string[];
  readonly unsigned: boolean;
  readonly zerofill: boolean;
}

const intBytes: Readonly<Record<string, 1 | 2 | 3 | 4 | 8>> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 8 };

/** Type-name aliases MySQL accepts, resolved to the names SHOW CREATE TABLE prints. */
const aliases: Readonly<Record<string, string>> = {
  integer: 'int', int1: 'tinyint', int2: 'smallint', int3: 'mediumint', int4: 'int', int8: 'bigint', middleint: 'mediumint',
  dec: 'decimal', numeric: 'decimal', fixed: 'decimal', real: 'double', 'double precision': 'double', float4: 'float', float8: 'double',
  'character': 'char', nchar: 'char', 'national char': 'char', 'national character': 'char',
  'character varying': 'varchar', 'char varying': 'varchar', nvarchar: 'varchar', varcharacter: 'varchar', 'national varchar': 'varchar',
  'national character varying': 'varchar', 'nchar varying': 'varchar', 'national char varying': 'varchar',
  long: 'mediumtext', 'long varchar': 'mediumtext', 'long varbinary': 'mediumblob', bool: 'boolean',
  geomcollection: 'geometrycollection',
};

/** Every base type name the parser knows (after aliases); anything else is kept as a native type. */
export const knownMysqlTypes = new Set([
  'tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'boolean', 'serial', 'decimal', 'float', 'double', 'char', 'varchar',
  'tinytext', 'text', 'mediumtext', 'longtext', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'date', 'time', 'datetime', 'timestamp', 'year', 'json', 'enum', 'set', 'bit', 'uuid', 'inet4', 'inet6',
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection',
]);

export const mysqlSpatialTypes = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/** The canonical base name of a type name as written (`INTEGER` -> `int`, `DOUBLE PRECISION` -> `double`). */
export function canonicalMysqlTypeName(name: string): string {
  const n = name.toLowerCase().replace(/\s+/g, ' ').trim();
  return aliases[n] ?? n;
}

/**
 * The type as SHOW CREATE TABLE would print it (`int(10) unsigned`, `enum('a','b')`,
 * `tinyint(1)`): the model's `nativeType`.
 */
export function mysqlTypeText(t: MysqlTypeText): string {
  let base = t.base;
  let args = t.args;
  if (base === 'boolean') {
    base = 'tinyint';
    args = ['1'];
  }
  if (base === 'serial') base = 'bigint';
  let s = base;
  if (base === 'enum' || base === 'set') s += `(${args.map((v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(',')})`;
  else if (args.length > 0) s += `(${args.join(',')})`;
  if (t.unsigned || t.base === 'serial') s += ' unsigned';
  if (t.zerofill) s += ' zerofill';
  return s;
}

/**
 * The neutral type of a parsed MySQL column type. `jsonCheck` is MariaDB's JSON: a LONGTEXT
 * with a `CHECK (json_valid(col))`, which the connector also reads as JSON text.
 */
export function neutralOfMysqlType(t: MysqlTypeText, jsonCheck = false): NeutralType {
  const base = t.base === 'serial' ? 'bigint' : t.base;
  const n0 = t.args[0] !== undefined ? Number(t.args[0]) : undefined;
  const n1 = t.args[1] !== undefined ? Number(t.args[1]) : undefined;
  // The MySQL convention for booleans (BOOL is an alias of TINYINT(1)), signed only, as the connector reads it.
  if (base === 'boolean') return { kind: 'boolean' };
  const bytes = intBytes[base];
  if (bytes) {
    if (base === 'tinyint' && n0 === 1 && !t.unsigned && !t.zerofill) return { kind: 'boolean' };
    return { kind: 'int', bytes, unsigned: t.unsigned || t.base === 'serial' };
  }
  switch (base) {
    case 'decimal':
      return { kind: 'decimal', precision: n0 ?? 10, scale: n1 ?? 0 };
    case 'float':
      // FLOAT(p) with p > 24 is a DOUBLE (MySQL picks the storage from the precision).
      return { kind: 'float', bytes: n0 !== undefined && n1 === undefined && n0 > 24 ? 8 : 4 };
    case 'double':
      return { kind: 'float', bytes: 8 };
    case 'char':
      return { kind: 'char', length: n0 ?? 1 };
    case 'varchar':
      return { kind: 'varchar', length: n0 ?? 0 };
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return jsonCheck ? { kind: 'json', binary: false } : { kind: 'text' };
    case 'binary':
      return { kind: 'binary', length: n0 ?? 1, fixed: true };
    case 'varbinary':
      return { kind: 'binary', length: n0 ?? 0, fixed: false };
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return { kind: 'blob' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time', precision: n0 ?? 0 };
    case 'datetime':
      return { kind: 'timestamp', precision: n0 ?? 0, withTimeZone: false };
    case 'timestamp':
      // MySQL TIMESTAMP is an instant (stored in UTC, shown in the session's zone): with time zone.
      return { kind: 'timestamp', precision: n0 ?? 0, withTimeZone: true };
    case 'json':
      // MySQL's JSON is stored parsed and normalized (keys sorted, duplicates dropped): jsonb.
      return { kind: 'json', binary: true };
    case 'enum':
      return { kind: 'enum', values: [...t.args] };
    case 'set':
      return { kind: 'set', values: [...t.args] };
    case 'year':
      return { kind: 'year' };
    case 'bit':
      return { kind: 'bit', length: n0 ?? 1, varying: false };
    case 'uuid':
      return { kind: 'uuid' };
  }
  return { kind: 'native', engine: 'mysql', type: mysqlTypeText(t) };
}

/** The members of `enum('a','b''c')` / `set(...)` as COLUMN_TYPE spells them. */
export function parseValueList(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const values: string[] = [];
  let i = open + 1;
  while (i < columnType.length && columnType[i] === "'") {
    let v = '';
    i++;
    for (;;) {
      const ch = columnType[i];
      if (ch === undefined) break;
      if (ch === "'" && columnType[i + 1] === "'") {
        v += "'";
        i += 2;
      } else if (ch === "'") {
        i++;
        break;
      } else if (ch === '\\') {
        const next = columnType[i + 1] ?? '';
        v += ({ n: '\n', t: '\t', r: '\r', '0': '\0', Z: '\x1a' } as Record<string, string>)[next] ?? next;
        i += 2;
      } else {
        v += ch;
        i++;
      }
    }
    values.push(v);
    if (columnType[i] === ',') i++;
  }
  return values;
}

/**
 * COLUMN_TYPE as information_schema spells it (`int(10) unsigned zerofill`, `decimal(10,2)`,
 * `enum('a','b''c')`, MariaDB's `varchar(100)` followed by a COMPRESSED comment) -> the
 * parts the mapping reads.
 * Members of ENUM and SET keep their case and escapes resolved; anything after the type's
 * arguments other than `unsigned`/`zerofill` is ignored.
 */
export function parseMysqlColumnType(columnType: string): MysqlTypeText {
  const head = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*/.exec(columnType);
  const base = canonicalMysqlTypeName(head?.[1] ?? columnType);
  if (base === 'enum' || base === 'set') return { base, args: parseValueList(columnType), unsigned: false, zerofill: false };
  const rest = columnType.slice(head?.[0].length ?? 0);
  const args = /^\(([^)]*)\)/.exec(rest);
  const flags = (args ? rest.slice(args[0].length) : rest).toLowerCase();
  return {
    base,
    args: args ? args[1]!.split(',').map((a) => a.trim()) : [],
    unsigned: /\bunsigned\b/.test(flags),
    zerofill: /\bzerofill\b/.test(flags),
  };
}
