/**
 * Applies a project's transformation rules to a converted model. Locators name SOURCE
 * objects (the source model), actions change TARGET names (the converted model, found through
 * the conversion report or by name), and every rename follows its references: foreign keys of
 * every table, key, index and trigger columns, sequence owners, and table-local expressions
 * (CHECK, generated columns, index expressions). View bodies are left as they are, with a
 * warning on each view that mentions a renamed object: rewriting arbitrary SQL by name risks
 * changing what it means.
 */
import type { NeutralType } from '../connectors/spi/data-types.js';
import { MYSQL_MAX_DECIMAL, neutralOf } from '../mapping-rules/dms-data-types.js';
import { applyNameAction } from '../mapping-rules/name-actions.js';
import type { ConversionIssue, ConversionResult, ConversionStatus, Dialect, ObjectReport, SchemaModel, TableDef } from './model.js';
import { renderMysqlType } from './mysql/mysql-type-names.js';
import { renderPostgresType } from './postgres/postgres-type-names.js';
import { failRule, type RuleRef } from './rules/rule-json.js';
import { quoteIdentifier, tokenize } from './sql/tokenizer.js';
import {
  ruleMatchesColumn,
  ruleMatchesSchema,
  ruleMatchesTable,
  type TransformationRule,
  type TransformationRules,
} from './transformation-rules.js';

export type TransformationResult = ConversionResult;

const MEMBER = 'TransformationRules';
const refOf = (r: TransformationRule): RuleRef => ({ member: MEMBER, ruleId: r.ruleId, ruleName: r.ruleName });

interface Renamed {
  /** The target name the converter gave. */
  readonly old: string;
  /** The name after the rules. */
  readonly name: string;
  /** The last rule that changed it. */
  readonly by?: TransformationRule;
}

interface ColumnLink extends Renamed {
  readonly source: string;
  readonly newType?: { readonly type: NeutralType; readonly by: TransformationRule };
}

interface TableLink extends Renamed {
  readonly source: string;
  readonly kind: 'table' | 'view';
  readonly columns: ColumnLink[];
}

interface SchemaLink extends Renamed {
  readonly source: string;
  readonly tables: TableLink[];
}

/** PostgreSQL identifiers hold 63 bytes, MySQL's 64 characters. */
function identifierProblem(name: string, dialect: Dialect): string | undefined {
  if (dialect === 'postgres') {
    const bytes = new TextEncoder().encode(name).length;
    return bytes > 63 ? `is ${bytes} bytes long; PostgreSQL identifiers hold at most 63 bytes` : undefined;
  }
  const chars = [...name].length;
  return chars > 64 ? `is ${chars} characters long; MySQL identifiers hold at most 64 characters` : undefined;
}

/** Folds the name actions of `rules` over `start`, refusing a rule that leaves no name or too long a name. */
function fold(rules: readonly TransformationRule[], start: string, what: string, dialect: Dialect): { name: string; by?: TransformationRule } {
  let name = start;
  let by: TransformationRule | undefined;
  for (const r of rules) {
    if (r.action === 'change-data-type') continue;
    const next = applyNameAction(r.action, name, r.value, r.oldValue);
    if (next.length === 0) failRule(refOf(r), `rule-action '${r.action}' turns ${what} ('${name}') into an empty name; change its value`);
    if (next !== name || r.action === 'rename') by = r;
    name = next;
  }
  if (by) {
    const problem = identifierProblem(name, dialect);
    if (problem) failRule(refOf(by), `the target name '${name}' of ${what} ${problem}; choose a shorter value`);
  }
  return by ? { name, by } : { name };
}

