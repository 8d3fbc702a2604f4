/**
 * A migration project keeps one model per side and each import or conversion works on a
 * selection: merging puts the objects of the new piece in place of the stored ones (same
 * schema, kind and name), adds the new ones, and leaves everything else as it was.
 */
import { OpenDmsError } from '../common/errors.js';
import type { SchemaDef, SchemaModel } from './model.js';
import { filterSchema, objectsOf, type ModelObjectRef } from './model-objects.js';

export interface MergeOptions {
  /**
   * The objects the update speaks for (usually: what the request's selection rules select).
   * A stored object inside this scope that the update does not hold was dropped at the
   * source and is removed; without a scope nothing is removed.
   */
  readonly scope?: (ref: ModelObjectRef) => boolean;
}

function mergeList<T extends { name: string }>(base: readonly T[], update: readonly T[], key: (x: T) => string = (x) => x.name): T[] {
  const incoming = new Map(update.map((x) => [key(x), x]));
  const out: T[] = base.map((x) => incoming.get(key(x)) ?? x);
  const present = new Set(base.map(key));
  for (const x of update) if (!present.has(key(x))) out.push(x);
  return out;
}

function mergeSchema(base: SchemaDef, update: SchemaDef): SchemaDef {
  return {
    name: base.name,
    tables: mergeList(base.tables, update.tables),
    views: mergeList(base.views, update.views),
    sequences: mergeList(base.sequences, update.sequences),
    enumTypes: mergeList(base.enumTypes, update.enumTypes),
    // A procedure and a function may share a name (PostgreSQL, MySQL): the kind is part of the key.
    routines: mergeList(base.routines, update.routines, (r) => `${r.kind}\u0000${r.name}`),
    triggers: mergeList(base.triggers, update.triggers),
  };
}

/**
 * `base` with the objects of `update` in place (a new model; the inputs are not changed).
 * @throws OpenDmsError when the dialects differ (a source model never merges into a target one).
 */
export function mergeModel(base: SchemaModel, update: SchemaModel, opts: MergeOptions = {}): SchemaModel {
  if (base.dialect !== update.dialect) {
    throw new OpenDmsError('model-dialect-mismatch', `cannot merge a ${update.dialect} model into a ${base.dialect} model; each side of a project keeps the model of its own engine`);
  }
  const copy = structuredClone(update);
  const schemas: SchemaDef[] = [];
  for (const schema of base.schemas) {
    const up = copy.schemas.find((s) => s.name === schema.name);
    let kept = structuredClone(schema);
    if (opts.scope) {
      const inUpdate = new Set(up ? objectsOf(up).map(refKey) : []);
      const scope = opts.scope;
      kept = filterSchema(kept, (ref) => !scope(ref) || inUpdate.has(refKey(ref)));
    }
    schemas.push(up ? mergeSchema(kept, up) : kept);
  }
  for (const s of copy.schemas) if (!base.schemas.some((b) => b.name === s.name)) schemas.push(s);
  return { dialect: base.dialect, schemas };
}

const refKey = (ref: ModelObjectRef): string => `${ref.kind}\u0000${ref.name}`;

