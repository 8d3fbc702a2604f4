/**
 * Decoders of binary log events (the replication protocol's event packets, the same bytes as the
 * binlog files): the common header, checksums, and the bodies change capture reads. Pure: no I/O.
 * Row images are decoded by binlog-values.ts with the column types of the TABLE_MAP event.
 * Layouts: MySQL's libbinlogevents and MariaDB's log_event.h (both write the v4 format).
 */
import { crc32, inflateSync } from 'node:zlib';

export const EventType = {
  QUERY: 2,
  STOP: 3,
  ROTATE: 4,
  FORMAT_DESCRIPTION: 15,
  XID: 16,
  TABLE_MAP: 19,
  WRITE_ROWS_V1: 23,
  UPDATE_ROWS_V1: 24,
  DELETE_ROWS_V1: 25,
  HEARTBEAT: 27,
  WRITE_ROWS_V2: 30,
  UPDATE_ROWS_V2: 31,
  DELETE_ROWS_V2: 32,
  XA_PREPARE: 38,
  PARTIAL_UPDATE_ROWS: 39,
  TRANSACTION_PAYLOAD: 40,
  HEARTBEAT_V2: 41,
  MARIADB_ANNOTATE_ROWS: 160,
  MARIADB_BINLOG_CHECKPOINT: 161,
  MARIADB_GTID: 162,
  MARIADB_GTID_LIST: 163,
  MARIADB_START_ENCRYPTION: 164,
  MARIADB_QUERY_COMPRESSED: 165,
  MARIADB_WRITE_ROWS_COMPRESSED_V1: 166,
  MARIADB_UPDATE_ROWS_COMPRESSED_V1: 167,
  MARIADB_DELETE_ROWS_COMPRESSED_V1: 168,
  MARIADB_WRITE_ROWS_COMPRESSED: 169,
  MARIADB_UPDATE_ROWS_COMPRESSED: 170,
  MARIADB_DELETE_ROWS_COMPRESSED: 171,
} as const;

export type RowsKind = 'write' | 'update' | 'delete';

/** The row event types: their kind, format version (v2 has extra data) and zlib compression (MariaDB). */
const rowsEvents: ReadonlyMap<number, { kind: RowsKind; v2: boolean; compressed: boolean }> = new Map([
  [EventType.WRITE_ROWS_V1, { kind: 'write', v2: false, compressed: false }],
  [EventType.UPDATE_ROWS_V1, { kind: 'update', v2: false, compressed: false }],
  [EventType.DELETE_ROWS_V1, { kind: 'delete', v2: false, compressed: false }],
  [EventType.WRITE_ROWS_V2, { kind: 'write', v2: true, compressed: false }],
  [EventType.UPDATE_ROWS_V2, { kind: 'update', v2: true, compressed: false }],
  [EventType.DELETE_ROWS_V2, { kind: 'delete', v2: true, compressed: false }],
  [EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1, { kind: 'write', v2: false, compressed: true }],
  [EventType.MARIADB_UPDATE_ROWS_COMPRESSED_V1, { kind: 'update', v2: false, compressed: true }],
  [EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1, { kind: 'delete', v2: false, compressed: true }],
  [EventType.MARIADB_WRITE_ROWS_COMPRESSED, { kind: 'write', v2: true, compressed: true }],
  [EventType.MARIADB_UPDATE_ROWS_COMPRESSED, { kind: 'update', v2: true, compressed: true }],
  [EventType.MARIADB_DELETE_ROWS_COMPRESSED, { kind: 'delete', v2: true, compressed: true }],
]);

export function rowsEventInfo(type: number): { kind: RowsKind; v2: boolean; compressed: boolean } | undefined {
  return rowsEvents.get(type);
}

/** LOG_EVENT_ARTIFICIAL_F: an event the dump thread made up (the first ROTATE), not in the file. */
export const artificialFlag = 0x20;

export const headerLength = 19;

export interface EventHeader {
  /** Seconds since the epoch (0 in artificial and heartbeat events). */
  readonly timestamp: number;
  readonly type: number;
  readonly serverId: number;
  /** The whole event, header and checksum included. */
  readonly eventSize: number;
  /** end_log_pos: where the next event starts in the file (0 in artificial events). */
  readonly nextPos: number;
  readonly flags: number;
}

export function readHeader(buf: Buffer): EventHeader {
  if (buf.length < headerLength) throw new Error(`binlog event of ${buf.length} bytes is shorter than its 19-byte header`);
  return {
    timestamp: buf.readUInt32LE(0),
    type: buf[4]!,
    serverId: buf.readUInt32LE(5),
    eventSize: buf.readUInt32LE(9),
    nextPos: buf.readUInt32LE(13),
    flags: buf.readUInt16LE(17),
  };
}

