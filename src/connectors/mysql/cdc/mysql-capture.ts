/**
 * Change capture of MySQL/MariaDB sources from the row-based binary log (ChangeCapture of
 * spi/changes.ts). Nothing is created on the server: positions are binlog coordinates, the
 * stream is a replication connection (COM_BINLOG_DUMP) with a server id of the task's own, and
 * the server keeps binlogs by its own expiry (binlog_expire_logs_seconds), so acknowledging
 * only records the position.
 */
import type { CaptureOptions, ChangeCapture, ChangeStream, SourcePosition } from '../../spi/changes.js';
import { ConnectorError, type ClassifiedError } from '../../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../../spi/connection-params.js';
import { classifyMysqlError } from '../mysql-errors.js';
import { mysqlFlavourOf, openMysqlSession, type MysqlSession } from '../mysql-session.js';
import { loadCaptureColumns } from './binlog-columns.js';
import { startBinlogDump, type BinlogDump } from './binlog-dump.js';
import { EventType, readHeader } from './binlog-events.js';
import { comparePositions, fileSequence, formatPosition, parseCoordinates, parsePosition } from './binlog-position.js';
import { BinlogChangeStream } from './binlog-stream.js';
import { binlogRowMetadataWarning, checkBinlogSettings, checkReplicationGrants, type BinlogSettings } from './cdc-prerequisites.js';

/** Replica server ids of OpenDMS: far from the small ids real servers use. */
const minServerId = 1_000_000;
const maxServerId = 4_000_000_000;

