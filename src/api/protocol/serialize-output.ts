/**
 * Writes a handler's result in the wire form of its output shape: epoch-second timestamps
 * (RFC 3339 strings for Iso8601DateTime), base64 blobs, no undefined members. Members that
 * are not in the shape are dropped, and so are members whose shape the model marks
 * sensitive: a password can never leave through the API, whatever a handler returns.
 */
import { shapeOf } from './model.js';

export function serializeOutput(shapeName: string | undefined, value: unknown): Record<string, unknown> {
  if (!shapeName) return {};
  return (serializeValue(shapeName, value ?? {}) ?? {}) as Record<string, unknown>;
}

function serializeValue(shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(shapeName);
  if (shape.sensitive) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const src = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = serializeValue(ref.shape, src[name]);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => serializeValue(shape.member!.shape, v)).filter((v) => v !== undefined);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = serializeValue(shape.value!.shape, v);
      return out;
    }
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(value as string | number);
      return shape.timestampFormat === 'iso8601' ? d.toISOString() : d.getTime() / 1000;
    }
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return value;
  }
}
