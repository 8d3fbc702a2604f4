/**
 * The plan of a run: the tables the selection rules choose from the source catalog, each
 * with its target name, columns, key, filters and settings, in load order.
 */
import type { TableInfo } from '../../connectors/spi/index.js';
import { compareRuleIds } from '../../mapping-rules/rule-json.js';
import { failRule, MappingError, ruleLabel } from './mapping-error.js';
import type { MappingPlan, MappingRule, SelectionRule, TableMappings, TablePlan, TableSettingsRule, TransformationRule } from './plan-types.js';
import { selectTables } from './selection.js';
import { planTable, type PlanContext } from './table-plan.js';

/** What buildPlan needs besides the rules and the catalog. */
export interface BuildPlanOptions {
  /**
   * TargetMetadata.TargetSchema: when set (non-empty), tables land in this schema instead of
   * their source schema, except where a schema transformation rule names the schema (the
   * rule, being specific to its objects, wins over the task-wide setting).
   */
  readonly targetSchema?: string;
  readonly targetEngine: 'postgres' | 'mysql';
}

/** Higher load-order first; ties by source schema, then table name (code point order, locale-free). */
function byLoadOrder(a: TablePlan, b: TablePlan): number {
  if (a.loadOrder !== b.loadOrder) return b.loadOrder - a.loadOrder;
  const ka = [a.source.schema, a.source.name];
  const kb = [b.source.schema, b.source.name];
  for (let i = 0; i < 2; i++) {
    const x = ka[i] as string;
    const y = kb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** DMS refuses two source tables in one target table ("The object names must be unique"). */
function refuseManyToOne(plans: readonly TablePlan[], transformations: readonly TransformationRule[]): void {
  const seen = new Map<string, TablePlan>();
  for (const p of plans) {
    const key = `${p.target.schema}\u0000${p.target.name}`;
    const twin = seen.get(key);
    if (!twin) {
      seen.set(key, p);
      continue;
    }
    const renaming = transformations.filter((r) => r.ruleTarget !== 'column' && (p.ruleIds.includes(r.ruleId) || twin.ruleIds.includes(r.ruleId)));
    const problem =
      `source tables ${twin.source.schema}.${twin.source.name} and ${p.source.schema}.${p.source.name} would both load into target table ` +
      `${p.target.schema}.${p.target.name}; DMS does not replicate two source tables into one target table: give them different target names` +
      (renaming.length ? ` (rules that shape these names: ${renaming.map((r) => r.ruleId).join(', ')})` : ', or exclude one');
    const last = renaming.at(-1);
    if (last) failRule(last, problem);
    throw new MappingError(problem);
  }
}

/**
 * Builds the plan of a run from validated mappings and the source catalog.
 * @throws MappingError (naming the rule) when the rules cannot be applied to these tables:
 *   a column rule naming a missing column, two source tables or columns with one target
 *   name, a name too long for the target engine, settings on unusable columns.
 */
export function buildPlan(mappings: TableMappings, catalog: readonly TableInfo[], opts: BuildPlanOptions): MappingPlan {
  const selection = mappings.rules.filter((r): r is SelectionRule => r.ruleType === 'selection');
  const all = mappings.rules.filter((r): r is TransformationRule => r.ruleType === 'transformation');
  // Transformations apply in rule order: by numeric rule-id (how the console lists rules).
  const transformations = all.filter((r) => r.ruleTarget !== 'table-tablespace' && r.ruleTarget !== 'index-tablespace').sort((a, b) => compareRuleIds(a.ruleId, b.ruleId));
  const settings = mappings.rules.filter((r): r is TableSettingsRule => r.ruleType === 'table-settings');

  const { selected, notes } = selectTables(selection, catalog);
  const used = new Set<MappingRule>();
  const ctx: PlanContext = {
    transformations,
    settings,
    ...(opts.targetSchema ? { targetSchema: opts.targetSchema } : {}),
    targetEngine: opts.targetEngine,
    used,
    notes,
  };
  const tables = selected.map((s) => planTable(s, ctx));
  refuseManyToOne(tables, transformations);

  for (const r of all) {
    if (r.ruleTarget === 'table-tablespace' || r.ruleTarget === 'index-tablespace') {
      notes.push(`transformation ${ruleLabel(r)} renames an Oracle ${r.ruleTarget}; ignored (${opts.targetEngine === 'mysql' ? 'MySQL' : 'PostgreSQL'} targets have none)`);
    } else if (!used.has(r)) {
      notes.push(`transformation ${ruleLabel(r)} (${r.ruleAction} on ${r.ruleTarget}) matched nothing among the selected tables`);
    }
  }
  for (const r of settings) {
    if (!used.has(r)) notes.push(`table-settings ${ruleLabel(r)} names ${r.objectLocator.schemaName}.${r.objectLocator.tableName}, which is not among the selected tables`);
  }
  return { tables: [...tables].sort(byLoadOrder), notes };
}
