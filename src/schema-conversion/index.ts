/**
 * The façade of schema conversion: the one module the control plane imports. Everything
 * behind it is pure (no I/O): DDL text in, a neutral model, converted models, DDL text,
 * reports as bytes out. Dialect dispatch lives here so that callers never pick a parser or
 * a converter themselves.
 */
import type { ConvertOptions } from './convert-options.js';
import type { ConversionResult, Dialect, ParseResult, SchemaModel } from './model.js';
import { parseMysqlDdl } from './mysql/parse-mysql-ddl.js';
import { parsePostgresDdl } from './postgres/parse-postgres-ddl.js';
import { translateMysqlSql } from './sql/mysql-to-postgres-sql.js';
import { translatePostgresSql } from './sql/postgres-to-mysql-sql.js';
import type { SqlTranslation, SqlTranslationContext } from './sql/translation.js';
import { convertToMysql } from './to-mysql/convert-to-mysql.js';
import { convertToPostgres } from './to-postgres/convert-to-postgres.js';
import { applyTransformationRules } from './apply-transformations.js';
import type { TransformationRules } from './transformation-rules.js';

export * from './model.js';
export type { ConvertOptions } from './convert-options.js';
export type { SqlTranslation, SqlTranslationContext } from './sql/translation.js';
export { parseSelectionRules, selectModel, selectsObject, selectsSchema, ruleIsForServer, formatSelectionRules } from './selection-rules.js';
export type { SelectionRule, SelectionRules, SelectionLocator, SelectionAction } from './selection-rules.js';
export { parseTransformationRules } from './transformation-rules.js';
export type { TransformationRule, TransformationRules } from './transformation-rules.js';
export { applyTransformationRules } from './apply-transformations.js';
export { printDdl } from './print-ddl.js';
export { mergeModel } from './merge-model.js';
export type { MergeOptions } from './merge-model.js';
export type { ModelObjectKind, ModelObjectRef } from './model-objects.js';
export { objectsOf, CATEGORY_OF } from './model-objects.js';
export { describeNode, listChildren, CATEGORY_NAMES } from './metadata-tree.js';
export type { MetadataNode, MetadataNodeRef, MetadataNodeType } from './metadata-tree.js';
export { targetSelectionRules } from './target-selection-rules.js';
export { renderAssessmentCsv } from './report/assessment-csv.js';
export { renderAssessmentPdf } from './report/assessment-pdf.js';
export { summarizeReport } from './report/summary.js';
export type { ReportMeta, ReportSummary } from './report/summary.js';

/** The other dialect: conversion always goes MySQL <-> PostgreSQL. */
export function otherDialect(d: Dialect): Dialect {
  return d === 'mysql' ? 'postgres' : 'mysql';
}

/** Parses a DDL script (or the statements of a dump) of one dialect into the neutral model. */
export function parseDdl(dialect: Dialect, script: string | readonly string[]): ParseResult {
  return dialect === 'mysql' ? parseMysqlDdl(script) : parsePostgresDdl(script);
}

/**
 * Converts a model to the other dialect, then applies the migration project's
 * transformation rules to the converted model (locators name SOURCE objects, actions change
 * TARGET names), recording the final names in the report's targetSchema/targetName.
 */
export function convertSchema(
  source: SchemaModel,
  opts: ConvertOptions & { readonly transformationRules?: TransformationRules },
): ConversionResult {
  const { transformationRules, ...convertOpts } = opts;
  const converted = source.dialect === 'mysql' ? convertToPostgres(source, convertOpts) : convertToMysql(source, convertOpts);
  if (!transformationRules || transformationRules.rules.length === 0) return converted;
  return applyTransformationRules(source, converted, transformationRules);
}

/** Translates one SQL fragment or statement from `from` to the other dialect. */
export function translateSql(sql: string, from: Dialect, ctx: SqlTranslationContext): SqlTranslation {
  return from === 'mysql' ? translateMysqlSql(sql, ctx) : translatePostgresSql(sql, ctx);
}
