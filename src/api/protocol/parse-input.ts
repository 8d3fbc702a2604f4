/**
 * Parses a request body against its input shape: checks every constraint the model states
 * (required members, types, enums, lengths, patterns, list sizes, unions) and converts wire
 * values to domain values (timestamps to Date, blobs to Buffer). The first violation is a
 * ValidationException that names the member path and the rule.
 */
import { validationError } from '../../common/errors.js';
import { shapeOf, type Shape } from './model.js';

const rfc3339 = /^\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}:\d{2}(\.\d+)?([-+]\d{2}:\d{2}|[zZ])$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(path: string, rule: string): never {
  throw validationError(`1 validation error detected: Value at '${path}' failed to satisfy constraint: ${rule}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

export function parseInput(shapeName: string, body: unknown): Record<string, unknown> {
  return parseValue(shapeName, body, '') as Record<string, unknown>;
}

function parseValue(shapeName: string, value: unknown, path: string): unknown {
  const shape = shapeOf(shapeName);
  const at = path || shapeName;
  switch (shape.type) {
    case 'structure':
      return parseStructure(shapeName, shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) fail(at, `Member must be a list, got ${describe(value)}`);
      if (shape.min !== undefined && value.length < shape.min) fail(at, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(at, `Member must have length less than or equal to ${shape.max}`);
      return value.map((v, i) => {
        if (v === null) fail(`${at}[${i}]`, 'Member must not be null');
        return parseValue(shape.member!.shape, v, `${at}[${i}]`);
      });
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, `Member must be a map, got ${describe(value)}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = parseValue(shape.value!.shape, v, `${at}.${k}`);
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') fail(at, `Member must be a string, got ${describe(value)}`);
      if (shape.enum && !shape.enum.includes(value)) fail(at, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined && value.length < shape.min) fail(at, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(at, `Member must have length less than or equal to ${shape.max}`);
      if (shape.pattern !== undefined && !new RegExp(shape.pattern, 'u').test(value)) fail(at, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(at, `Member must be an integer, got ${describe(value)}`);
      if (shape.min !== undefined && value < shape.min) fail(at, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(at, `Member must have value less than or equal to ${shape.max}`);
      if (shape.type === 'integer' && (value > 2147483647 || value < -2147483648)) fail(at, 'Member must fit in a 32-bit integer');
      return value;
    }
    case 'double':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(at, `Member must be a number, got ${describe(value)}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(at, `Member must be a boolean, got ${describe(value)}`);
      return value;
    case 'timestamp':
      return parseTimestamp(shape, value, at);
    case 'blob': {
      if (typeof value !== 'string' || !base64.test(value)) fail(at, 'Member must be a base64-encoded string');
      return Buffer.from(value, 'base64');
    }
    default:
      throw new Error(`unsupported shape type ${String(shape.type)}`);
  }
}

function parseStructure(shapeName: string, shape: Shape, value: unknown, path: string): Record<string, unknown> {
  const at = path || shapeName;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, `Member must be a structure, got ${describe(value)}`);
  const members = shape.members ?? {};
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!(key in members)) {
      fail(path ? `${path}.${key}` : key, `unknown member; ${shapeName} has: ${Object.keys(members).join(', ') || 'no members'}`);
    }
  }
  for (const name of shape.required ?? []) {
    if (input[name] === undefined || input[name] === null) fail(path ? `${path}.${name}` : name, 'Member must not be null');
  }
  for (const [name, ref] of Object.entries(members)) {
    const v = input[name];
    if (v === undefined || v === null) continue;
    out[name] = parseValue(ref.shape, v, path ? `${path}.${name}` : name);
  }
  if (shape.union && Object.keys(out).length !== 1) {
    fail(at, `a union must have exactly one member set (one of: ${Object.keys(members).join(', ')}), got ${Object.keys(out).length}`);
  }
  return out;
}

function parseTimestamp(shape: Shape, value: unknown, at: string): Date {
  // Clients send TStamp as epoch seconds (a number, or a numeric string from the JS SDK) and
  // Iso8601DateTime as RFC 3339; either form is understood for either shape.
  let d: Date | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) d = new Date(value * 1000);
  else if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) d = new Date(Number(value) * 1000);
  else if (typeof value === 'string' && rfc3339.test(value)) d = new Date(value);
  if (!d || Number.isNaN(d.getTime())) {
    fail(at, shape.timestampFormat === 'iso8601' ? 'Member must be an RFC 3339 date-time string' : 'Member must be a timestamp in epoch seconds');
  }
  return d;
}