/** binlog_checksum: NONE (0) or CRC32 (1). */
export const checksumNone = 0;
export const checksumCrc32 = 1;

/** The checksum algorithm of @@global.binlog_checksum ('CRC32', 'NONE'). */
export function checksumOfSetting(value: string): number {
  return value.toUpperCase() === 'CRC32' ? checksumCrc32 : checksumNone;
}

/** True when the event's last 4 bytes are the CRC32 of the rest. */
export function checksumMatches(event: Buffer): boolean {
  if (event.length < headerLength + 4) return false;
  return crc32(event.subarray(0, event.length - 4)) === event.readUInt32LE(event.length - 4);
}

/** A little-endian cursor over an event body. */
export class Cursor {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new Error(`binlog event ends early: ${n} bytes needed at offset ${this.pos} of ${this.end}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned little-endian integer of 1..6 bytes. */
  uint(n: number): number {
    this.need(n);
    const v = this.buf.readUIntLE(this.pos, n);
    this.pos += n;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  rest(): Buffer {
    const b = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return b;
  }

  /** A length-encoded integer (the client protocol's: 1, 3, 4 or 9 bytes). */
  lenenc(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return Number(this.u64());
    throw new Error(`binlog event has an invalid length-encoded integer (0x${first.toString(16)})`);
  }

  /** A bitmap of n bits, least significant bit of the first byte first. */
  bitmap(n: number): boolean[] {
    const bytes = this.bytes((n + 7) >> 3);
    const bits = new Array<boolean>(n);
    for (let i = 0; i < n; i++) bits[i] = (bytes[i >> 3]! & (1 << (i & 7))) !== 0;
    return bits;
  }

  get remaining(): number {
    return this.end - this.pos;
  }
}

export interface FormatDescription {
  readonly binlogVersion: number;
  readonly serverVersion: string;
  readonly createTimestamp: number;
  readonly commonHeaderLength: number;
  /** Post-header length of each event type (index = type - 1). */
  readonly postHeaderLengths: Buffer;
  /** The checksum algorithm of the events that follow (checksumNone/checksumCrc32). */
  readonly checksum: number;
}

/** A server that writes the checksum algorithm into its FORMAT_DESCRIPTION (MySQL 5.6.1+, MariaDB 5.3+). */
function checksumAware(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const n = major * 10000 + minor * 100 + patch;
  return /mariadb/i.test(version) ? n >= 50300 : n >= 50601;
}

/**
 * FORMAT_DESCRIPTION: a checksum-aware server always ends it with the algorithm byte and 4 CRC
 * bytes (zeros when the checksum is off), whatever binlog_checksum says.
 */
export function decodeFormatDescription(event: Buffer): FormatDescription {
  const c = new Cursor(event, headerLength);
  const binlogVersion = c.u16();
  const serverVersion = c.bytes(50).toString('latin1').replace(/\0.*$/s, '');
  const createTimestamp = c.u32();
  const commonHeaderLength = c.u8();
  const aware = checksumAware(serverVersion);
  const end = aware ? event.length - 5 : event.length;
  const postHeaderLengths = Buffer.from(event.subarray(c.pos, end));
  const checksum = aware ? event[event.length - 5]! : checksumNone;
  return { binlogVersion, serverVersion, createTimestamp, commonHeaderLength, postHeaderLengths, checksum };
}

/** The post-header length of an event type, or its v4 default when the FORMAT_DESCRIPTION has none. */
export function postHeaderLength(fd: FormatDescription | undefined, type: number, fallback: number): number {
  const n = fd?.postHeaderLengths[type - 1];
  return n === undefined ? fallback : n;
}

export interface RotateBody {
  readonly pos: number;
  readonly nextFile: string;
}

/** ROTATE: the next file's name and the position to read it from; `body` is without the checksum. */
export function decodeRotate(body: Buffer): RotateBody {
  const c = new Cursor(body, headerLength);
  const pos = Number(c.u64());
  return { pos, nextFile: c.rest().toString('utf8') };
}

export interface QueryBody {
  readonly threadId: number;
  readonly errorCode: number;
  /** The default database of the statement ('' when none). */
  readonly database: string;
  readonly query: string;
}

/** QUERY (and MariaDB's QUERY_COMPRESSED, whose statement text is zlib-compressed). */
export function decodeQuery(body: Buffer, fd: FormatDescription | undefined, compressed = false): QueryBody {
  const postHeader = postHeaderLength(fd, EventType.QUERY, 13);
  const c = new Cursor(body, headerLength);
  const threadId = c.u32();
  c.u32(); // execution time
  const dbLength = c.u8();
  const errorCode = c.u16();
  const statusLength = postHeader >= 13 ? c.u16() : 0;
  c.pos = headerLength + postHeader;
  c.bytes(statusLength);
  const database = c.bytes(dbLength).toString('utf8');
  c.u8(); // the database name's terminating 0
  let text = c.rest();
  if (compressed) text = uncompressMariadb(text);
  return { threadId, errorCode, database, query: text.toString('utf8') };
}

/** XID: the storage engine's transaction id (the commit of a transactional group). */
export function decodeXid(body: Buffer): bigint {
  return new Cursor(body, headerLength).u64();
}

export interface MariadbGtid {
  readonly seqNo: bigint;
  readonly domainId: number;
  /** FL_STANDALONE: a group of one statement (DDL) with no XID/COMMIT after it. */
  readonly standalone: boolean;
}

/** MariaDB's GTID event: starts every event group (in place of MySQL's BEGIN). */
export function decodeMariadbGtid(body: Buffer): MariadbGtid {
  const c = new Cursor(body, headerLength);
  const seqNo = c.u64();
  const domainId = c.u32();
  const flags = c.u8();
  return { seqNo, domainId, standalone: (flags & 0x01) !== 0 };
}

/** A column type of a TABLE_MAP event with its metadata bytes (0, 1 or 2 of them). */
export interface MappedColumn {
  readonly type: number;
  /** Metadata as TABLE_MAP stores it, interpreted per type by binlog-values.ts. */
  readonly meta: readonly number[];
}

export interface TableMap {
  readonly tableId: number;
  readonly database: string;
  readonly table: string;
  readonly columns: readonly MappedColumn[];
  /**
   * The column names as they were when the event was written: the optional metadata's
   * COLUMN_NAME field (binlog_row_metadata=FULL, MySQL 8.0.1+, MariaDB 10.5+). Absent when
   * the server did not write them (or wrote another number of them than there are columns).
   */
  readonly columnNames?: readonly string[];
}

/** The optional metadata field types of TABLE_MAP (libbinlogevents' Optional_metadata_field_type). */
export const TableMapMetadata = {
  SIGNEDNESS: 1,
  DEFAULT_CHARSET: 2,
  COLUMN_CHARSET: 3,
  COLUMN_NAME: 4,
  SET_STR_VALUE: 5,
  ENUM_STR_VALUE: 6,
  GEOMETRY_TYPE: 7,
  SIMPLE_PRIMARY_KEY: 8,
  PRIMARY_KEY_WITH_PREFIX: 9,
  ENUM_AND_SET_DEFAULT_CHARSET: 10,
  ENUM_AND_SET_COLUMN_CHARSET: 11,
  COLUMN_VISIBILITY: 12,
} as const;

/** How many metadata bytes TABLE_MAP stores for a column type. */
export function metadataLength(type: number): number {
  switch (type) {
    case ColumnType.FLOAT:
    case ColumnType.DOUBLE:
    case ColumnType.BLOB:
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.GEOMETRY:
    case ColumnType.JSON:
    case ColumnType.TIME2:
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP2:
      return 1;
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
    case ColumnType.BIT:
    case ColumnType.NEWDECIMAL:
    case ColumnType.STRING:
    case ColumnType.ENUM:
    case ColumnType.SET:
      return 2;
    default:
      return 0;
  }
}

/** MySQL's field types (enum_field_types) as row images and TABLE_MAP carry them. */
export const ColumnType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

/** Table ids are 6 bytes, or 4 in the post-header of old (5.0) formats. */
function readTableId(c: Cursor, postHeader: number): number {
  return postHeader === 6 ? c.u32() : c.uint(6);
}

/** TABLE_MAP: the table a following row event's table id stands for, with its column types. */
export function decodeTableMap(body: Buffer, fd: FormatDescription | undefined): TableMap {
  const postHeader = postHeaderLength(fd, EventType.TABLE_MAP, 8);
  const c = new Cursor(body, headerLength);
  const tableId = readTableId(c, postHeader);
  c.pos = headerLength + postHeader;
  const database = c.bytes(c.u8()).toString('utf8');
  c.u8();
  const table = c.bytes(c.u8()).toString('utf8');
  c.u8();
  const count = c.lenenc();
  const types = [...c.bytes(count)];
  const metaLength = c.lenenc();
  const metaEnd = c.pos + metaLength;
  const columns: MappedColumn[] = types.map((type) => {
    const n = metadataLength(type);
    const meta: number[] = [];
    for (let i = 0; i < n; i++) meta.push(c.u8());
    return { type, meta };
  });
  if (c.pos !== metaEnd) throw new Error(`TABLE_MAP of ${database}.${table}: column metadata is ${metaLength} bytes, ${c.pos - (metaEnd - metaLength)} expected from the column types`);
  c.bytes((count + 7) >> 3); // the null bitmap
  const columnNames = readColumnNames(c, count, `${database}.${table}`);
  return { tableId, database, table, columns, ...(columnNames ? { columnNames } : {}) };
}

/**
 * The optional metadata after TABLE_MAP's null bitmap (to the end of the body): fields of a
 * type byte, a length (length-encoded integer) and that many bytes. Only COLUMN_NAME is read
 * (a length-encoded string per column); the others are skipped by their length. A field
 * whose length runs past the event is an error; none at all (binlog_row_metadata=NO_LOG,
 * older servers) gives undefined.
 */
function readColumnNames(c: Cursor, count: number, table: string): string[] | undefined {
  let names: string[] | undefined;
  while (c.remaining > 0) {
    const type = c.u8();
    const length = c.lenenc();
    if (length > c.remaining) throw new Error(`TABLE_MAP of ${table}: optional metadata field ${type} of ${length} bytes runs past the event's end`);
    const end = c.pos + length;
    if (type === TableMapMetadata.COLUMN_NAME) {
      const f = new Cursor(c.buf, c.pos, end);
      const out: string[] = [];
      while (f.remaining > 0) out.push(f.bytes(f.lenenc()).toString('utf8'));
      names = out;
    }
    c.pos = end;
  }
  return names && names.length === count ? names : undefined;
}

