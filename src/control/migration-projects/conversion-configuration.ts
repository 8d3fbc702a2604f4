/**
 * The conversion configuration of a migration project (DescribeConversionConfiguration /
 * ModifyConversionConfiguration): a JSON object. DMS documents Modify as "include only the
 * sections and keys to change; the operation merges supplied values with the existing
 * configuration", so objects merge key by key, recursively, and other values replace.
 *
 * OpenDMS's own options (README, "Schema conversion resources and secrets"):
 * - `targetVersion` (string or null): the target server version the converter writes for
 *   (e.g. "16.2", "8.0.36", "10.11.6-MariaDB"); null lets the converter decide.
 * Other keys are kept and returned as given, and not used.
 */
import { invalidParameter } from '../../common/errors.js';

export const defaultConversionConfiguration: string = JSON.stringify({ targetVersion: null });

/** The options OpenDMS reads from a configuration document. */
export interface ConversionSettings {
  readonly targetVersion?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Checks `patch` and merges it into `current`; returns the new document. */
export function mergeConversionConfiguration(current: string, patch: string): string {
  const given = parseObject(patch, 'ConversionConfiguration');
  const merged = mergeJson(parseObject(current, 'the stored conversion configuration'), given) as { [k: string]: Json };
  checkKnown(merged);
  return JSON.stringify(merged);
}

/** The options of a stored configuration (for the converter). */
export function conversionSettingsOf(configuration: string): ConversionSettings {
  const o = parseObject(configuration, 'the conversion configuration');
  return typeof o.targetVersion === 'string' ? { targetVersion: o.targetVersion } : {};
}

function parseObject(text: string, what: string): { [k: string]: Json } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw invalidParameter(`${what} is not valid JSON (${(err as Error).message}); give a JSON object such as {"targetVersion": "16"}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParameter(`${what} must be a JSON object, such as {"targetVersion": "16"}.`);
  return v as { [k: string]: Json };
}

function mergeJson(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: { [k: string]: Json } = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in out ? mergeJson(out[k]!, v) : v;
    return out;
  }
  return patch;
}

const isObject = (v: Json): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKnown(o: { [k: string]: Json }): void {
  const v = o.targetVersion;
  if (v !== undefined && v !== null && (typeof v !== 'string' || !/^\d+(\.\d+)*/.test(v))) {
    throw invalidParameter(`ConversionConfiguration.targetVersion must be null or a version string starting with digits, such as "16.2" or "8.0.36"; got ${JSON.stringify(v)}.`);
  }
}
