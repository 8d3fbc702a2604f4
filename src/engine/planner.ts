/**
 * Table mappings + source catalog -> the plan of a run. A seam so that orchestration can be
 * tested with a plan of its own; the run uses `mappingPlanner` (engine/mapping).
 */
import type { TableInfo } from '../connectors/spi/index.js';
import { buildPlan, parseTableMappings, type MappingPlan, type TableMappings } from './mapping/index.js';
import { targetFamilyOf } from './connector-lookup.js';
import type { TaskRunSpec } from './ports.js';

export type Planner = (spec: TaskRunSpec, catalog: readonly TableInfo[]) => { readonly mappings: TableMappings; readonly plan: MappingPlan };

export const mappingPlanner: Planner = (spec, catalog) => {
  const mappings = parseTableMappings(spec.tableMappings);
  const targetSchema = spec.settings.targetSchema.trim();
  const plan = buildPlan(mappings, catalog, {
    ...(targetSchema ? { targetSchema } : {}),
    targetEngine: targetFamilyOf(spec.target.engineName),
  });
  return { mappings, plan };
};
