/**
 * The plan of one selected table: its target schema and name, columns, key, filters and
 * settings, from the transformation and table-settings rules that name it.
 */
import { isLob, type ColumnInfo, type NeutralType, type TableInfo } from '../../connectors/spi/index.js';
import { dmsNamesOf, MYSQL_MAX_DECIMAL, neutralOf } from '../../mapping-rules/dms-data-types.js';
import { applyNameAction } from '../../mapping-rules/name-actions.js';
import { compareRuleIds } from '../../mapping-rules/rule-json.js';
import { namesOne } from '../../mapping-rules/wildcard.js';
import { expressionReferences, isDmsMetadataName } from './expression.js';
import { columnKey, identifierProblem } from './identifiers.js';
import { sourceKeyOf } from './keys.js';
import { failRule, MappingError } from './mapping-error.js';
import type { ColumnPlan, MappingRule, TablePlan, TableSettingsRule, TransformationRule } from './plan-types.js';
import type { SelectedTable } from './selection.js';
import { isNameAction, ruleMatchesColumn, ruleMatchesTable } from './transformations.js';

/** What every table's plan is built from. */
export interface PlanContext {
  /** In rule order (numeric rule-id). */
  readonly transformations: readonly TransformationRule[];
  readonly settings: readonly TableSettingsRule[];
  /** TargetMetadata.TargetSchema; '' or undefined means "the source schema". */
  readonly targetSchema?: string;
  readonly targetEngine: 'postgres' | 'mysql';
  /** Rules that applied to at least one selected table or column, for notes on the others. */
  readonly used: Set<MappingRule>;
  readonly notes: string[];
}

const qualified = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/** Folds the name actions of `rules` over `start`, refusing a rule that leaves no name. */
function applyNames(rules: readonly TransformationRule[], start: string, what: string): { name: string; last?: TransformationRule } {
  let name = start;
  let last: TransformationRule | undefined;
  for (const r of rules) {
    const next = applyNameAction(r.ruleAction, name, r.value, r.oldValue);
    if (next.length === 0) failRule(r, `rule-action '${r.ruleAction}' turns ${what} ('${name}') into an empty name; change its value`);
    if (next !== name || r.ruleAction === 'rename') last = r;
    name = next;
  }
  return last ? { name, last } : { name };
}

/** Fails when a target name breaks the target engine's identifier limit, naming the rule that made it. */
function checkIdentifier(name: string, what: string, by: TransformationRule | undefined, engine: 'postgres' | 'mysql'): void {
  const problem = identifierProblem(name, engine);
  if (!problem) return;
  if (by) failRule(by, `the target ${what} name '${name}' ${problem}; choose a shorter value`);
  throw new MappingError(`the target ${what} name '${name}' ${problem}; add a transformation rule that renames it`);
}

function checkTypeForEngine(rule: TransformationRule, type: NeutralType, engine: 'postgres' | 'mysql'): void {
  if (engine === 'mysql' && type.kind === 'decimal' && (type.precision ?? 0) > MYSQL_MAX_DECIMAL) {
    failRule(rule, `numeric precision ${type.precision} is more than a MySQL target holds (${MYSQL_MAX_DECIMAL})`);
  }
}

function columnList(t: TableInfo): string {
  return t.columns.map((c) => c.name).join(', ');
}

/** Fails when a column rule names exactly one column of exactly one table and that column is not there. */
function checkNamedColumn(r: TransformationRule, t: TableInfo): void {
  const loc = r.objectLocator;
  if (r.ruleAction === 'add-column' || loc.columnName === undefined) return;
  if (!namesOne(loc.tableName ?? '%') || !namesOne(loc.columnName)) return;
  if (t.columns.some((c) => ruleMatchesColumn(r, c))) return;
  const same = t.columns.find((c) => c.name === loc.columnName);
  if (same && loc.dataType !== undefined) {
    failRule(r, `column '${same.name}' of ${qualified(t)} is of DMS type ${dmsNamesOf(same.type).join('/')}, not '${loc.dataType}' as object-locator.data-type says`);
  }
  failRule(r, `column '${loc.columnName}' does not exist in ${qualified(t)}; its columns are ${columnList(t)} (names are case-sensitive)`);
}

