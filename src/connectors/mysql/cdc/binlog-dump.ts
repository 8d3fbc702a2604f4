/**
 * A replication connection: COM_BINLOG_DUMP on a mysql2 connection, handing out each event's
 * raw bytes. mysql2's own BinlogDump command parses a few event types and drops the bytes of the
 * others, so this sends the command itself as a mysql2 command object (the connection's
 * packet framing, sequence ids and pause/resume stay mysql2's).
 */
import { EventEmitter } from 'node:events';
import type { Connection } from 'mysql2';
import type { ConnectionParams } from '../../spi/connection-params.js';
import { openMysqlSession, type MysqlSession } from '../mysql-session.js';
import { checksumOfSetting } from './binlog-events.js';

/** COM_BINLOG_DUMP and its flag that makes the server send EOF at the end instead of waiting. */
const COM_BINLOG_DUMP = 0x12;
export const BINLOG_DUMP_NON_BLOCK = 0x01;

export interface DumpRequest {
  readonly file: string;
  readonly pos: number;
  /** This replica's server id: the server ends an older dump with the same id. */
  readonly serverId: number;
  /** Send EOF at the end of the log instead of waiting for new events. */
  readonly nonBlocking?: boolean;
  /** How often the server sends a heartbeat while it has nothing to send. */
  readonly heartbeatMs?: number;
}

export interface DumpHandler {
  /** One event: header, body and (when binlog_checksum is CRC32) its checksum. */
  onEvent(event: Buffer): void;
  /** The end of the log (non-blocking dumps only). */
  onEnd(): void;
  /** The server's error packet, or the connection lost. */
  onError(err: unknown): void;
}

export interface BinlogDump {
  /** @@global.binlog_checksum when the dump started (before the first FORMAT_DESCRIPTION). */
  readonly checksum: number;
  /** Stops reading the socket (back-pressure); events already read stay with mysql2. */
  pause(): void;
  resume(): void;
  /** Ends the connection at once. */
  destroy(): void;
}

/** The minimal packet object mysql2's writePacket takes. */
function commandPacket(payload: Buffer): { buffer: Buffer; length(): number; writeHeader(seq: number): void } {
  const buffer = Buffer.alloc(4 + payload.length);
  payload.copy(buffer, 4);
  return {
    buffer,
    length: () => buffer.length,
    writeHeader(seq: number) {
      buffer.writeUIntLE(buffer.length - 4, 0, 3);
      buffer[3] = seq;
    },
  };
}

interface MysqlPacket {
  buffer: Buffer;
  offset: number;
  end: number;
  asError(encoding?: string): Error;
}

/** mysql2's internals a command object uses (the same ones its own commands use). */
interface ConnectionInternals {
  addCommand(cmd: unknown): unknown;
  writePacket(packet: unknown): void;
  _resetSequenceId(): void;
  clientEncoding?: string;
  stream?: { destroy(): void };
  pause(): void;
  resume(): void;
}

/**
 * Opens a connection, announces what this replica understands (checksums, MariaDB GTID events,
 * heartbeats) and starts the dump. Resolves once the command is sent; events, the end and
 * errors then go to `handler`. The caller destroys the dump; aborting `signal` destroys it too.
 */
export async function startBinlogDump(params: ConnectionParams, signal: AbortSignal, req: DumpRequest, handler: DumpHandler): Promise<BinlogDump> {
  const session = await openMysqlSession(params, signal);
  try {
    return await dumpOn(session, req, handler);
  } catch (err) {
    session.destroy();
    throw err;
  }
}

async function dumpOn(session: MysqlSession, req: DumpRequest, handler: DumpHandler): Promise<BinlogDump> {
  let checksumSetting = 'NONE';
  try {
    const rows = await session.query<{ c: string | null }>('SELECT @@global.binlog_checksum AS c');
    checksumSetting = String(rows[0]?.c ?? 'NONE');
  } catch {
    // A server before checksums (MySQL 5.5): none.
  }
  // The server sends checksummed events only to a replica that says it can verify them (and
  // refuses the dump otherwise); MySQL 8.0.26+ also reads the source_ spelling.
  await session.query('SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum');
  // MariaDB: send GTID events as they are (capability 4 = GTID), not rewritten into BEGIN queries.
  await session.query('SET @mariadb_slave_capability = 4');
  if (req.heartbeatMs) {
    const ns = Math.max(1, Math.round(req.heartbeatMs)) * 1_000_000;
    await session.query(`SET @master_heartbeat_period = ${ns}, @source_heartbeat_period = ${ns}`);
  }
  // A paused consumer (back-pressure) must not make the server give up on the connection.
  await session.query('SET SESSION net_write_timeout = 86400').catch(() => undefined);

  const connection = session.connection as Connection & ConnectionInternals;
  const name = Buffer.from(req.file, 'utf8');
  const payload = Buffer.alloc(11 + name.length);
  payload[0] = COM_BINLOG_DUMP;
  payload.writeUInt32LE(req.pos, 1);
  payload.writeUInt16LE(req.nonBlocking ? BINLOG_DUMP_NON_BLOCK : 0, 5);
  payload.writeUInt32LE(req.serverId >>> 0, 7);
  name.copy(payload, 11);

  let finished = false;
  const finish = (report: () => void): void => {
    if (finished) return;
    finished = true;
    report();
  };
  let started = false;
  const command = Object.assign(new EventEmitter(), {
    execute(packet: MysqlPacket | undefined, conn: ConnectionInternals): boolean {
      if (!started) {
        started = true;
        conn._resetSequenceId();
        conn.writePacket(commandPacket(payload));
        return false;
      }
      if (!packet) return false;
      const first = packet.buffer[packet.offset];
      if (first === 0xff) {
        const err = packet.asError(conn.clientEncoding);
        finish(() => handler.onError(err));
        return true;
      }
      if (first === 0xfe && packet.end - packet.offset < 9) {
        finish(() => handler.onEnd());
        return true;
      }
      // 0x00 (OK marker), then the event. Copied: mysql2 may reuse its buffers.
      handler.onEvent(Buffer.from(packet.buffer.subarray(packet.offset + 1, packet.end)));
      return false;
    },
    /** mysql2 calls this when the connection fails while the command runs. */
    onResult(err: unknown): void {
      finish(() => handler.onError(err));
    },
    stateName: () => 'binlogDump',
  });
  session.torn.catch((err: unknown) => finish(() => handler.onError(err)));
  connection.addCommand(command);
  return {
    checksum: checksumOfSetting(checksumSetting),
    pause: () => connection.pause(),
    resume: () => connection.resume(),
    destroy: () => {
      finished = true;
      // Close the socket itself, not only our side: the server's dump thread then ends at its next write.
      connection.stream?.destroy();
      session.destroy();
    },
  };
}
