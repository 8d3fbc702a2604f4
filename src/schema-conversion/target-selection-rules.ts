/**
 * GetTargetSelectionRules: source selection rules rewritten to select the converted objects
 * on the target server. Names come from the conversion report (targetSchema/targetName, after
 * the converter's naming and the project's transformation rules).
 */
import type { ObjectReport } from './model.js';
import type { ModelObjectKind } from './model-objects.js';
import { formatSelectionRules, ruleIsForServer, type SelectionLocator, type SelectionRule, type SelectionRules } from './selection-rules.js';
import { hasWildcard } from '../mapping-rules/wildcard.js';

/** The target name of a source schema, from its report line or any object in it. */
function targetSchemaOf(report: readonly ObjectReport[], schema: string): string | undefined {
  const own = report.find((o) => o.objectType === 'schema' && o.schema === schema && o.name === schema);
  const fromOwn = own?.targetName ?? own?.targetSchema;
  if (fromOwn !== undefined) return fromOwn;
  return report.find((o) => o.schema === schema && o.targetSchema !== undefined)?.targetSchema;
}

function targetObjectName(report: readonly ObjectReport[], schema: string, kind: ModelObjectKind, name: string): string | undefined {
  return report.find((o) => o.objectType === kind && o.schema === schema && o.name === name && o.table === undefined)?.targetName
    ?? report.find((o) => o.objectType === kind && o.schema === schema && o.name === name)?.targetName;
}

function toTarget(rule: SelectionRule, report: readonly ObjectReport[], targetServer: string): SelectionRule {
  const loc = rule.locator;
  // A pattern cannot be mapped name by name: it is kept, and matches what it matches on the target.
  const literal = (n: string): boolean => rule.action === 'explicit' || !hasWildcard(n);
  const schemaName = loc.schemaName !== undefined && literal(loc.schemaName) ? (targetSchemaOf(report, loc.schemaName) ?? loc.schemaName) : loc.schemaName;
  let object = loc.object;
  if (object && loc.schemaName !== undefined && literal(object.name) && literal(loc.schemaName)) {
    object = { kind: object.kind, name: targetObjectName(report, loc.schemaName, object.kind, object.name) ?? object.name };
  }
  // database-name is dropped: the target locator starts at the target server's schemas.
  const locator: SelectionLocator = {
    serverName: targetServer,
    ...(schemaName !== undefined ? { schemaName } : {}),
    ...(loc.categoryName !== undefined ? { categoryName: loc.categoryName } : {}),
    ...(object ? { object } : {}),
  };
  return { ...rule, locator };
}

/**
 * The rules about `sourceServer` rewritten for `targetServer` (same ids, names and actions);
 * rules about another server are returned unchanged. Returns the JSON document.
 */
export function targetSelectionRules(rules: SelectionRules, report: readonly ObjectReport[], sourceServer: string, targetServer: string): string {
  return formatSelectionRules({ rules: rules.rules.map((r) => (ruleIsForServer(r, sourceServer) ? toTarget(r, report, targetServer) : r)) });
}
