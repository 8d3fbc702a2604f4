/**
 * DMS's own data type names (user guide, CHAP_Reference.DataTypes: STRING, WSTRING, BOOLEAN,
 * BYTES, DATE, TIME, DATETIME, INT1..INT8, UINT1..UINT8, NUMERIC, REAL4, REAL8, BLOB, CLOB,
 * NCLOB) as used by `data-type` in change-data-type and add-column rules and by
 * `object-locator.data-type`, and their NeutralType equivalents. One reading for a task's
 * table mappings and a migration project's transformation rules, so a rule means the same in both.
 */
import type { NeutralType } from '../connectors/spi/data-types.js';
import { orList, type RuleObjectReader } from './rule-json.js';

/** The DMS type names a rule may use, lower case as DMS's examples write them. */
export const DMS_TYPES = [
  'string',
  'wstring',
  'boolean',
  'bytes',
  'date',
  'time',
  'datetime',
  'int1',
  'int2',
  'int4',
  'int8',
  'numeric',
  'real4',
  'real8',
  'uint1',
  'uint2',
  'uint4',
  'uint8',
  'blob',
  'clob',
  'nclob',
] as const;
/** One of DMS_TYPES. */
export type DmsType = (typeof DMS_TYPES)[number];

/** A validated `data-type` of a rule. */
export interface DataTypeSpec {
  readonly type: DmsType;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
}

/** The guide's table says BYTE, its examples and the console say bytes: both are accepted. */
const ALIASES: Readonly<Record<string, DmsType>> = { byte: 'bytes' };

/** Which of length / precision / scale each type takes, and which it needs. */
function shapeOf(type: DmsType): { length?: 'required'; precision?: 'optional'; scale?: 'optional' } {
  switch (type) {
    case 'string':
    case 'wstring':
    case 'bytes':
      // A string without a length has no faithful target type (MySQL VARCHAR needs one; an
      // unbounded one is a CLOB): asking for it beats guessing.
      return { length: 'required' };
    case 'numeric':
      return { precision: 'optional', scale: 'optional' };
    case 'time':
    case 'datetime':
      // The guide's example writes datetime's fractional digits as `precision`; `scale` is
      // accepted too since DMS's type model calls the same thing scale.
      return { precision: 'optional', scale: 'optional' };
    default:
      return {};
  }
}

/** PostgreSQL and MySQL both keep at most 6 fractional digits of seconds. */
const MAX_FRACTION_DIGITS = 6;
/** PostgreSQL's numeric precision limit; MySQL's is checked where the target is known. */
const MAX_NUMERIC_PRECISION = 1000;
/** MySQL DECIMAL holds at most 65 digits. */
export const MYSQL_MAX_DECIMAL = 65;

/** Reads and validates a `data-type` object. */
export function readDataType(r: RuleObjectReader<unknown>): DataTypeSpec {
  r.onlyMembers(['type', 'length', 'precision', 'scale'], `'${r.path}'`);
  const rawType = r.string('type', { hint: `use one of ${orList([...DMS_TYPES])}` });
  const lower = rawType.toLowerCase();
  const type = (ALIASES[lower] ?? lower) as DmsType;
  if (!(DMS_TYPES as readonly string[]).includes(type)) {
    r.fail(`'${r.where('type')}' '${rawType}' is not a DMS data type; use one of ${orList([...DMS_TYPES])}`);
  }
  const shape = shapeOf(type);
  const length = r.optInt('length', { min: 1 });
  const precision = r.optInt('precision', { min: type === 'numeric' ? 1 : 0 });
  const scale = r.optInt('scale', { min: 0 });
  if (length !== undefined && !shape.length) r.fail(`'${r.where('length')}' has no meaning for type ${type}; remove it`);
  if (length === undefined && shape.length === 'required') r.fail(`'${r.where('length')}' is missing; type ${type} needs a length (for example {"type": "${type}", "length": 50})`);
  if (precision !== undefined && !shape.precision) r.fail(`'${r.where('precision')}' has no meaning for type ${type}; remove it`);
  if (scale !== undefined && !shape.scale) r.fail(`'${r.where('scale')}' has no meaning for type ${type}; remove it`);
  if (type === 'numeric') {
    if (precision !== undefined && precision > MAX_NUMERIC_PRECISION) r.fail(`'${r.where('precision')}' must be at most ${MAX_NUMERIC_PRECISION}, got ${precision}`);
    if (scale !== undefined && precision === undefined) r.fail(`'${r.where('scale')}' needs a precision too (for example {"type": "numeric", "precision": 10, "scale": 2})`);
    if (scale !== undefined && precision !== undefined && scale > precision) r.fail(`'${r.where('scale')}' (${scale}) must not be more than the precision (${precision})`);
  }
  if (type === 'time' || type === 'datetime') {
    if (precision !== undefined && scale !== undefined && precision !== scale) r.fail(`'${r.where('precision')}' and '${r.where('scale')}' both give the fractional seconds of ${type} and differ; give one`);
    const digits = precision ?? scale;
    if (digits !== undefined && digits > MAX_FRACTION_DIGITS) r.fail(`${type} fractional seconds ${digits} is more than PostgreSQL and MySQL keep (${MAX_FRACTION_DIGITS})`);
  }
  return {
    type,
    ...(length !== undefined ? { length } : {}),
    ...(precision !== undefined ? { precision } : {}),
    ...(scale !== undefined ? { scale } : {}),
  };
}

