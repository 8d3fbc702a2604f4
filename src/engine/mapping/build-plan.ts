import type { TableInfo } from '../../connectors/spi/index.js';
import type { MappingPlan, TableMappings } from './plan-types.js';

export interface BuildPlanOptions {
  /** TargetMetadata.TargetSchema: when set, every table lands in this schema. */
  readonly targetSchema?: string;
  readonly targetEngine: 'postgres' | 'mysql';
}

/** Being built: the plan of a run. */
export function buildPlan(_mappings: TableMappings, _catalog: readonly TableInfo[], _opts: BuildPlanOptions): MappingPlan {
  throw new Error('buildPlan is not implemented yet');
}
