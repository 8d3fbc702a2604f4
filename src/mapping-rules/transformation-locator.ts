/**
 * The object-locator of a schema, table or column transformation rule: the same members and
 * messages in a task's table mappings and a migration project's transformation rules.
 */
import type { RuleObjectReader } from './rule-json.js';

/** What a transformation locator names; every name is a pattern (src/mapping-rules/wildcard.ts). */
export interface TransformationLocator {
  readonly schemaName: string;
  readonly tableName?: string;
  /** Which objects a table or column rule reaches; all (tables and views) when absent. */
  readonly tableType?: 'table' | 'view' | 'all';
  readonly columnName?: string;
  /** A DMS type name: the rule reaches only columns of that type. */
  readonly dataType?: string;
}

/**
 * Reads `loc` as the locator of a rule that reaches schemas, tables or columns (`what` names
 * it in messages). A column rule that names no column (add-column) reads as `table`.
 */
export function readTransformationLocator(loc: RuleObjectReader<unknown>, what: string, reaches: 'schema' | 'table' | 'column'): TransformationLocator {
  if (reaches === 'schema') {
    loc.onlyMembers(['schema-name'], what);
    return { schemaName: loc.string('schema-name', { nonEmpty: true, hint: "use '%' for every schema" }) };
  }
  const allowed = ['schema-name', 'table-name', 'table-type'];
  if (reaches === 'column') allowed.push('column-name', 'data-type');
  loc.onlyMembers(allowed, what);
  const schemaName = loc.string('schema-name', { nonEmpty: true, hint: "use '%' for every schema" });
  const tableName = loc.string('table-name', { nonEmpty: true, hint: "use '%' for every table" });
  const tableType = loc.oneOf('table-type', ['table', 'view', 'all'] as const, 'table-type');
  const columnName = reaches === 'column' ? loc.string('column-name', { nonEmpty: true, hint: "use '%' for every column" }) : undefined;
  const dataType = reaches === 'column' ? loc.optString('data-type', { nonEmpty: true }) : undefined;
  return {
    schemaName,
    tableName,
    ...(tableType ? { tableType } : {}),
    ...(columnName !== undefined ? { columnName } : {}),
    ...(dataType !== undefined ? { dataType } : {}),
  };
}