export interface RowsBody {
  readonly kind: RowsKind;
  readonly tableId: number;
  readonly flags: number;
  readonly columnCount: number;
  /** The columns each image holds (v1/v2 "columns present" bitmap). */
  readonly present: readonly boolean[];
  /** Update events: the columns of the after image. */
  readonly presentAfter?: readonly boolean[];
  /** The row images, from `start` to the buffer's end. */
  readonly rows: Buffer;
  readonly start: number;
}

/** WRITE/UPDATE/DELETE_ROWS v1 and v2 (and MariaDB's compressed forms): the images still encoded. */
export function decodeRowsHeader(body: Buffer, type: number, fd: FormatDescription | undefined): RowsBody {
  const info = rowsEventInfo(type);
  if (!info) throw new Error(`event type ${type} is not a row event`);
  // v1 post-header: table id + flags (8); v2 adds the extra-data length (10).
  const postHeader = postHeaderLength(fd, type, info.v2 ? 10 : 8);
  const c = new Cursor(body, headerLength);
  const tableId = readTableId(c, postHeader);
  const flags = c.u16();
  if (info.v2) {
    const extra = c.u16();
    c.pos = headerLength + postHeader;
    c.bytes(Math.max(0, extra - 2));
  } else {
    c.pos = headerLength + postHeader;
  }
  const columnCount = c.lenenc();
  const present = c.bitmap(columnCount);
  const presentAfter = info.kind === 'update' ? c.bitmap(columnCount) : undefined;
  let rows = body;
  let start = c.pos;
  if (info.compressed) {
    rows = uncompressMariadb(c.rest());
    start = 0;
  }
  return { kind: info.kind, tableId, flags, columnCount, present, ...(presentAfter ? { presentAfter } : {}), rows, start };
}

/**
 * MariaDB's compressed event payload (log_bin_compress): one byte 0x80 | n, the uncompressed
 * length in n big-endian bytes, then a zlib stream.
 */
export function uncompressMariadb(data: Buffer): Buffer {
  const head = data[0];
  if (head === undefined || (head & 0x80) === 0) throw new Error('compressed binlog event has no compression header');
  const lenlen = head & 0x07;
  if (lenlen < 1 || lenlen > 4 || data.length < 1 + lenlen) throw new Error('compressed binlog event has an invalid length header');
  const length = data.readUIntBE(1, lenlen);
  const out = inflateSync(data.subarray(1 + lenlen));
  if (out.length !== length) throw new Error(`compressed binlog event inflates to ${out.length} bytes, ${length} expected`);
  return out;
}

/** HEARTBEAT: the file the dump thread is at (its position is the header's nextPos). */
export function decodeHeartbeat(body: Buffer): string {
  return body.subarray(headerLength).toString('utf8');
}