/** The item named `reported` (the report's target name), else `source` exactly, else `source` ignoring case when that is unambiguous. */
function findByName<T extends { name: string }>(items: readonly T[], source: string, reported: string | undefined): T | undefined {
  if (reported !== undefined) {
    const hit = items.find((i) => i.name === reported);
    if (hit) return hit;
  }
  const exact = items.find((i) => i.name === source);
  if (exact) return exact;
  const folded = items.filter((i) => i.name.toLowerCase() === source.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function reported(report: readonly ObjectReport[], type: ObjectReport['objectType'], schema: string, name: string, table?: string): ObjectReport | undefined {
  return report.find((o) => o.objectType === type && o.schema === schema && o.name === name && (table === undefined || o.table === table));
}

/** Links every source schema, table, view and column to its target and computes the names the rules give. */
function link(source: SchemaModel, target: SchemaModel, report: readonly ObjectReport[], rules: readonly TransformationRule[]): SchemaLink[] {
  const dialect = target.dialect;
  const links: SchemaLink[] = [];
  for (const s of source.schemas) {
    const own = reported(report, 'schema', s.name, s.name);
    const reportedName = own?.targetName ?? own?.targetSchema ?? report.find((o) => o.schema === s.name && o.targetSchema !== undefined)?.targetSchema;
    const ts = findByName(target.schemas, s.name, reportedName);
    if (!ts) continue;
    const schemaRules = rules.filter((r) => r.target === 'schema' && ruleMatchesSchema(r, s.name));
    const sName = fold(schemaRules, ts.name, `schema ${s.name}`, dialect);
    const tables: TableLink[] = [];
    const objects = [...s.tables.map((t) => ({ def: t as TableDef | undefined, name: t.name, kind: 'table' as const })), ...s.views.map((v) => ({ def: undefined, name: v.name, kind: 'view' as const }))];
    for (const o of objects) {
      const targets: readonly { name: string }[] = o.kind === 'table' ? ts.tables : ts.views;
      const tt = findByName(targets, o.name, reported(report, o.kind, s.name, o.name)?.targetName);
      if (!tt) continue;
      const tableRules = rules.filter((r) => r.target === 'table' && ruleMatchesTable(r, s.name, o.name, o.kind));
      const tName = fold(tableRules, tt.name, `${o.kind} ${s.name}.${o.name}`, dialect);
      const columns: ColumnLink[] = [];
      const tdef = o.kind === 'table' ? ts.tables.find((t) => t.name === tt.name) : undefined;
      if (o.def && tdef) {
        const colRules = rules.filter((r) => r.target === 'column' && ruleMatchesTable(r, s.name, o.name, o.kind));
        for (const c of o.def.columns) {
          const tc = findByName(tdef.columns, c.name, reported(report, 'column', s.name, c.name, o.name)?.targetName);
          if (!tc) continue;
          const mine = colRules.filter((r) => ruleMatchesColumn(r, c.name, c.type));
          const cName = fold(mine, tc.name, `column ${s.name}.${o.name}.${c.name}`, dialect);
          const typeRule = mine.filter((r) => r.action === 'change-data-type').at(-1);
          let newType: ColumnLink['newType'];
          if (typeRule?.dataType) {
            const type = neutralOf(typeRule.dataType);
            if (dialect === 'mysql' && type.kind === 'decimal' && (type.precision ?? 0) > MYSQL_MAX_DECIMAL) {
              failRule(refOf(typeRule), `numeric precision ${type.precision} is more than a MySQL target holds (${MYSQL_MAX_DECIMAL})`);
            }
            newType = { type, by: typeRule };
          }
          columns.push({ source: c.name, old: tc.name, ...cName, ...(newType ? { newType } : {}) });
        }
      }
      tables.push({ source: o.name, kind: o.kind, old: tt.name, ...tName, columns });
    }
    links.push({ source: s.name, old: ts.name, ...sName, tables });
  }
  return links;
}

/** Refuses two objects that the rules would give one name. */
function refuseCollisions(target: SchemaModel, links: readonly SchemaLink[]): void {
  const dialect = target.dialect;
  const fail = (by: TransformationRule | undefined, problem: string): never => {
    if (by) failRule(refOf(by), problem);
    return failRule({ member: MEMBER }, problem);
  };
  const schemaName = (old: string): string => links.find((l) => l.old === old)?.name ?? old;
  const seenSchemas = new Map<string, string>();
  for (const s of target.schemas) {
    const name = schemaName(s.name);
    const twin = seenSchemas.get(name);
    if (twin !== undefined) fail(links.find((l) => l.old === s.name || l.old === twin)?.by, `target schemas '${twin}' and '${s.name}' would both be named '${name}'; give them different names`);
    seenSchemas.set(name, s.name);
  }
  for (const s of target.schemas) {
    const sl = links.find((l) => l.old === s.name);
    const tableName = (old: string): TableLink | undefined => sl?.tables.find((t) => t.old === old);
    // Tables and views share one namespace in both engines.
    const seen = new Map<string, string>();
    for (const old of [...s.tables.map((t) => t.name), ...s.views.map((v) => v.name)]) {
      const tl = tableName(old);
      const name = tl?.name ?? old;
      const twin = seen.get(name);
      if (twin !== undefined) fail(tl?.by ?? tableName(twin)?.by, `target objects '${twin}' and '${old}' of schema '${schemaName(s.name)}' would both be named '${name}'; give them different names`);
      seen.set(name, old);
    }
    for (const t of s.tables) {
      const tl = tableName(t.name);
      const cols = new Map<string, string>();
      for (const c of t.columns) {
        const cl = tl?.columns.find((x) => x.old === c.name);
        const name = cl?.name ?? c.name;
        // MySQL column names are case-insensitive: Id and id are one column there.
        const key = dialect === 'mysql' ? name.toLowerCase() : name;
        const twin = cols.get(key);
        if (twin !== undefined) fail(cl?.by ?? tl?.columns.find((x) => x.old === twin)?.by, `columns '${twin}' and '${c.name}' of target table '${tl?.name ?? t.name}' would both be named '${name}'; give them different names`);
        cols.set(key, c.name);
      }
    }
  }
}

/** Rewrites identifiers in a table-local expression (`renames`: old target column name -> new). */
function renameInExpression(sql: string, dialect: Dialect, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return sql;
  const tokens = tokenize(sql, dialect);
  const lowered = new Map([...renames].map(([k, v]) => [k.toLowerCase(), v]));
  return tokens
    .map((t, i) => {
      if (t.kind === 'quoted-id') {
        const to = renames.get(t.value);
        return to === undefined ? t.text : quoteIdentifier(to, dialect);
      }
      if (t.kind !== 'word') return t.text;
      // A word followed by '(' is a function call, not a column.
      const next = tokens.slice(i + 1).find((x) => x.kind !== 'space' && x.kind !== 'comment');
      if (next?.text === '(') return t.text;
      const to = lowered.get(t.text.toLowerCase());
      return to === undefined ? t.text : quoteIdentifier(to, dialect);
    })
    .join('');
}

/** Words and quoted identifiers of a SQL text, lower-cased, to see whether it mentions a name. */
function identifiersOf(sql: string, dialect: Dialect): Set<string> {
  const out = new Set<string>();
  for (const t of tokenize(sql, dialect)) {
    if (t.kind === 'word') out.add(t.text.toLowerCase());
    else if (t.kind === 'quoted-id') out.add(t.value.toLowerCase());
  }
  return out;
}

const renderType = (t: NeutralType, dialect: Dialect): string => (dialect === 'postgres' ? renderPostgresType(t) : renderMysqlType(t));

interface Notes {
  readonly issues: Map<string, ConversionIssue[]>;
}

function note(notes: Notes, key: string, issue: ConversionIssue): void {
  const list = notes.issues.get(key) ?? [];
  list.push(issue);
  notes.issues.set(key, list);
}

const reportKey = (type: string, schema: string, name: string, table?: string): string => [type, schema, table ?? '', name].join('\u0000');

/** The converted model with the rules applied (a new model) and the notes for the report. */
function rewrite(target: SchemaModel, links: readonly SchemaLink[], notes: Notes): SchemaModel {
  const dialect = target.dialect;
  const model = structuredClone(target);
  const schemaLink = (old: string): SchemaLink | undefined => links.find((l) => l.old === old);
  const tableLink = (schemaOld: string, old: string): TableLink | undefined => schemaLink(schemaOld)?.tables.find((t) => t.old === old);
  const colName = (schemaOld: string, tableOld: string, old: string): string => tableLink(schemaOld, tableOld)?.columns.find((c) => c.old === old)?.name ?? old;
  const renamedTables = links.flatMap((s) => s.tables.filter((t) => t.name !== t.old).map((t) => t.old.toLowerCase()));
  const renamedSchemas = links.filter((s) => s.name !== s.old).map((s) => s.old.toLowerCase());

  for (const s of model.schemas) {
    const sl = schemaLink(s.name);
    const oldSchema = s.name;
    for (const t of s.tables) {
      const tl = tableLink(oldSchema, t.name);
      const renames = new Map((tl?.columns ?? []).filter((c) => c.name !== c.old).map((c) => [c.old, c.name]));
      const col = (c: string): string => renames.get(c) ?? c;
      for (const c of t.columns) {
        const cl = tl?.columns.find((x) => x.old === c.name);
        if (cl?.newType) {
          c.type = cl.newType.type;
          c.nativeType = renderType(cl.newType.type, dialect);
          const key = reportKey('column', sl?.source ?? oldSchema, cl.source, tl?.source);
          note(notes, key, {
            severity: 'info',
            code: 'data-type-changed',
            message: `column ${tl?.source}.${cl.source} is created as ${c.nativeType} (transformation rule ${cl.newType.by.ruleId})`,
            action: 'No action needed.',
          });
          const inKey = [...t.foreignKeys.flatMap((f) => f.columns)].includes(c.name) || model.schemas.some((o) => o.tables.some((x) => x.foreignKeys.some((f) => f.refSchema === oldSchema && f.refTable === t.name && f.refColumns.includes(c.name))));
          if (c.default || c.identity || c.generated || inKey) {
            note(notes, key, {
              severity: 'warning',
              code: 'data-type-changed-dependents',
              message: `column ${tl?.source}.${cl.source} changed type by rule ${cl.newType.by.ruleId} and has ${[c.default ? 'a default' : '', c.identity ? 'an identity' : '', c.generated ? 'a generation expression' : '', inKey ? 'a foreign key' : ''].filter(Boolean).join(', ')}`,
              action: 'Check that the default, identity, expression or the other side of the foreign key suits the new type before applying the DDL.',
            });
          }
        }
        if (c.generated) c.generated = { ...c.generated, expression: renameInExpression(c.generated.expression, dialect, renames) };
        c.name = col(c.name);
      }
      if (t.primaryKey) t.primaryKey.columns = t.primaryKey.columns.map(col);
      for (const k of t.uniqueKeys) k.columns = k.columns.map(col);
      for (const ch of t.checks) ch.expression = renameInExpression(ch.expression, dialect, renames);
      t.indexes = t.indexes.map((ix) => ({
        ...ix,
        parts: ix.parts.map((p) => ({
          ...p,
          ...(p.column !== undefined ? { column: col(p.column) } : {}),
          ...(p.expression !== undefined ? { expression: renameInExpression(p.expression, dialect, renames) } : {}),
        })),
        ...(ix.where !== undefined ? { where: renameInExpression(ix.where, dialect, renames) } : {}),
      }));
      for (const fk of t.foreignKeys) {
        fk.columns = fk.columns.map(col);
        fk.refColumns = fk.refColumns.map((c) => colName(fk.refSchema, fk.refTable, c));
        fk.refTable = tableLink(fk.refSchema, fk.refTable)?.name ?? fk.refTable;
        fk.refSchema = schemaLink(fk.refSchema)?.name ?? fk.refSchema;
      }
      if (tl) t.name = tl.name;
    }
    for (const v of s.views) {
      const tl = tableLink(oldSchema, v.name);
      const ids = identifiersOf(v.query, dialect);
      const touched = [
        ...renamedTables.filter((n) => ids.has(n)),
        ...renamedSchemas.filter((n) => ids.has(n)),
        ...links.flatMap((l) => l.tables.filter((t) => ids.has(t.old.toLowerCase())).flatMap((t) => t.columns.filter((c) => c.name !== c.old && ids.has(c.old.toLowerCase())).map((c) => `${t.old}.${c.old}`))),
      ];
      if (touched.length > 0) {
        note(notes, reportKey('view', sl?.source ?? oldSchema, tl?.source ?? v.name), {
          severity: 'warning',
          code: 'view-references-renamed-object',
          message: `view ${v.name} uses ${[...new Set(touched)].join(', ')}, which transformation rules rename; its query is kept as written`,
          action: 'Edit the view query to use the new names before applying it to the target.',
        });
      }
      if (tl) v.name = tl.name;
    }
    for (const tr of s.triggers) {
      const tl = tableLink(oldSchema, tr.table);
      if (tl && tl.name !== tl.old) {
        note(notes, reportKey('trigger', sl?.source ?? oldSchema, tr.name), {
          severity: 'warning',
          code: 'trigger-table-renamed',
          message: `trigger ${tr.name} is on table ${tl.old}, which transformation rule ${tl.by?.ruleId} renames to ${tl.name}; its body is kept as written`,
          action: 'Use the new table name when you rewrite the trigger for the target.',
        });
        tr.table = tl.name;
      }
    }
    for (const q of s.sequences) {
      if (!q.ownedBy) continue;
      q.ownedBy = { table: tableLink(oldSchema, q.ownedBy.table)?.name ?? q.ownedBy.table, column: colName(oldSchema, q.ownedBy.table, q.ownedBy.column) };
    }
    if (sl) s.name = sl.name;
  }
  return model;
}

function worst(status: ConversionStatus, issues: readonly ConversionIssue[]): ConversionStatus {
  if (status === 'manual' || issues.some((i) => i.severity === 'error')) return 'manual';
  return status === 'converted-with-warnings' || issues.some((i) => i.severity === 'warning') ? 'converted-with-warnings' : 'converted';
}

function renameIssue(what: string, r: Renamed): ConversionIssue {
  return {
    severity: 'info',
    code: 'renamed-by-transformation-rule',
    message: `${what} is named ${r.name} in the target instead of ${r.old} (transformation rule ${r.by?.ruleId ?? '?'})`,
    action: 'No action needed.',
  };
}

/** The report with the new names and the notes. */
function updateReport(report: readonly ObjectReport[], links: readonly SchemaLink[], notes: Notes): ObjectReport[] {
  const out: ObjectReport[] = [];
  const used = new Set<string>();
  for (const e of report) {
    const sl = links.find((l) => l.source === e.schema);
    let targetSchema = e.targetSchema;
    let targetName = e.targetName;
    const issues = [...e.issues];
    const converted = e.status !== 'manual' || e.targetSchema !== undefined;
    if (sl && sl.name !== sl.old && converted) {
      targetSchema = sl.name;
      if (e.objectType === 'schema' && e.name === e.schema) {
        targetName = sl.name;
        issues.push(renameIssue(`schema ${e.schema}`, sl));
      }
    }
    if (sl && (e.objectType === 'table' || e.objectType === 'view') && e.table === undefined) {
      const tl = sl.tables.find((t) => t.source === e.name && t.kind === e.objectType);
      if (tl && tl.name !== tl.old && converted) {
        targetName = tl.name;
        issues.push(renameIssue(`${e.objectType} ${e.schema}.${e.name}`, tl));
      }
    }
    if (sl && e.objectType === 'column' && e.table !== undefined) {
      const cl = sl.tables.find((t) => t.source === e.table && t.kind === 'table')?.columns.find((c) => c.source === e.name);
      if (cl && cl.name !== cl.old && converted) {
        targetName = cl.name;
        issues.push(renameIssue(`column ${e.schema}.${e.table}.${e.name}`, cl));
      }
    }
    const key = reportKey(e.objectType, e.schema, e.name, e.objectType === 'column' ? e.table : undefined);
    const extra = notes.issues.get(key);
    if (extra && !used.has(key)) {
      issues.push(...extra);
      used.add(key);
    }
    out.push({
      ...e,
      ...(targetSchema !== undefined ? { targetSchema } : {}),
      ...(targetName !== undefined ? { targetName } : {}),
      status: worst(e.status, issues),
      issues,
    });
  }
  // Notes about objects the converter did not list get a line of their own.
  for (const [key, issues] of notes.issues) {
    if (used.has(key)) continue;
    const [type, schema, table, name] = key.split('\u0000') as [ObjectReport['objectType'], string, string, string];
    out.push({ objectType: type, schema, name, ...(table ? { table } : {}), status: worst('converted', issues), issues });
  }
  return out;
}

/**
 * Applies transformation rules to a conversion result.
 * @param source the model that was converted (locators match its names).
 * @throws ApiError InvalidParameterValueException naming the rule when the rules cannot apply
 *   (an empty or too long name, two objects with one name, a type the target cannot hold).
 */
export function applyTransformationRules(source: SchemaModel, converted: ConversionResult, rules: TransformationRules): ConversionResult {
  if (rules.rules.length === 0) return converted;
  const links = link(source, converted.model, converted.report, rules.rules);
  refuseCollisions(converted.model, links);
  const notes: Notes = { issues: new Map() };
  const model = rewrite(converted.model, links, notes);
  return { model, report: updateReport(converted.report, links, notes) };
}