interface Columns {
  readonly columns: ColumnPlan[];
  /** Source column name -> target name, for the columns the target keeps. */
  readonly targetOf: Map<string, string>;
  /** Source columns dropped, with the rule that dropped them. */
  readonly removedBy: Map<string, TransformationRule>;
}

function planColumns(t: TableInfo, rules: readonly TransformationRule[], ctx: PlanContext): Columns {
  for (const r of rules) checkNamedColumn(r, t);
  const includeRules = rules.filter((r) => r.ruleAction === 'include-column');
  const columns: ColumnPlan[] = [];
  const targetOf = new Map<string, string>();
  const removedBy = new Map<string, TransformationRule>();
  const seen = new Map<string, { name: string; by?: TransformationRule }>();
  const claim = (name: string, by: TransformationRule | undefined, source: string): void => {
    checkIdentifier(name, `column (of ${qualified(t)})`, by, ctx.targetEngine);
    const key = columnKey(name, ctx.targetEngine);
    const twin = seen.get(key);
    if (twin) {
      const clash = `${source} and ${twin.name === name ? 'another column' : `column '${twin.name}'`} would both become column '${name}' in the target table of ${qualified(t)}` +
        (ctx.targetEngine === 'mysql' && twin.name !== name ? ' (MySQL column names ignore case)' : '') +
        '; DMS needs unique target column names: change the rule or add a rename';
      const rule = by ?? twin.by;
      if (rule) failRule(rule, clash);
      throw new MappingError(clash);
    }
    seen.set(key, { name, ...(by ? { by } : {}) });
  };

  for (const c of t.columns) {
    const hits = rules.filter((r) => r.ruleAction !== 'add-column' && ruleMatchesColumn(r, c));
    for (const r of hits) ctx.used.add(r);
    const removal = hits.find((r) => r.ruleAction === 'remove-column');
    // include-column: once any rule of this table keeps columns by name, only those stay.
    const notIncluded = includeRules.length > 0 && !hits.some((r) => r.ruleAction === 'include-column') ? includeRules[0] : undefined;
    const dropped = removal ?? notIncluded;
    if (dropped) {
      for (const r of includeRules) ctx.used.add(r);
      removedBy.set(c.name, dropped);
      continue;
    }
    const { name, last } = applyNames(hits.filter(isNameAction), c.name, `the name of column '${c.name}' of ${qualified(t)}`);
    const change = hits.filter((r) => r.ruleAction === 'change-data-type').at(-1);
    const targetType = change?.dataType ? neutralOf(change.dataType) : c.type;
    if (change) checkTypeForEngine(change, targetType, ctx.targetEngine);
    claim(name, last, `source column '${c.name}'`);
    targetOf.set(c.name, name);
    columns.push(sourceColumn(c, name, targetType));
  }

  for (const r of rules.filter((x) => x.ruleAction === 'add-column')) {
    ctx.used.add(r);
    const name = r.value ?? '';
    for (const ref of expressionReferences(r.expression ?? '')) {
      if (isDmsMetadataName(ref) || t.columns.some((c) => c.name === ref)) continue;
      failRule(r, `expression refers to $${ref}, which is not a column of ${qualified(t)}; its columns are ${columnList(t)} (expressions use source column names, case-sensitive)`);
    }
    // parseTableMappings guarantees a data-type; mappings built by hand may lack one.
    if (!r.dataType) failRule(r, `'data-type' is missing; rule-action 'add-column' needs one`);
    const targetType = neutralOf(r.dataType);
    checkTypeForEngine(r, targetType, ctx.targetEngine);
    claim(name, r, `added column '${name}'`);
    columns.push(
      r.expression !== undefined
        ? { kind: 'added', targetName: name, targetType, nullable: true, expression: r.expression }
        : // Without an expression DMS adds the column empty: NULL in every row.
          { kind: 'added', targetName: name, targetType, nullable: true, value: null },
    );
  }

  if (!columns.some((c) => c.kind === 'source')) {
    const by = [...new Set(removedBy.values())][0];
    const problem = `no column of ${qualified(t)} is left to load (${columnList(t)} are all removed); keep at least one`;
    if (by) failRule(by, problem);
    throw new MappingError(`table ${qualified(t)} has no columns to load`);
  }
  return { columns, targetOf, removedBy };
}

