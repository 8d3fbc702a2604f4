/**
 * Table mappings: `parseTableMappings` validates a TableMappings document (used by the
 * control plane on create/modify: every error names the rule id), and `buildPlan` turns it
 * into the plan of a run against the source catalog. Pure: no I/O.
 */
export type * from './plan-types.js';
export { parseTableMappings, MappingError } from './parse-table-mappings.js';
export { buildPlan, type BuildPlanOptions } from './build-plan.js';
