/**
 * Source rows -> target rows for one table: source columns in the target order, added
 * columns as constants or SQLite expressions (DMS's add-column `expression`, evaluated with
 * better-sqlite3: a prepared `SELECT (<expr>)` per column, `$name` bound to the row's source
 * values). Built once per table; `apply` runs per row.
 */
import type Database from 'better-sqlite3';
import { OpenDmsError, messageOf } from '../../common/errors.js';
import type { ColumnInfo, NeutralType, Row, TargetColumn, Value } from '../../connectors/spi/index.js';
import type { ColumnPlan, TablePlan } from '../mapping/index.js';
import { fromSqlite, toSqlite, type SqliteValue } from './sqlite-values.js';

/** An add-column expression that cannot be compiled: the table cannot be loaded. */
export class ExpressionError extends OpenDmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('expression-invalid', message, options);
  }
}

/** One row could not be transformed (the expression failed on its values): a data error. */
export class TransformError extends OpenDmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transform-failed', message, options);
  }
}

export interface RowTransform {
  /** Source column names to read, in the order rows arrive. */
  readonly readColumns: readonly string[];
  /** The target columns the writer gets, in the order `apply` produces. */
  readonly targetColumns: readonly TargetColumn[];
  /** Throws TransformError when an expression fails on this row. */
  apply(row: Row): Row;
}

export interface RowTransformOptions {
  readonly table: TablePlan;
  /** The source table's catalog columns: types for binding, columns an expression names. */
  readonly sourceColumns: readonly ColumnInfo[];
  /** Source columns not read at all (LOBs with SupportLobs false); left out of the target rows. */
  readonly omitted?: readonly string[];
  /** Where expressions run; needed only when the plan has expressions. */
  readonly sqlite?: () => Database.Database;
}

type Producer = (row: Row) => Value;

export function buildRowTransform(opts: RowTransformOptions): RowTransform {
  const omitted = new Set(opts.omitted ?? []);
  const written = opts.table.columns.filter((c) => c.kind !== 'source' || !omitted.has(c.sourceName));
  const readColumns: string[] = written.flatMap((c) => (c.kind === 'source' ? [c.sourceName] : []));
  const typeOf = new Map<string, NeutralType>(opts.sourceColumns.map((c) => [c.name, c.type]));
  for (const c of opts.table.columns) if (c.kind === 'source') typeOf.set(c.sourceName, c.sourceType);

  // Expressions may name source columns the plan does not write (a removed column): read those too.
  const indexOf = (name: string): number => {
    let i = readColumns.indexOf(name);
    if (i < 0) {
      readColumns.push(name);
      i = readColumns.length - 1;
    }
    return i;
  };

  const producers: Producer[] = written.map((c) => producerOf(c, opts, typeOf, indexOf));
  // Every target column is the source column read at the same place: the row as it comes
  // (no copy per row; rows are never changed after they are read).
  const asRead = readColumns.length === written.length && written.every((c, i) => c.kind === 'source' && c.sourceName === readColumns[i]);
  return {
    readColumns,
    targetColumns: written.map((c) => ({ name: c.targetName, type: c.targetType, nullable: c.nullable })),
    apply: asRead ? (row) => row : (row) => producers.map((p) => p(row)),
  };
}

function producerOf(
  c: ColumnPlan,
  opts: RowTransformOptions,
  typeOf: ReadonlyMap<string, NeutralType>,
  indexOf: (name: string) => number,
): Producer {
  if (c.kind === 'source') {
    const i = indexOf(c.sourceName);
    return (row) => row[i] ?? null;
  }
  if (c.expression === undefined || c.expression.trim() === '') {
    const constant = c.value === undefined || c.value === null ? null : fromSqlite(c.value, c.targetType);
    return () => constant;
  }
  return expressionProducer(c.targetName, c.expression, c.targetType, opts, typeOf, indexOf);
}

function expressionProducer(
  column: string,
  expression: string,
  type: NeutralType,
  opts: RowTransformOptions,
  typeOf: ReadonlyMap<string, NeutralType>,
  indexOf: (name: string) => number,
): Producer {
  if (!opts.sqlite) throw new ExpressionError(`column ${column}: expressions need SQLite, which this run has not set up`);
  const sourceNames = opts.sourceColumns.map((s) => s.name);
  const params = [...new Set(parameterNames(expression))].map((p) => {
    // Exact first; DMS's examples often differ from the catalog only in case.
    const name = sourceNames.includes(p) ? p : sourceNames.find((s) => s.toLowerCase() === p.toLowerCase());
    if (name === undefined) {
      throw new ExpressionError(
        `the expression of added column ${column} (${expression}) names $${p}, and table ${opts.table.source.schema}.${opts.table.source.name} has no such column`,
      );
    }
    return { param: p, index: indexOf(name), type: typeOf.get(name) };
  });
  let stmt: Database.Statement;
  try {
    stmt = opts.sqlite().prepare(`SELECT (${expression})`).pluck(true).safeIntegers(true);
  } catch (err) {
    throw new ExpressionError(`the expression of added column ${column} is not valid SQLite: ${expression} (${messageOf(err)})`, { cause: err });
  }
  return (row) => {
    const bound: Record<string, SqliteValue> = {};
    for (const p of params) bound[p.param] = toSqlite(row[p.index] ?? null, p.type);
    try {
      return fromSqlite(stmt.get(bound), type);
    } catch (err) {
      throw new TransformError(`the expression of added column ${column} failed: ${messageOf(err)}`, { cause: err });
    }
  };
}

/** The `$name` parameters of an expression, outside string literals. */
export function parameterNames(expression: string): string[] {
  const withoutStrings = expression.replace(/'(?:[^']|'')*'/g, "''");
  return [...withoutStrings.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}
