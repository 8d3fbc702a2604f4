/**
 * Pure helpers over PostgreSQL COPY data (CopyEncoding): cutting a chunk at a row boundary
 * (the engine commits every CommitRate rows) and the protocol pieces a writer wraps around
 * rows. Walking rows costs one length read per row (messages, binary) or one newline
 * search (plain text); the bytes themselves are never copied.
 */
import type { CopyChunk, CopyEncoding } from './source.js';

/** Protocol message type of CopyData. */
const copyData = 0x64;

/** The first `max` (at least 1) rows of `chunk`, and the rest (undefined when nothing is left). */
export function cutCopyRows(chunk: CopyChunk, max: number): { head: CopyChunk; tail: CopyChunk | undefined } {
  const limit = Math.max(1, max);
  if (chunk.rows <= limit) return { head: chunk, tail: undefined };
  const at = offsetAfterRows(chunk.bytes, chunk.encoding, limit);
  if (at >= chunk.bytes.length) throw new Error(`COPY data holds fewer rows than counted (${limit} of ${chunk.rows})`);
  const head: CopyChunk = { bytes: chunk.bytes.subarray(0, at), rows: limit, encoding: chunk.encoding };
  const tail: CopyChunk = { bytes: chunk.bytes.subarray(at), rows: chunk.rows - limit, encoding: chunk.encoding };
  return { head, tail };
}

/** The byte offset just after the first `n` rows of `bytes`. */
function offsetAfterRows(bytes: Buffer, enc: CopyEncoding, n: number): number {
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (pos >= bytes.length) throw new Error(`COPY data holds fewer rows than counted (${i} of ${n})`);
    if (enc.framing === 'messages') {
      if (bytes[pos] !== copyData) throw new Error(`COPY data: a protocol message of type ${bytes[pos]} where a CopyData message was expected`);
      pos += 1 + bytes.readUInt32BE(pos + 1);
    } else if (enc.format === 'text') {
      const nl = bytes.indexOf(10, pos);
      if (nl < 0) throw new Error('COPY text ends in the middle of a row');
      pos = nl + 1;
    } else {
      const fields = bytes.readInt16BE(pos);
      pos += 2;
      for (let f = 0; f < fields; f++) {
        const len = bytes.readInt32BE(pos);
        pos += 4 + Math.max(0, len);
      }
    }
  }
  if (pos > bytes.length) throw new Error('COPY data ends in the middle of a row');
  return pos;
}

/** `payload` wrapped in one CopyData protocol message. */
export function copyDataMessage(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = copyData;
  out.writeUInt32BE(4 + payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/** The COPY binary file header: signature, flags 0, no header extension. */
export const binaryCopyHeader: Buffer = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/** The COPY binary file trailer: a field count of -1. */
export const binaryCopyTrailer: Buffer = Buffer.from([0xff, 0xff]);
