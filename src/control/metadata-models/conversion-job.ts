/**
 * What a conversion (or an assessment) computes, independent of where it runs: the selected
 * source model converted to the other dialect with the project's transformation rules, and
 * the statement models of the selection translated. Pure; run in a worker thread by
 * conversion-worker.ts so that a huge conversion never blocks the API and a cancel can stop
 * it at once.
 */
import {
  convertSchema,
  parseTransformationRules,
  translateSql,
  type ConversionResult,
  type ObjectReport,
  type SchemaModel,
} from '../../schema-conversion/index.js';
import type { ConvertedStatement, StatementModel } from './record.js';

export interface ConversionJob {
  readonly source: SchemaModel;
  readonly statements: readonly StatementModel[];
  readonly targetEngine: string;
  readonly targetVersion?: string;
  /** The project's TransformationRules JSON, parsed in the worker. */
  readonly transformationRules?: string;
}

export interface ConversionJobResult {
  readonly conversion: ConversionResult;
  readonly statements: readonly ConvertedStatement[];
}

export function runConversionJob(job: ConversionJob): ConversionJobResult {
  const rules = job.transformationRules ? parseTransformationRules(job.transformationRules, 'TransformationRules') : undefined;
  const conversion = convertSchema(job.source, {
    targetEngine: job.targetEngine,
    ...(job.targetVersion !== undefined ? { targetVersion: job.targetVersion } : {}),
    ...(rules ? { transformationRules: rules } : {}),
  });
  const names = targetNames(conversion.report, conversion.model.dialect);
  const statements = job.statements.map((s): ConvertedStatement => {
    const t = translateSql(s.definition, job.source.dialect, { schema: s.schema, ...names });
    return {
      sourceSchema: s.schema,
      schema: names.schemaName(s.schema),
      name: s.name,
      sql: t.sql,
      ok: t.ok,
      messages: t.issues.map((i) => `${i.message} ${i.action}`.trim()),
    };
  });
  return { conversion, statements };
}

/**
 * The target names the conversion gave (from its report), for translating statements that
 * use them; names the report does not know follow the target's habit (PostgreSQL folds
 * unquoted names to lower case).
 */
function targetNames(report: readonly ObjectReport[], targetDialect: SchemaModel['dialect']) {
  const fold = (n: string): string => (targetDialect === 'postgres' ? n.toLowerCase() : n);
  const schemas = new Map<string, string>();
  const tables = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const r of report) {
    if (r.targetSchema !== undefined) schemas.set(r.schema, r.targetSchema);
    if (r.targetName === undefined) continue;
    if (r.objectType === 'table' || r.objectType === 'view') tables.set(`${r.schema}.${r.name}`, r.targetName);
    if (r.objectType === 'column' && r.table !== undefined) columns.set(`${r.schema}.${r.table}.${r.name}`, r.targetName);
  }
  return {
    schemaName: (schema: string) => schemas.get(schema) ?? fold(schema),
    tableName: (schema: string, table: string) => tables.get(`${schema}.${table}`) ?? fold(table),
    columnName: (schema: string, table: string | undefined, column: string) =>
      (table !== undefined ? columns.get(`${schema}.${table}.${column}`) : undefined) ?? fold(column),
  };
}
