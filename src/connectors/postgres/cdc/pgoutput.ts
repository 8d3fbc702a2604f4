/**
 * A pure decoder of the pgoutput logical decoding plugin's messages, protocol version 1
 * (PostgreSQL's "Logical Replication Message Formats"): one XLogData payload in, one message
 * out. Everything is decoded at once into fresh strings (nothing keeps a view of the input),
 * because pg's parser reuses its buffer for the next socket read.
 *
 * Column values stay as the text the server sent (pgoutput sends the type's output function
 * text, not COPY-escaped); turning them into canonical values is transaction-assembler.ts's.
 */

/** One column of a tuple: its text, SQL NULL, or `unchanged` (a TOASTed value the UPDATE did not touch, so not sent). */
export type TupleValue = string | null | typeof unchangedToast;
export const unchangedToast: unique symbol = Symbol('unchanged TOAST value');

export interface RelationColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly typeModifier: number;
  /** Part of the replica identity (the key pgoutput sends as the old row; every column with REPLICA IDENTITY FULL). */
  readonly key: boolean;
}

export interface Relation {
  readonly id: number;
  /** Empty for pg_catalog, as pgoutput sends it. */
  readonly schema: string;
  readonly name: string;
  /** pg_class.relreplident: d(efault, the primary key), n(othing), f(ull), i(ndex). */
  readonly replicaIdentity: string;
  readonly columns: readonly RelationColumn[];
}

export type PgoutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTime: bigint; readonly xid: number }
  | { readonly tag: 'commit'; readonly flags: number; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTime: bigint }
  | { readonly tag: 'origin'; readonly lsn: bigint; readonly name: string }
  | { readonly tag: 'relation'; readonly relation: Relation }
  | { readonly tag: 'type'; readonly oid: number; readonly schema: string; readonly name: string }
  | { readonly tag: 'insert'; readonly relationId: number; readonly after: readonly TupleValue[] }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** `key`: the old replica identity (sent when it changed); `full`: the whole old row (REPLICA IDENTITY FULL). */
      readonly oldKind?: 'key' | 'full';
      readonly before?: readonly TupleValue[];
      readonly after: readonly TupleValue[];
    }
  | { readonly tag: 'delete'; readonly relationId: number; readonly oldKind: 'key' | 'full'; readonly before: readonly TupleValue[] }
  | { readonly tag: 'truncate'; readonly cascade: boolean; readonly restartIdentity: boolean; readonly relationIds: readonly number[] }
  | { readonly tag: 'message'; readonly transactional: boolean; readonly lsn: bigint; readonly prefix: string; readonly content: Buffer };

/** Reads one pgoutput message. Throws on a message this decoder does not know (a protocol surprise must fail loudly). */
export function decodePgoutput(data: Buffer): PgoutputMessage {
  const r = new Reader(data);
  const tag = String.fromCharCode(r.byte());
  switch (tag) {
    case 'B':
      return { tag: 'begin', finalLsn: r.u64(), commitTime: r.i64(), xid: r.u32() };
    case 'C':
      return { tag: 'commit', flags: r.byte(), commitLsn: r.u64(), endLsn: r.u64(), commitTime: r.i64() };
    case 'O':
      return { tag: 'origin', lsn: r.u64(), name: r.cstring() };
    case 'R': {
      const id = r.u32();
      const schema = r.cstring();
      const name = r.cstring();
      const replicaIdentity = String.fromCharCode(r.byte());
      const count = r.u16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.byte();
        columns.push({ name: r.cstring(), typeOid: r.u32(), typeModifier: r.i32(), key: (flags & 1) === 1 });
      }
      return { tag: 'relation', relation: { id, schema, name, replicaIdentity, columns } };
    }
    case 'Y':
      return { tag: 'type', oid: r.u32(), schema: r.cstring(), name: r.cstring() };
    case 'I': {
      const relationId = r.u32();
      r.expect('N', 'Insert');
      return { tag: 'insert', relationId, after: r.tuple() };
    }
    case 'U': {
      const relationId = r.u32();
      let kind = String.fromCharCode(r.byte());
      let oldKind: 'key' | 'full' | undefined;
      let before: TupleValue[] | undefined;
      if (kind === 'K' || kind === 'O') {
        oldKind = kind === 'K' ? 'key' : 'full';
        before = r.tuple();
        kind = String.fromCharCode(r.byte());
      }
      if (kind !== 'N') throw new Error(`pgoutput: Update message with tuple kind "${kind}", N expected`);
      const after = r.tuple();
      return oldKind ? { tag: 'update', relationId, oldKind, before: before!, after } : { tag: 'update', relationId, after };
    }
    case 'D': {
      const relationId = r.u32();
      const kind = String.fromCharCode(r.byte());
      if (kind !== 'K' && kind !== 'O') throw new Error(`pgoutput: Delete message with tuple kind "${kind}", K or O expected`);
      return { tag: 'delete', relationId, oldKind: kind === 'K' ? 'key' : 'full', before: r.tuple() };
    }
    case 'T': {
      const count = r.u32();
      const options = r.byte();
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(r.u32());
      return { tag: 'truncate', cascade: (options & 1) !== 0, restartIdentity: (options & 2) !== 0, relationIds };
    }
    case 'M': {
      const flags = r.byte();
      const lsn = r.u64();
      const prefix = r.cstring();
      const length = r.u32();
      return { tag: 'message', transactional: (flags & 1) !== 0, lsn, prefix, content: Buffer.from(r.bytes(length)) };
    }
    default:
      throw new Error(`pgoutput: unknown message type "${tag}" (protocol version 1 was requested)`);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly b: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new Error('pgoutput: message ends early');
  }
  byte(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.b.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.b.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  cstring(): string {
    const end = this.b.indexOf(0, this.pos);
    if (end < 0) throw new Error('pgoutput: unterminated string');
    const v = this.b.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return v;
  }
  expect(kind: string, message: string): void {
    const got = String.fromCharCode(this.byte());
    if (got !== kind) throw new Error(`pgoutput: ${message} message with tuple kind "${got}", ${kind} expected`);
  }
  /** TupleData: a column count, then per column n(ull), u(nchanged TOAST) or t(ext) with its length. */
  tuple(): TupleValue[] {
    const count = this.u16();
    const values: TupleValue[] = new Array<TupleValue>(count);
    for (let i = 0; i < count; i++) {
      const kind = this.byte();
      if (kind === 0x6e /* n */) values[i] = null;
      else if (kind === 0x75 /* u */) values[i] = unchangedToast;
      else if (kind === 0x74 /* t */) {
        const length = this.u32();
        this.need(length);
        values[i] = this.b.toString('utf8', this.pos, this.pos + length);
        this.pos += length;
      } else {
        // 'b' (binary) comes only when the binary option is requested, which this reader never does.
        throw new Error(`pgoutput: unknown tuple column kind "${String.fromCharCode(kind)}"`);
      }
    }
    return values;
  }
}
