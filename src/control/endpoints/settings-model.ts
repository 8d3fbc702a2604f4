/**
 * The settings shapes of the vendored DMS model (model/service-2.json). Only what endpoints
 * need: each settings block's members, with the type, enum values, bounds and sensitivity of
 * the member's shape. Reading the model keeps this in step with it, with no copied tables.
 */
import { serviceModel } from '../../api/protocol/model.js';

export interface SettingsMemberInfo {
  readonly name: string;
  readonly type: string;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly sensitive: boolean;
}

const shapes = serviceModel.shapes;
const cache = new Map<string, readonly SettingsMemberInfo[]>();

/** The members of a settings shape (e.g. PostgreSQLSettings), in model order. */
export function settingsShapeMembers(shapeName: string): readonly SettingsMemberInfo[] {
  let found = cache.get(shapeName);
  if (!found) {
    const shape = shapes[shapeName];
    if (!shape || shape.type !== 'structure') throw new Error(`settings shape ${shapeName} is not a structure of the model`);
    found = Object.entries(shape.members ?? {}).map(([name, ref]) => {
      const s = shapes[ref.shape]!;
      return {
        name,
        type: s.type,
        ...(s.enum ? { enum: s.enum } : {}),
        ...(s.min !== undefined ? { min: s.min } : {}),
        ...(s.max !== undefined ? { max: s.max } : {}),
        sensitive: s.sensitive === true,
      };
    });
    cache.set(shapeName, found);
  }
  return found;
}
