/**
 * The metadata tree of DescribeMetadataModel / DescribeMetadataModelChildren: server ->
 * schemas -> categories (Tables, Views, Functions, Procedures, Sequences, Triggers, Types) ->
 * objects. A node is addressed by a selection-rules document whose first rule (explicit, as
 * the DMS CLI examples write it) locates it; each child comes back with the document that
 * locates it in turn, so a client walks the tree by feeding those documents back.
 *
 * Categories: only the non-empty ones are listed (the DMS CLI example lists a subset of the
 * categories of a schema), but an empty category can still be described.
 * Objects are leaves: their columns, keys and indexes are in their definition.
 */
import type { SchemaDef, SchemaModel } from './model.js';
import { CATEGORY_OF, filterSchema, type ModelObjectKind, type ModelObjectRef, OBJECT_KINDS, objectsOf } from './model-objects.js';
import { printDdl } from './print-ddl.js';
import { formatSelectionRules, ruleIsForServer, type SelectionLocator, type SelectionRules } from './selection-rules.js';

export type MetadataNodeType = 'server' | 'schema' | 'category' | ModelObjectKind;

export interface MetadataNode {
  readonly name: string;
  readonly type: MetadataNodeType;
  /** The object's DDL in the model's dialect (schemas and objects; none for server and category nodes). */
  readonly definition?: string;
  /** The locator of this node (server-name first). */
  readonly locator: SelectionLocator;
}

export interface MetadataNodeRef {
  readonly name: string;
  /** A selection-rules document (JSON) selecting exactly this node, explicit. */
  readonly selectionRules: string;
}

/** The category names, in the order the tree lists them. */
export const CATEGORY_NAMES: readonly string[] = OBJECT_KINDS.map((k) => CATEGORY_OF[k]);

type Located =
  | { readonly level: 'server' }
  | { readonly level: 'schema'; readonly schema: SchemaDef }
  | { readonly level: 'category'; readonly schema: SchemaDef; readonly kind: ModelObjectKind }
  | { readonly level: 'object'; readonly schema: SchemaDef; readonly ref: ModelObjectRef };

/** The node the first selecting rule about this server locates (names taken literally). */
function locate(model: SchemaModel, rules: SelectionRules, serverName: string): { loc: SelectionLocator; at: Located } | undefined {
  const rule = rules.rules.find((r) => r.action !== 'exclude' && ruleIsForServer(r, serverName));
  if (!rule) return undefined;
  const loc = rule.locator;
  if (loc.schemaName === undefined) return { loc, at: { level: 'server' } };
  const schema = model.schemas.find((s) => s.name === loc.schemaName);
  if (!schema) return undefined;
  if (loc.object) {
    const { kind, name } = loc.object;
    const ref = objectsOf(schema).find((o) => o.kind === kind && o.name === name);
    return ref ? { loc, at: { level: 'object', schema, ref } } : undefined;
  }
  if (loc.categoryName !== undefined) {
    const kind = OBJECT_KINDS.find((k) => CATEGORY_OF[k] === loc.categoryName);
    return kind ? { loc, at: { level: 'category', schema, kind } } : undefined;
  }
  return { loc, at: { level: 'schema', schema } };
}

/** The DDL of one object, printed from a model holding only it. */
function definitionOf(model: SchemaModel, schema: SchemaDef, ref: ModelObjectRef): string | undefined {
  const one = filterSchema(schema, (o) => o.kind === ref.kind && o.name === ref.name);
  const sql = printDdl({ dialect: model.dialect, schemas: [one] })
    .filter((st) => st.objectType !== 'schema')
    .map((st) => st.sql.trimEnd().replace(/;?$/, ';'));
  if (sql.length > 0) return sql.join('\n');
  // Routines and triggers are kept as their source text: show it when the printer has nothing.
  if (ref.kind === 'procedure' || ref.kind === 'function') return schema.routines.find((r) => r.kind === ref.kind && r.name === ref.name)?.definition;
  if (ref.kind === 'trigger') return schema.triggers.find((t) => t.name === ref.name)?.definition;
  return undefined;
}

function schemaDefinition(model: SchemaModel, schema: SchemaDef): string | undefined {
  const empty = filterSchema(schema, () => false);
  const sql = printDdl({ dialect: model.dialect, schemas: [empty] }).filter((st) => st.objectType === 'schema').map((st) => st.sql.trimEnd().replace(/;?$/, ';'));
  return sql.length > 0 ? sql.join('\n') : undefined;
}

/**
 * The node the rules locate on server `serverName`, or undefined when there is no such node
 * (no rule about this server, or a schema, category or object that the model does not hold).
 */
export function describeNode(model: SchemaModel, rules: SelectionRules, serverName: string): MetadataNode | undefined {
  const found = locate(model, rules, serverName);
  if (!found) return undefined;
  const { at } = found;
  switch (at.level) {
    case 'server':
      return { name: serverName, type: 'server', locator: { serverName } };
    case 'schema': {
      const definition = schemaDefinition(model, at.schema);
      return { name: at.schema.name, type: 'schema', ...(definition ? { definition } : {}), locator: { serverName, schemaName: at.schema.name } };
    }
    case 'category':
      return { name: CATEGORY_OF[at.kind], type: 'category', locator: { serverName, schemaName: at.schema.name, categoryName: CATEGORY_OF[at.kind] } };
    case 'object': {
      const definition = definitionOf(model, at.schema, at.ref);
      return {
        name: at.ref.name,
        type: at.ref.kind,
        ...(definition !== undefined ? { definition } : {}),
        locator: { serverName, schemaName: at.schema.name, object: { kind: at.ref.kind, name: at.ref.name } },
      };
    }
  }
}

/** A one-rule explicit document locating `locator`, rule-id `id` (the CLI examples number the children 1, 2, 3 ...). */
export function explicitRule(locator: SelectionLocator, id: number): string {
  return formatSelectionRules({ rules: [{ ruleId: String(id), ruleName: String(id), action: 'explicit', locator }] });
}

/**
 * The children of the node the rules locate, each with the selection rules that locate it;
 * empty for a leaf or a node the model does not hold.
 */
export function listChildren(model: SchemaModel, rules: SelectionRules, serverName: string): MetadataNodeRef[] {
  const found = locate(model, rules, serverName);
  if (!found) return [];
  const { at } = found;
  const server = serverName;
  const refs = (items: { name: string; locator: SelectionLocator }[]): MetadataNodeRef[] =>
    items.map((it, i) => ({ name: it.name, selectionRules: explicitRule(it.locator, i + 1) }));
  switch (at.level) {
    case 'server':
      return refs(model.schemas.map((s) => ({ name: s.name, locator: { serverName: server, schemaName: s.name } })));
    case 'schema': {
      const kinds = new Set(objectsOf(at.schema).map((o) => o.kind));
      return refs(
        OBJECT_KINDS.filter((k) => kinds.has(k)).map((k) => ({
          name: CATEGORY_OF[k],
          locator: { serverName: server, schemaName: at.schema.name, categoryName: CATEGORY_OF[k] },
        })),
      );
    }
    case 'category':
      return refs(
        objectsOf(at.schema)
          .filter((o) => o.kind === at.kind)
          .map((o) => ({ name: o.name, locator: { serverName: server, schemaName: at.schema.name, object: { kind: o.kind, name: o.name } } })),
      );
    case 'object':
      return [];
  }
}
