import type { TableMappings } from './plan-types.js';

/** A TableMappings document that is not valid; the message names the rule id and the problem. */
export class MappingError extends Error {
  constructor(
    message: string,
    readonly ruleId?: string,
  ) {
    super(message);
  }
}

/** Being built: validates a TableMappings JSON document. */
export function parseTableMappings(_json: string): TableMappings {
  throw new MappingError('table mappings are not implemented yet');
}
