/** Small synthetic catalogs and rule builders for the mapping tests (test/unit/mapping-*.test.ts). */
import assert from 'node:assert/strict';
import type { ColumnInfo, NeutralType, TableInfo } from '../../src/connectors/spi/index.js';
import { buildPlan, MappingError, parseTableMappings, type MappingPlan, type TablePlan } from '../../src/engine/mapping/index.js';

export const INT4: NeutralType = { kind: 'int', bytes: 4, unsigned: false };
export const INT8: NeutralType = { kind: 'int', bytes: 8, unsigned: false };
export const TEXT: NeutralType = { kind: 'text' };
export const VARCHAR: NeutralType = { kind: 'varchar', length: 50 };
export const FLOAT8: NeutralType = { kind: 'float', bytes: 8 };

export function col(name: string, type: NeutralType = INT4, nullable = true): ColumnInfo {
  return { name, nativeType: type.kind, type, nullable, generated: false };
}

/** A table whose columns are given as names (int4) or ColumnInfo; the first column is the key unless `pk` says otherwise. */
export function table(
  schema: string,
  name: string,
  columns: readonly (string | ColumnInfo)[] = ['id', 'name'],
  opts: { kind?: 'table' | 'view'; pk?: string[]; unique?: string[][] } = {},
): TableInfo {
  const cols = columns.map((c) => (typeof c === 'string' ? col(c, c === 'id' ? INT4 : VARCHAR, c !== 'id') : c));
  const kind = opts.kind ?? 'table';
  const pk = opts.pk ?? (kind === 'table' && cols[0] ? [cols[0].name] : []);
  return { schema, name, kind, columns: cols, primaryKey: pk, uniqueKeys: opts.unique ?? [], estimatedRows: 10, estimatedBytes: 1000 };
}

type Rule = Record<string, unknown>;

export function include(id: number | string, schema: string, tableName: string, extra: Rule = {}): Rule {
  return { 'rule-type': 'selection', 'rule-id': String(id), 'rule-name': String(id), 'object-locator': { 'schema-name': schema, 'table-name': tableName }, 'rule-action': 'include', ...extra };
}

export function selection(id: number | string, action: string, locator: Rule, extra: Rule = {}): Rule {
  return { 'rule-type': 'selection', 'rule-id': String(id), 'rule-name': String(id), 'object-locator': locator, 'rule-action': action, ...extra };
}

export function transform(id: number | string, target: string, action: string, locator: Rule, extra: Rule = {}): Rule {
  return { 'rule-type': 'transformation', 'rule-id': String(id), 'rule-name': String(id), 'rule-target': target, 'rule-action': action, 'object-locator': locator, ...extra };
}

export function settings(id: number | string, schema: string, tableName: string, extra: Rule): Rule {
  return { 'rule-type': 'table-settings', 'rule-id': String(id), 'rule-name': String(id), 'object-locator': { 'schema-name': schema, 'table-name': tableName }, ...extra };
}

export function doc(...rules: Rule[]): string {
  return JSON.stringify({ rules });
}

export function plan(rules: Rule[], catalog: TableInfo[], opts: { targetSchema?: string; targetEngine?: 'postgres' | 'mysql' } = {}): MappingPlan {
  return buildPlan(parseTableMappings(doc(...rules)), catalog, { targetEngine: 'postgres', ...opts });
}

/** The plan of the one table with this source name. */
export function tableOf(p: MappingPlan, schema: string, name: string): TablePlan {
  const t = p.tables.find((x) => x.source.schema === schema && x.source.name === name);
  assert.ok(t, `no plan for ${schema}.${name}; planned: ${p.tables.map((x) => `${x.source.schema}.${x.source.name}`).join(', ')}`);
  return t;
}

export function names(p: MappingPlan): string[] {
  return p.tables.map((t) => `${t.source.schema}.${t.source.name}`);
}

/** Asserts that parsing fails with a MappingError whose message matches every pattern (and names ruleId). */
export function parseFails(json: string, patterns: RegExp[], ruleId?: string): MappingError {
  let caught: unknown;
  try {
    parseTableMappings(json);
  } catch (err) {
    caught = err;
  }
  return checkError(caught, patterns, ruleId);
}

export function planFails(rules: Rule[], catalog: TableInfo[], patterns: RegExp[], ruleId?: string, opts: { targetSchema?: string; targetEngine?: 'postgres' | 'mysql' } = {}): MappingError {
  const mappings = parseTableMappings(doc(...rules));
  let caught: unknown;
  try {
    buildPlan(mappings, catalog, { targetEngine: 'postgres', ...opts });
  } catch (err) {
    caught = err;
  }
  return checkError(caught, patterns, ruleId);
}

function checkError(caught: unknown, patterns: RegExp[], ruleId: string | undefined): MappingError {
  assert.ok(caught instanceof MappingError, `expected a MappingError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  if (ruleId !== undefined) {
    assert.equal(caught.ruleId, ruleId);
    assert.match(caught.message, new RegExp(`^rule ${ruleId} \\(rule-name '`));
  }
  return caught;
}
