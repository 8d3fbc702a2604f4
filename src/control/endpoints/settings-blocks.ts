/**
 * The engine settings blocks of a CreateEndpoint/ModifyEndpoint request. An endpoint takes
 * only its engine's block. The connection values (server, port, database, user, password) that
 * a block may carry are lifted out to the endpoint's top level, where DMS keeps them, so that
 * there is one place to read them; Describe shows them in both places again.
 */
import { invalidCombination } from '../../common/errors.js';
import { settingsMembers, type EngineSpec, type SettingsMember } from './engines.js';
import { settingsShapeMembers } from './settings-model.js';

export const connectionMembers = ['ServerName', 'Port', 'DatabaseName', 'Username', 'Password'] as const;
export type ConnectionMember = (typeof connectionMembers)[number];
export type ConnectionValues = Partial<{ ServerName: string; Port: number; DatabaseName: string; Username: string; Password: string }>;

/** True when the engine's settings shape has this member (e.g. S3Settings has no ServerName). */
export function blockHas(member: SettingsMember, name: string): boolean {
  return settingsShapeMembers(member).some((m) => m.name === name);
}

/** The settings blocks present in a request, by member name. */
export function blocksIn(input: Readonly<Record<string, unknown>>): Map<SettingsMember, Record<string, unknown>> {
  const out = new Map<SettingsMember, Record<string, unknown>>();
  for (const m of settingsMembers) {
    const v = input[m];
    if (v !== undefined && v !== null) out.set(m, { ...(v as Record<string, unknown>) });
  }
  return out;
}

/** Refuses a block that belongs to another engine, naming both. */
export function checkBlocksBelong(engine: EngineSpec, blocks: ReadonlyMap<SettingsMember, unknown>): void {
  for (const m of blocks.keys()) {
    if (m !== engine.settingsMember) {
      throw invalidCombination(
        `${m} cannot be used with engine ${engine.name}: a ${engine.name} endpoint takes ${engine.settingsMember} only. Remove ${m}, or give the engine it belongs to.`,
      );
    }
  }
}

/**
 * Splits a block into its connection values and the rest. A value given both at top level and
 * in the block must agree: which one DMS would use is not documented, so OpenDMS refuses to guess.
 */
export function liftConnectionValues(
  member: SettingsMember,
  block: Record<string, unknown> | undefined,
  topLevel: ConnectionValues,
): { rest: Record<string, unknown> | undefined; values: ConnectionValues } {
  const values: Record<string, unknown> = { ...topLevel };
  if (!block) return { rest: undefined, values: values as ConnectionValues };
  const rest = { ...block };
  for (const name of connectionMembers) {
    if (!blockHas(member, name) || rest[name] === undefined) continue;
    const inBlock = rest[name];
    delete rest[name];
    if (values[name] !== undefined && values[name] !== inBlock) {
      // Never echo a password, even in an error.
      const shown = name === 'Password' ? '' : ` (${String(values[name])} and ${String(inBlock)})`;
      throw invalidCombination(`${name} is given both at top level and in ${member} with different values${shown}; give it once, or give the same value in both.`);
    }
    values[name] = inBlock;
  }
  return { rest, values: values as ConnectionValues };
}
