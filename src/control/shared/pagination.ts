/**
 * Marker/MaxRecords pagination for every Describe*. The marker is opaque to clients: it
 * carries the offset of the next page and the operation it belongs to, so a marker from one
 * call cannot silently page through another.
 */
import { invalidParameter } from '../../common/errors.js';

export interface PageBounds {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** DMS's documented default: 100 records, at least 20, at most 100. */
export const standardPage: PageBounds = { min: 20, max: 100, default: 100 };

export interface Page<T> {
  readonly items: T[];
  readonly marker?: string;
}

export function paginate<T>(
  all: readonly T[],
  req: { readonly Marker?: string; readonly MaxRecords?: number },
  context: string,
  bounds: PageBounds = standardPage,
): Page<T> {
  const size = req.MaxRecords ?? bounds.default;
  if (size < bounds.min || size > bounds.max) {
    throw invalidParameter(`MaxRecords must be between ${bounds.min} and ${bounds.max} for ${context}; got ${size}.`);
  }
  let offset = 0;
  if (req.Marker !== undefined && req.Marker !== '') {
    offset = decodeMarker(req.Marker, context);
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return next < all.length ? { items, marker: encodeMarker(context, next) } : { items };
}

function encodeMarker(context: string, offset: number): string {
  return Buffer.from(JSON.stringify({ c: context, o: offset })).toString('base64url');
}

function decodeMarker(marker: string, context: string): number {
  try {
    const v = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { c?: unknown; o?: unknown };
    if (v.c === context && typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter(`Marker '${marker}' is not a marker returned by ${context}; pass the Marker of the previous response unchanged, or omit it to start over.`);
}
