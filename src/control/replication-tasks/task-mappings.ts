/**
 * TableMappings are validated by the engine's parser (the one a run uses), so a document the
 * API accepts is one a run can plan from. Its MappingError names the rule; it reaches the
 * client as InvalidParameterValueException with that message.
 */
import { invalidParameter } from '../../common/errors.js';
import { MappingError, parseTableMappings } from '../../engine/mapping/index.js';

export function checkTableMappings(json: string): string {
  try {
    parseTableMappings(json);
  } catch (err) {
    if (err instanceof MappingError) throw invalidParameter(`Invalid Table Mappings document: ${err.message}`);
    throw err;
  }
  return json;
}