/** A stable server id for a task (FNV-1a of its id), never `avoid` (the source's own server_id). */
export function serverIdOf(taskId: string, avoid?: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(taskId, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let id = minServerId + (h % (maxServerId - minServerId + 1));
  if (id === avoid) id = id === maxServerId ? minServerId : id + 1;
  return id;
}

const historyLostHint = "Reload the task's tables (StartReplicationTask with reload-target): the changes since the task's position can no longer be read.";

/** How often the server sends a heartbeat on an idle stream. */
const heartbeatMs = 1000;

interface BinaryLogRow {
  Log_name: string;
  File_size?: string | number;
}

export async function openMysqlChangeCapture(params: ConnectionParams, signal: AbortSignal): Promise<ChangeCapture> {
  const capture = new MysqlChangeCapture(params);
  // Fails fast (auth, network, TLS) before the caller plans anything.
  await capture.run(signal, async (s) => {
    await s.query('SELECT 1');
  });
  return capture;
}

class MysqlChangeCapture implements ChangeCapture {
  private readonly flavour: string;
  private readonly target: string;
  private readonly streams = new Set<ChangeStream>();
  /** Aborted by close(): ends every operation still running. */
  private readonly closing = new AbortController();

  constructor(private readonly params: ConnectionParams) {
    this.flavour = mysqlFlavourOf(params);
    this.target = describeTarget(params);
  }

  private get where(): string {
    return `${this.flavour} at ${this.target}`;
  }

  async checkPrerequisites(signal: AbortSignal): Promise<void> {
    await this.run(signal, async (s) => {
      const settings = await readBinlogSettings(s);
      const wrong = checkBinlogSettings(settings, this.where);
      if (wrong) throw new ConnectorError(wrong);
      const grants = await s.query<Record<string, string>>('SHOW GRANTS');
      const lines = grants.map((r) => String(Object.values(r)[0] ?? ''));
      const missing = checkReplicationGrants(lines, this.where, await isMariadb(s));
      if (missing) throw new ConnectorError(missing);
    });
  }

  /** The current end of the binlog: every change committed after the caller's snapshot comes after it. */
  prepare(_opts: CaptureOptions, signal: AbortSignal): Promise<SourcePosition> {
    return this.run(signal, async (s) => {
      const rows = await masterStatus(s);
      const row = rows[0];
      if (!row?.File) {
        throw new ConnectorError({
          kind: 'not-configured',
          message: `${this.where} has no binary log (SHOW MASTER STATUS is empty): log_bin is OFF`,
          hint: "In the server's my.cnf, [mysqld] section, set log_bin = mysql-bin, binlog_format = ROW and binlog_row_image = FULL, then restart the server.",
        });
      }
      return formatPosition({ file: String(row.File), pos: Number(row.Position) });
    });
  }

  /**
   * The start of the newest binlog whose first event is at or before `time`: every change after
   * `time` comes after it (some earlier ones of that file too, which the idempotent apply makes
   * harmless). Rejects with 'history-lost' when even the oldest binlog starts after `time`.
   */
  positionAt(time: Date, signal: AbortSignal): Promise<SourcePosition> {
    return this.run(signal, async (s) => {
      const logs = (await s.query<BinaryLogRow>('SHOW BINARY LOGS')).map((r) => String(r.Log_name));
      const ownId = await serverIdOfServer(s);
      const started = async (file: string): Promise<number> => firstEventTime(this.params, file, randomServerId(ownId), AbortSignal.any([signal, this.closing.signal]));
      const want = Math.floor(time.getTime() / 1000);
      // Binlogs start in order: binary search for the last one started at or before `time`.
      let lo = 0;
      let hi = logs.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((await started(logs[mid]!)) <= want) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0) {
        throw new ConnectorError({
          kind: 'history-lost',
          message: `${this.where}: the oldest binary log${logs[0] ? ` (${logs[0]})` : ''} starts after ${time.toISOString()}, so the changes since then are no longer all there`,
          hint: "Use a later CdcStartTime, or reload the task's tables (StartReplicationTask with reload-target).",
        });
      }
      return formatPosition({ file: logs[found]!, pos: 4 });
    });
  }

  parsePosition(text: string): SourcePosition {
    return parsePosition(text);
  }

  comparePositions(a: SourcePosition, b: SourcePosition): number {
    return comparePositions(a, b);
  }

  async openStream(opts: CaptureOptions, from: SourcePosition, signal: AbortSignal): Promise<ChangeStream> {
    const start = parseCoordinates(from);
    const info = await this.run(signal, async (s) => {
      const logs = await s.query<BinaryLogRow>('SHOW BINARY LOGS');
      const log = logs.find((r) => String(r.Log_name) === start.file);
      if (!log) {
        const oldest = logs[0] ? String(logs[0].Log_name) : undefined;
        const purged = oldest !== undefined && fileSequence(start.file) < fileSequence(oldest);
        throw new ConnectorError({
          kind: 'history-lost',
          message: `${this.where}: binary log ${start.file} of position ${from} ${purged ? `has been purged (the oldest one is ${oldest})` : 'is not on the server'}`,
          hint: historyLostHint,
        });
      }
      const notice = binlogRowMetadataWarning(await readBinlogSettings(s), this.where);
      return { mariadb: await isMariadb(s), ownId: await serverIdOfServer(s), notice };
    });
    const combined = AbortSignal.any([signal, this.closing.signal]);
    const stream = new BinlogChangeStream(
      {
        from: start,
        tables: opts.tables,
        mariadb: info.mariadb,
        ...(info.notice !== undefined ? { notice: info.notice } : {}),
        loadColumns: (table, sig) => this.run(sig, (s) => loadCaptureColumns(s, table)),
        classify: (err) => this.classifyStream(err),
        onClose: () => this.streams.delete(stream),
      },
      combined,
    );
    let dump: BinlogDump;
    try {
      dump = await startBinlogDump(this.params, combined, { file: start.file, pos: start.pos, serverId: serverIdOf(opts.taskId, info.ownId), heartbeatMs }, stream.handler);
    } catch (err) {
      await stream.close();
      if (combined.aborted) throw signal.aborted ? signal.reason : new Error('the change capture was closed');
      throw this.classify(err);
    }
    stream.attach(dump);
    this.streams.add(stream);
    return stream;
  }

  /** Nothing was created for the task. */
  async release(_opts: CaptureOptions, _signal: AbortSignal): Promise<void> {}

  async close(): Promise<void> {
    this.closing.abort(new Error('the change capture was closed'));
    for (const s of [...this.streams]) await s.close();
  }

  /** One connection for one operation, classified errors, closed before it settles. */
  async run<T>(signal: AbortSignal, work: (s: MysqlSession) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    let session: MysqlSession | undefined;
    try {
      session = await openMysqlSession(this.params, combined);
      return await work(session);
    } catch (err) {
      if (combined.aborted) throw signal.aborted ? signal.reason : new Error('the change capture was closed');
      throw this.classify(err);
    } finally {
      await session?.close();
    }
  }

  private classify(err: unknown): Error {
    if (err instanceof ConnectorError) return err;
    return new ConnectorError(classifyMysqlError(err, this.flavour, this.target), { cause: err });
  }

  /** A dump's failure: the binlog gone (1236) is history lost; the rest as any driver error. */
  private classifyStream(err: unknown): Error {
    if (err instanceof ConnectorError) return err;
    const lost = binlogGone(err, this.where);
    return lost ? new ConnectorError(lost, { cause: err }) : this.classify(err);
  }
}

