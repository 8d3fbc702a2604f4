/**
 * The streaming replication protocol's CopyData payloads (PostgreSQL's "Streaming Replication
 * Protocol"): what the walsender sends (XLogData 'w', primary keepalive 'k') and the standby
 * status update 'r' the client answers with. Pure.
 */
import { pgTimestampNow } from './lsn.js';

export type WalSenderMessage =
  | {
      readonly kind: 'xlog';
      /** The WAL position of this message's data (for logical decoding often 0; not relied on here). */
      readonly dataStart: bigint;
      /** The server's current end of WAL. */
      readonly walEnd: bigint;
      readonly sendTime: bigint;
      /** The output plugin's message (a view into the CopyData payload: decode before the next read). */
      readonly data: Buffer;
    }
  | { readonly kind: 'keepalive'; readonly walEnd: bigint; readonly sendTime: bigint; readonly replyRequested: boolean };

/** One CopyData payload from the walsender. */
export function parseWalSenderMessage(payload: Buffer): WalSenderMessage {
  const tag = payload[0];
  if (tag === 0x77 /* w */) {
    if (payload.length < 25) throw new Error('replication protocol: XLogData message is too short');
    return {
      kind: 'xlog',
      dataStart: payload.readBigUInt64BE(1),
      walEnd: payload.readBigUInt64BE(9),
      sendTime: payload.readBigInt64BE(17),
      data: payload.subarray(25),
    };
  }
  if (tag === 0x6b /* k */) {
    if (payload.length < 18) throw new Error('replication protocol: keepalive message is too short');
    return { kind: 'keepalive', walEnd: payload.readBigUInt64BE(1), sendTime: payload.readBigInt64BE(9), replyRequested: payload[17] === 1 };
  }
  throw new Error(`replication protocol: unknown message type "${tag === undefined ? '' : String.fromCharCode(tag)}" from the server`);
}

/**
 * A standby status update as a whole CopyData message ('d' framing included): the LSN that is
 * written, flushed and applied (for a logical slot, flush becomes confirmed_flush_lsn; 0 =
 * nothing confirmed yet, which the server ignores).
 */
export function standbyStatusUpdate(lsn: bigint, replyRequested = false): Buffer {
  const b = Buffer.alloc(1 + 4 + 34);
  b[0] = 0x64; // CopyData
  b.writeUInt32BE(4 + 34, 1);
  b[5] = 0x72; // r
  b.writeBigUInt64BE(lsn, 6); // written
  b.writeBigUInt64BE(lsn, 14); // flushed
  b.writeBigUInt64BE(lsn, 22); // applied
  b.writeBigInt64BE(pgTimestampNow(), 30);
  b[38] = replyRequested ? 1 : 0;
  return b;
}