/** The NeutralType of a validated DMS data type. */
export function neutralOf(spec: DataTypeSpec): NeutralType {
  switch (spec.type) {
    case 'string':
    case 'wstring':
      // Both targets store UTF-8, so DMS's single/double-byte distinction does not survive.
      return { kind: 'varchar', ...(spec.length !== undefined ? { length: spec.length } : {}) };
    case 'bytes':
      return { kind: 'binary', length: spec.length ?? 1, fixed: false };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'time': {
      const p = spec.precision ?? spec.scale;
      return p === undefined ? { kind: 'time' } : { kind: 'time', precision: p };
    }
    case 'datetime': {
      const p = spec.precision ?? spec.scale;
      return p === undefined ? { kind: 'timestamp', withTimeZone: false } : { kind: 'timestamp', precision: p, withTimeZone: false };
    }
    case 'int1':
      return { kind: 'int', bytes: 1, unsigned: false };
    case 'int2':
      return { kind: 'int', bytes: 2, unsigned: false };
    case 'int4':
      return { kind: 'int', bytes: 4, unsigned: false };
    case 'int8':
      return { kind: 'int', bytes: 8, unsigned: false };
    case 'uint1':
      return { kind: 'int', bytes: 1, unsigned: true };
    case 'uint2':
      return { kind: 'int', bytes: 2, unsigned: true };
    case 'uint4':
      return { kind: 'int', bytes: 4, unsigned: true };
    case 'uint8':
      return { kind: 'int', bytes: 8, unsigned: true };
    case 'numeric':
      return {
        kind: 'decimal',
        ...(spec.precision !== undefined ? { precision: spec.precision } : {}),
        ...(spec.scale !== undefined ? { scale: spec.scale } : {}),
      };
    case 'real4':
      return { kind: 'float', bytes: 4 };
    case 'real8':
      return { kind: 'float', bytes: 8 };
    case 'blob':
      return { kind: 'blob' };
    case 'clob':
    case 'nclob':
      return { kind: 'text' };
  }
}

/**
 * The DMS type names a column of this type answers to in `object-locator.data-type`, after
 * DMS's own source mappings (PostgreSQL/MySQL chapters): character data is STRING or WSTRING
 * (DMS picks by character set, which the neutral type does not keep, so both match), TEXT
 * and JSON are CLOB/NCLOB, MEDIUMINT is INT4, types without a DMS equivalent are strings.
 */
export function dmsNamesOf(t: NeutralType): readonly string[] {
  switch (t.kind) {
    case 'boolean':
      return ['boolean'];
    case 'int': {
      const bytes = t.bytes === 3 ? 4 : t.bytes;
      return [`${t.unsigned ? 'uint' : 'int'}${bytes}`];
    }
    case 'decimal':
      return ['numeric'];
    case 'float':
      return [t.bytes === 4 ? 'real4' : 'real8'];
    case 'char':
    case 'varchar':
    case 'uuid':
    case 'enum':
    case 'set':
    case 'native':
    case 'array':
      return ['string', 'wstring'];
    case 'text':
    case 'json':
      return ['clob', 'nclob'];
    case 'binary':
    case 'bit':
      return ['bytes'];
    case 'blob':
      return ['blob'];
    case 'date':
      return ['date'];
    case 'time':
      return ['time'];
    case 'timestamp':
      return ['datetime'];
    case 'year':
      return ['int2'];
  }
}

/** True when the column's type answers to the locator's `data-type` (case-insensitive). */
export function typeMatches(locatorType: string, t: NeutralType): boolean {
  const want = locatorType.toLowerCase();
  return dmsNamesOf(t).includes(ALIASES[want] ?? want);
}
