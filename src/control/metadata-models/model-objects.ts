/**
 * Counting and locating the objects of a model and of a report, for progress, for the
 * "nothing selected" failure and for reports limited to a selection.
 */
import { objectsOf, type ObjectReport, type SchemaModel } from '../../schema-conversion/index.js';

/** `kind|schema|name` of every selectable object (tables, views, routines, sequences, triggers, types). */
export function objectKeys(model: SchemaModel): Set<string> {
  return new Set(model.schemas.flatMap((s) => objectsOf(s).map((o) => `${o.kind}|${o.schema}|${o.name}`)));
}

export function countObjects(model: SchemaModel): number {
  return objectKeys(model).size;
}

/** The key of the selectable object a report line belongs to (a column's, key's or index's table). */
export function ownerKey(r: ObjectReport): string {
  switch (r.objectType) {
    case 'schema':
      return `schema|${r.schema}|${r.name}`;
    case 'table': case 'view': case 'procedure': case 'function': case 'trigger': case 'sequence': case 'type':
      return `${r.objectType}|${r.schema}|${r.name}`;
    default:
      return `table|${r.schema}|${r.table ?? r.name}`;
  }
}

/** The lines of `report` about the objects of `selected` (and the schemas it holds). */
export function reportFor(report: readonly ObjectReport[], selected: SchemaModel): ObjectReport[] {
  const keys = objectKeys(selected);
  const schemas = new Set(selected.schemas.map((s) => s.name));
  return report.filter((r) => (r.objectType === 'schema' ? schemas.has(r.schema) || schemas.has(r.name) : keys.has(ownerKey(r))));
}

/** `base` with the lines of the objects `update` speaks about replaced by its lines. */
export function mergeReport(base: readonly ObjectReport[], update: readonly ObjectReport[]): ObjectReport[] {
  const replaced = new Set(update.map(ownerKey));
  return [...base.filter((r) => !replaced.has(ownerKey(r))), ...update];
}
