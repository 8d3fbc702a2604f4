/**
 * DescribeEvents' Marker: the id of the last event of the previous page, so a page never
 * repeats or skips events while new ones are recorded. Opaque to clients like every marker.
 */
import { invalidParameter } from '../../common/errors.js';

const context = 'DescribeEvents';

export function encodeEventMarker(lastId: number): string {
  return Buffer.from(JSON.stringify({ c: context, a: lastId })).toString('base64url');
}

export function decodeEventMarker(marker: string): number {
  try {
    const v = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { c?: unknown; a?: unknown };
    if (v.c === context && typeof v.a === 'number' && Number.isInteger(v.a) && v.a >= 0) return v.a;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter(`Marker '${marker}' is not a marker returned by ${context}; pass the Marker of the previous response unchanged, or omit it to start over.`);
}