function sourceColumn(c: ColumnInfo, targetName: string, targetType: NeutralType): ColumnPlan {
  // A LOB is a property of the source value (what limited LOB mode cuts as it reads), so it
  // follows the source type even when change-data-type gives the target a bounded one.
  return { kind: 'source', sourceName: c.name, targetName, sourceType: c.type, targetType, nullable: c.nullable, isLob: isLob(c.type) };
}

/**
 * define-primary-key columns may be written as target names (after renames, what the target
 * table has) or as source names: a target name wins when both fit.
 */
function resolveKeyColumn(r: TransformationRule, name: string, t: TableInfo, cols: Columns): string {
  if (cols.columns.some((c) => c.targetName === name)) return name;
  const fromSource = cols.targetOf.get(name);
  if (fromSource !== undefined) return fromSource;
  const removed = cols.removedBy.get(name);
  if (removed) failRule(r, `primary-key-def column '${name}' of ${qualified(t)} is removed by ${removed.ruleId === r.ruleId ? 'this rule' : `rule ${removed.ruleId}`}; a key column must stay in the target`);
  return failRule(r, `primary-key-def column '${name}' does not exist in ${qualified(t)}; its target columns are ${cols.columns.map((c) => c.targetName).join(', ')}`);
}

function planKey(t: TableInfo, tableRules: readonly TransformationRule[], cols: Columns, ctx: PlanContext): { primaryKey: string[]; sourceKey: readonly string[] } {
  const key = sourceKeyOf(t);
  const defs = tableRules.filter((r) => r.ruleAction === 'define-primary-key');
  if (defs.length > 1) {
    const [first, second] = defs as [TransformationRule, TransformationRule];
    failRule(second, `${qualified(t)} already has its primary key defined by rule ${first.ruleId}; DMS allows one action per object`);
  }
  const def = defs[0];
  if (def?.primaryKeyDef) {
    ctx.used.add(def);
    return { primaryKey: def.primaryKeyDef.columns.map((c) => resolveKeyColumn(def, c, t, cols)), sourceKey: key.columns };
  }
  const removed = key.columns.find((k) => !cols.targetOf.has(k));
  if (removed !== undefined) {
    const by = cols.removedBy.get(removed);
    ctx.notes.push(`${qualified(t)}: key column '${removed}' is removed${by ? ` by rule ${by.ruleId}` : ''}, so the target table gets no primary key (define one with a define-primary-key rule)`);
    return { primaryKey: [], sourceKey: key.columns };
  }
  if (key.nullable) {
    ctx.notes.push(`${qualified(t)}: no primary key, and its unique key (${key.columns.join(', ')}) allows NULLs, so the target table gets no primary key`);
    return { primaryKey: [], sourceKey: key.columns };
  }
  return { primaryKey: key.columns.map((k) => cols.targetOf.get(k) as string), sourceKey: key.columns };
}

/** Types DMS refuses as range boundaries ("DOUBLE, FLOAT, BLOB, CLOB, and NCLOB"). */
function badRangeType(type: NeutralType): boolean {
  return type.kind === 'float' || isLob(type);
}

