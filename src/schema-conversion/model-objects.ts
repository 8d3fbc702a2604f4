/**
 * The objects of a schema as the metadata tree and the selection rules see them: each with a
 * kind, a category (the tree's folder under the schema) and the object-locator key that names
 * it. Columns, keys and indexes belong to their table and are never selected on their own.
 */
import type { SchemaDef } from './model.js';

export type ModelObjectKind = 'table' | 'view' | 'procedure' | 'function' | 'trigger' | 'sequence' | 'type';

export const OBJECT_KINDS: readonly ModelObjectKind[] = ['table', 'view', 'function', 'procedure', 'sequence', 'trigger', 'type'];

/** The category (tree folder) of each kind, in the order the tree lists them. */
export const CATEGORY_OF: Readonly<Record<ModelObjectKind, string>> = {
  table: 'Tables',
  view: 'Views',
  function: 'Functions',
  procedure: 'Procedures',
  sequence: 'Sequences',
  trigger: 'Triggers',
  type: 'Types',
};

/** The object-locator key naming an object of each kind. */
export const LOCATOR_KEY_OF: Readonly<Record<ModelObjectKind, string>> = {
  table: 'table-name',
  view: 'view-name',
  function: 'function-name',
  procedure: 'procedure-name',
  sequence: 'sequence-name',
  trigger: 'trigger-name',
  type: 'type-name',
};

/** One selectable object of a model. */
export interface ModelObjectRef {
  readonly schema: string;
  readonly kind: ModelObjectKind;
  readonly name: string;
  /** A trigger's table: selecting a table selects its triggers too (they hang under it in DMS's tree). */
  readonly table?: string;
}

/** The objects of one schema, in tree order (by category, then as the model lists them). */
export function objectsOf(schema: SchemaDef): ModelObjectRef[] {
  const s = schema.name;
  return [
    ...schema.tables.map((t) => ({ schema: s, kind: 'table' as const, name: t.name })),
    ...schema.views.map((v) => ({ schema: s, kind: 'view' as const, name: v.name })),
    ...schema.routines.filter((r) => r.kind === 'function').map((r) => ({ schema: s, kind: 'function' as const, name: r.name })),
    ...schema.routines.filter((r) => r.kind === 'procedure').map((r) => ({ schema: s, kind: 'procedure' as const, name: r.name })),
    ...schema.sequences.map((q) => ({ schema: s, kind: 'sequence' as const, name: q.name })),
    ...schema.triggers.map((t) => ({ schema: s, kind: 'trigger' as const, name: t.name, table: t.table })),
    ...schema.enumTypes.map((e) => ({ schema: s, kind: 'type' as const, name: e.name })),
  ];
}

/** A copy of `schema` keeping only the objects `keep` accepts (the copy shares nothing with the input). */
export function filterSchema(schema: SchemaDef, keep: (ref: ModelObjectRef) => boolean): SchemaDef {
  const s = schema.name;
  const copy = structuredClone(schema);
  return {
    ...copy,
    tables: copy.tables.filter((t) => keep({ schema: s, kind: 'table', name: t.name })),
    views: copy.views.filter((v) => keep({ schema: s, kind: 'view', name: v.name })),
    routines: copy.routines.filter((r) => keep({ schema: s, kind: r.kind, name: r.name })),
    sequences: copy.sequences.filter((q) => keep({ schema: s, kind: 'sequence', name: q.name })),
    triggers: copy.triggers.filter((t) => keep({ schema: s, kind: 'trigger', name: t.name, table: t.table })),
    enumTypes: copy.enumTypes.filter((e) => keep({ schema: s, kind: 'type', name: e.name })),
  };
}

/** An empty schema definition. */
export function emptySchema(name: string): SchemaDef {
  return { name, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
}