/** ER_MASTER_FATAL_ERROR_READING_BINLOG (1236): the requested binlog (or position) is not there. */
export function binlogGone(err: unknown, where: string): ClassifiedError | undefined {
  const e = err as { errno?: unknown; code?: unknown; message?: unknown } | undefined;
  if (e?.errno !== 1236 && e?.code !== 'ER_MASTER_FATAL_ERROR_READING_BINLOG') return undefined;
  const text = typeof e.message === 'string' ? e.message : String(err);
  if (/max_allowed_packet/i.test(text)) return undefined;
  return { kind: 'history-lost', message: `${where} cannot send the binary log from the task's position: ${text}`, hint: historyLostHint };
}

async function readBinlogSettings(s: MysqlSession): Promise<BinlogSettings> {
  const rows = await s.query<Record<string, string | number | null>>(
    'SELECT @@global.log_bin AS log_bin, @@global.binlog_format AS binlog_format, @@global.binlog_row_image AS binlog_row_image, @@global.server_id AS server_id',
  );
  const r = rows[0] ?? {};
  const optional = async (name: string): Promise<string | number | null | undefined> => {
    try {
      const x = await s.query<Record<string, string | number | null>>(`SELECT @@global.${name} AS v`);
      return x[0]?.v ?? null;
    } catch {
      return undefined; // not a variable of this server
    }
  };
  const compression = await optional('binlog_transaction_compression');
  const valueOptions = await optional('binlog_row_value_options');
  const rowMetadata = await optional('binlog_row_metadata');
  return {
    log_bin: r.log_bin ?? null,
    binlog_format: r.binlog_format === null || r.binlog_format === undefined ? null : String(r.binlog_format),
    binlog_row_image: r.binlog_row_image === null || r.binlog_row_image === undefined ? null : String(r.binlog_row_image),
    server_id: r.server_id ?? null,
    ...(compression !== undefined ? { binlog_transaction_compression: compression } : {}),
    ...(valueOptions !== undefined ? { binlog_row_value_options: valueOptions === null ? null : String(valueOptions) } : {}),
    ...(rowMetadata !== undefined ? { binlog_row_metadata: rowMetadata === null ? null : String(rowMetadata) } : {}),
  };
}

/** SHOW MASTER STATUS, or its MySQL 8.4 name SHOW BINARY LOG STATUS. */
async function masterStatus(s: MysqlSession): Promise<{ File?: string; Position?: string | number }[]> {
  try {
    return await s.query('SHOW MASTER STATUS');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ER_PARSE_ERROR') throw err;
    return s.query('SHOW BINARY LOG STATUS');
  }
}

async function isMariadb(s: MysqlSession): Promise<boolean> {
  const rows = await s.query<{ v: string }>('SELECT VERSION() AS v');
  return /mariadb/i.test(String(rows[0]?.v ?? ''));
}

async function serverIdOfServer(s: MysqlSession): Promise<number> {
  const rows = await s.query<{ id: string | number }>('SELECT @@server_id AS id');
  return Number(rows[0]?.id ?? 0);
}

/** A one-off replica id for short probes (never the task's stream id, which they would end). */
function randomServerId(avoid: number): number {
  return serverIdOf(`probe:${Math.random()}:${Date.now()}`, avoid);
}

/** When a binlog was started: the timestamp of its FORMAT_DESCRIPTION event (its first). */
async function firstEventTime(params: ConnectionParams, file: string, serverId: number, signal: AbortSignal): Promise<number> {
  let dump: BinlogDump | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      startBinlogDump(params, signal, { file, pos: 4, serverId, nonBlocking: true }, {
        onEvent: (event) => {
          const h = readHeader(event);
          if (h.type === EventType.FORMAT_DESCRIPTION) resolve(h.timestamp);
        },
        onEnd: () => reject(new Error(`binary log ${file} has no FORMAT_DESCRIPTION event`)),
        onError: (err) => reject(err),
      }).then(
        (d) => {
          dump = d;
        },
        reject,
      );
    });
  } finally {
    // The promise may settle before startBinlogDump resolves: destroy once it has.
    const d = dump;
    if (d) d.destroy();
    else setImmediate(() => dump?.destroy());
  }
}