function planSettings(t: TableInfo, ctx: PlanContext): Pick<TablePlan, 'ranges' | 'parallelLoad' | 'lob'> & { rules: TableSettingsRule[] } {
  const mine = ctx.settings.filter((r) => r.objectLocator.schemaName === t.schema && r.objectLocator.tableName === t.name);
  let parallel: TableSettingsRule | undefined;
  let lobRule: TableSettingsRule | undefined;
  for (const r of mine) {
    ctx.used.add(r);
    if (r.parallelLoad) {
      if (parallel) failRule(r, `${qualified(t)} already has parallel-load from rule ${parallel.ruleId}; give each table one parallel-load`);
      parallel = r;
    }
    if (r.lobSettings) {
      if (lobRule) failRule(r, `${qualified(t)} already has lob-settings from rule ${lobRule.ruleId}; give each table one lob-settings`);
      lobRule = r;
    }
  }
  const out: { ranges?: TablePlan['ranges']; parallelLoad?: TablePlan['parallelLoad']; lob?: TablePlan['lob']; rules: TableSettingsRule[] } = { rules: mine };
  const pl = parallel?.parallelLoad;
  if (parallel && pl?.type === 'ranges') {
    for (const name of pl.columns) {
      const c = t.columns.find((x) => x.name === name);
      if (!c) failRule(parallel, `parallel-load column '${name}' does not exist in ${qualified(t)}; its columns are ${columnList(t)} (names are case-sensitive)`);
      if (badRangeType(c.type)) failRule(parallel, `parallel-load column '${name}' of ${qualified(t)} is a ${c.nativeType} column; DMS cannot bound ranges on floating-point or LOB columns: use an integer, decimal, string or date column`);
    }
    out.ranges = { columns: pl.columns, boundaries: pl.boundaries };
  } else if (pl && pl.type !== 'ranges') out.parallelLoad = pl.type;
  if (lobRule?.lobSettings) out.lob = lobRule.lobSettings;
  return out;
}

/** The plan of one selected table. Fails (naming the rule) on what cannot be loaded. */
export function planTable(sel: SelectedTable, ctx: PlanContext): TablePlan {
  const t = sel.table;
  const matching = ctx.transformations.filter((r) => ruleMatchesTable(r, t));
  for (const r of matching) if (r.ruleTarget !== 'column' && r.ruleAction !== 'define-primary-key') ctx.used.add(r);

  // Schema rules decide the target schema when one matches; TargetMetadata.TargetSchema only
  // replaces the source schema of tables no schema rule names. The guide says TargetSchema is
  // "the target table schema name" used instead of the source's; it is silent on the mix, and
  // a rule names its objects while the setting is task-wide, so the rule is the more specific.
  const schemaRules = matching.filter((r) => r.ruleTarget === 'schema');
  const schema: { name: string; last?: TransformationRule } =
    schemaRules.length > 0 || !ctx.targetSchema ? applyNames(schemaRules, t.schema, `the schema name of ${qualified(t)}`) : { name: ctx.targetSchema };
  checkIdentifier(schema.name, 'schema', schema.last, ctx.targetEngine);
  const table = applyNames(
    matching.filter((r) => r.ruleTarget === 'table' && isNameAction(r)),
    t.name,
    `the name of table ${qualified(t)}`,
  );
  checkIdentifier(table.name, 'table', table.last, ctx.targetEngine);

  const columnRules = matching.filter((r) => r.ruleTarget === 'column');
  const cols = planColumns(t, columnRules, ctx);
  const key = planKey(t, matching.filter((r) => r.ruleTarget === 'table'), cols, ctx);
  const settings = planSettings(t, ctx);

  const shaping = new Set<string>(sel.ruleIds);
  for (const r of matching) if (ctx.used.has(r) && (r.ruleTarget !== 'column' || touchesColumns(r, t))) shaping.add(r.ruleId);
  for (const r of settings.rules) shaping.add(r.ruleId);

  return {
    source: { schema: t.schema, name: t.name },
    target: { schema: schema.name, name: table.name },
    loadOrder: sel.loadOrder,
    columns: cols.columns,
    filters: sel.filters,
    primaryKey: key.primaryKey,
    sourceKey: key.sourceKey,
    ...(settings.ranges ? { ranges: settings.ranges } : {}),
    ...(settings.parallelLoad ? { parallelLoad: settings.parallelLoad } : {}),
    ...(settings.lob ? { lob: settings.lob } : {}),
    ruleIds: [...shaping].sort(compareRuleIds),
  };
}

/** True when a column rule did something to this table: added a column or matched one of its columns. */
function touchesColumns(r: TransformationRule, t: TableInfo): boolean {
  return r.ruleAction === 'add-column' || r.ruleAction === 'include-column' || t.columns.some((c) => ruleMatchesColumn(r, c));
}
