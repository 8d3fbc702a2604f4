/**
 * ChangeCapture for PostgreSQL: logical replication with the built-in pgoutput plugin.
 *
 * prepare() keeps, for the task, two publications (publications.ts) and a logical slot named
 * from the task id (or the endpoint's SlotName); openStream() reads the slot on a replication
 * connection (replication-stream.ts). Catalog work runs on a data session of its own per
 * operation, closed before the operation settles.
 *
 * Source DDL: prepare() and openStream() install the database's DDL event triggers when they
 * can (ddl-event-triggers.ts); a stream without them warns once that CREATE/DROP TABLE are not
 * captured. release() drops them with the last task of the database.
 *
 * Tables the engine watches (created on the source while the stream ran) are remembered per
 * slot, so that a stream reopened with the run's first CaptureOptions (a reconnect) keeps
 * them in the publication; and a reopened stream leaves out selected tables dropped since.
 *
 * There is no positionAt: a slot cannot go back in time, so a CdcStartTime cannot be served.
 */
import type pg from 'pg';
import type { CaptureOptions, ChangeCapture, ChangeStream, SourcePosition, StreamNotice } from '../../spi/changes.js';
import type { TableRef } from '../../spi/data-types.js';
import { describeTarget, type ConnectionParams } from '../../spi/connection-params.js';
import { openDataSession, raceAbort } from '../postgres-session.js';
import { captureError, notConfigured, slotInvalidated, slotMissing } from './capture-errors.js';
import { ddlCaptureWarning, dropDdlTriggersUnlessShared, ensureDdlTriggers, minimumMessagesVersion } from './ddl-event-triggers.js';
import { comparePositions, lsnOfPosition, parseLsn, parsePosition, positionOfLsn } from './lsn.js';
import { addToPublications, dropPublications, publicationNamesOf, slotNameOf, syncPublications, type PublicationPlan } from './publications.js';
import { openReplicationStream } from './replication-stream.js';
import { qualifiedName } from '../postgres-types.js';

const walLevelHint =
  'set wal_level = logical in postgresql.conf and restart PostgreSQL (Amazon RDS and Aurora: set rds.logical_replication = 1 in the DB parameter group and reboot)';

/** DMS's PluginName values that mean pgoutput here. */
const pgoutputPlugins = new Set(['', 'pgoutput', 'no-preference']);

/** How long release() waits for a terminated walsender to let go of the slot. */
const releaseWaitMs = 10_000;

/** Checks that `params` reaches the server, and returns the capture (which holds no connection until used). */
export async function openPostgresChangeCapture(params: ConnectionParams, signal: AbortSignal): Promise<ChangeCapture> {
  const capture = new PostgresChangeCapture(params);
  await capture.run(signal, '', async (c) => {
    await c.query('SELECT 1');
  });
  return capture;
}

interface SlotRow {
  readonly slot_name: string;
  readonly plugin: string | null;
  readonly slot_type: string;
  readonly database: string | null;
  readonly active: boolean;
  readonly active_pid: number | null;
  readonly confirmed_flush_lsn: string | null;
  /** PostgreSQL 13+. */
  readonly wal_status?: string | null;
}

class PostgresChangeCapture implements ChangeCapture {
  private readonly target: string;
  private readonly streams = new Set<ChangeStream>();
  /** Per slot, the tables added by ChangeStream.watch, by `schema\0name`. */
  private readonly watched = new Map<string, Map<string, TableRef>>();

  constructor(private readonly params: ConnectionParams) {
    this.target = describeTarget(params);
  }

  async checkPrerequisites(signal: AbortSignal): Promise<void> {
    await this.run(signal, '', async (c) => {
      const r = (
        await c.query<{
          wal_level: string;
          max_slots: number;
          max_senders: number;
          version: number;
          rolsuper: boolean;
          rolreplication: boolean;
          user: string;
          rds_replication: boolean;
        }>(
          `SELECT current_setting('wal_level') AS wal_level,
                  current_setting('max_replication_slots')::int AS max_slots,
                  current_setting('max_wal_senders')::int AS max_senders,
                  current_setting('server_version_num')::int AS version,
                  r.rolsuper, r.rolreplication, current_user AS user,
                  EXISTS (SELECT 1 FROM pg_roles g
                           WHERE g.rolname = 'rds_replication' AND pg_has_role(current_user, g.oid, 'MEMBER')) AS rds_replication
             FROM pg_roles r WHERE r.rolname = current_user`,
        )
      ).rows[0]!;
      if (r.version < 100000) {
        throw notConfigured(this.target, `change data capture needs PostgreSQL 10 or later (logical replication with pgoutput), the server is ${r.version}`, 'upgrade PostgreSQL');
      }
      if (r.wal_level !== 'logical') {
        throw notConfigured(this.target, `wal_level is ${r.wal_level}, change data capture needs logical`, walLevelHint);
      }
      if (!r.rolsuper && !r.rolreplication && !r.rds_replication) {
        throw notConfigured(
          this.target,
          `the user ${r.user} may not use replication (it has neither the REPLICATION attribute nor superuser)`,
          `run ALTER ROLE ${quoteRole(r.user)} WITH REPLICATION as a superuser (Amazon RDS and Aurora: GRANT rds_replication TO ${quoteRole(r.user)})`,
        );
      }
      if (r.max_slots < 1) {
        throw notConfigured(this.target, 'max_replication_slots is 0, change data capture needs a replication slot', 'set max_replication_slots (at least 1 per task) in postgresql.conf and restart PostgreSQL');
      }
      if (r.max_senders < 1) {
        throw notConfigured(this.target, 'max_wal_senders is 0, change data capture needs a WAL sender', 'set max_wal_senders (at least 1 per task) in postgresql.conf and restart PostgreSQL');
      }
      // Whether a slot is still free depends on whether the task's slot exists already, which
      // only prepare() knows (it checks before it creates one).
    });
  }

  async prepare(opts: CaptureOptions, signal: AbortSignal): Promise<SourcePosition> {
    const slot = this.slotOf(opts);
    return this.run(signal, slot, async (c) => {
      await syncPublications(c, publicationNamesOf(opts.taskId), opts.tables, this.target);
      // The publications exist before the slot: decoding from the slot's first position finds them.
      // So do the DDL triggers: DDL during the full load reaches the stream. (After the
      // publications: a concurrent release of another task sees them and keeps the triggers.)
      await ensureDdlTriggers(c);
      const existing = await readSlot(c, slot);
      if (existing) return positionOfLsn(await this.usableSlot(c, existing));
      if (opts.slotName) {
        throw notConfigured(
          this.target,
          `the replication slot "${slot}" named by the endpoint's SlotName does not exist`,
          `create it with SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput') in the database ${this.params.database ?? 'postgres'}, or remove SlotName so that OpenDMS creates a slot for the task`,
        );
      }
      const usage = (
        await c.query<{ used: number; max: number }>(
          `SELECT (SELECT count(*) FROM pg_replication_slots)::int AS used, current_setting('max_replication_slots')::int AS max`,
        )
      ).rows[0]!;
      if (usage.used >= usage.max) {
        throw notConfigured(
          this.target,
          `all ${usage.max} replication slots are in use (max_replication_slots), none is left for this task`,
          'raise max_replication_slots in postgresql.conf and restart PostgreSQL, or drop unused slots (pg_replication_slots lists them; pg_drop_replication_slot drops one)',
        );
      }
      let lsn: string;
      try {
        lsn = await createSlot(c, slot, signal, this.params);
      } catch (err) {
        // Created meanwhile by a concurrent prepare of the same task: use it.
        if ((err as { code?: unknown }).code !== '42710') throw err;
        const again = await readSlot(c, slot);
        if (!again) throw err;
        return positionOfLsn(await this.usableSlot(c, again));
      }
      return positionOfLsn(parseLsn(lsn));
    });
  }

  parsePosition(text: string): SourcePosition {
    return parsePosition(text);
  }

  comparePositions(a: SourcePosition, b: SourcePosition): number {
    return comparePositions(a, b);
  }

  async openStream(opts: CaptureOptions, from: SourcePosition, signal: AbortSignal): Promise<ChangeStream> {
    const slot = this.slotOf(opts);
    const start = lsnOfPosition(from);
    const names = publicationNamesOf(opts.taskId);
    const watched = this.watched.get(slot) ?? new Map<string, TableRef>();
    this.watched.set(slot, watched);
    const tables = [...opts.tables, ...watched.values()];
    const { confirmedFlush, plan, ddl, version } = await this.run(signal, slot, async (c) => {
      const row = await readSlot(c, slot);
      if (!row) throw slotMissing(this.target, slot);
      const confirmed = await this.usableSlot(c, row);
      // Membership follows the tables again (a table may have lost or gained its key since
      // prepare). One dropped since is left out; the stream still reports its drop.
      const synced = await syncPublications(c, names, tables, this.target, 'skip');
      // Again here: put back if dropped meanwhile, and whether they are in place decides the warning.
      const triggers = await ensureDdlTriggers(c);
      const v = Number((await c.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v);
      return { confirmedFlush: confirmed, plan: synced, ddl: triggers, version: v };
    });
    const ddlWarning = ddlCaptureWarning(ddl);
    const addTable = (table: TableRef, s: AbortSignal): Promise<readonly StreamNotice[]> =>
      this.run(s, slot, async (c) => {
        const added = await addToPublications(c, names, table, this.target);
        watched.set(`${table.schema}\u0000${table.name}`, table);
        return noticesOf(added);
      });
    const stream = await openReplicationStream(
      this.params,
      {
        slot,
        publications: [names.full, names.insertOnly],
        // Dropped ones too: a stream resuming before the DROP still reports it.
        tables,
        from: start,
        confirmedFlush,
        notices: [...noticesOf(plan), ...(ddlWarning ? [ddlWarning] : [])],
        messages: version >= minimumMessagesVersion,
        addTable,
      },
      signal,
    );
    this.streams.add(stream);
    return stream;
  }

  async release(opts: CaptureOptions, signal: AbortSignal): Promise<void> {
    const slot = this.slotOf(opts);
    // A slot given by the endpoint is the user's: only the one prepare() created is dropped.
    const owned = opts.slotName === undefined;
    await this.run(signal, slot, async (c) => {
      const row = await readSlot(c, slot);
      if (row?.active_pid != null) {
        // A stream of this task still reading (a task stopped without closing, another OpenDMS
        // process): it must let go of the slot. Someone else's reader of a user's slot stays.
        await c.query(
          `SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a
            WHERE a.pid = $1 AND ($2 OR a.application_name = 'opendms')`,
          [row.active_pid, owned],
        );
      }
      if (row && owned) await dropSlot(c, slot, signal);
      const names = publicationNamesOf(opts.taskId);
      await dropPublications(c, names);
      await dropDdlTriggersUnlessShared(c, slot, [names.full, names.insertOnly]);
      this.watched.delete(slot);
    });
  }

  async close(): Promise<void> {
    const streams = [...this.streams];
    this.streams.clear();
    await Promise.all(streams.map((s) => s.close()));
  }

  /** The slot of the task: the endpoint's SlotName (checked) or the task's own name. */
  private slotOf(opts: CaptureOptions): string {
    if (opts.pluginName !== undefined && !pgoutputPlugins.has(opts.pluginName.toLowerCase())) {
      throw notConfigured(
        this.target,
        `the endpoint's PluginName is ${opts.pluginName}, and OpenDMS captures changes with pgoutput only`,
        "set the endpoint's PluginName to pgoutput (or no-preference, or leave it empty)",
      );
    }
    if (opts.slotName === undefined) return slotNameOf(opts.taskId);
    if (!/^[a-z0-9_]{1,63}$/.test(opts.slotName)) {
      throw notConfigured(
        this.target,
        `the endpoint's SlotName "${opts.slotName}" is not a replication slot name`,
        'replication slot names are lower-case letters, digits and underscores, at most 63 characters: correct SlotName',
      );
    }
    return opts.slotName;
  }

  /** Checks that an existing slot can be read by this task here; returns its confirmed_flush_lsn. */
  private async usableSlot(c: pg.Client, row: SlotRow): Promise<bigint> {
    const slot = row.slot_name;
    if (row.slot_type !== 'logical') {
      throw notConfigured(this.target, `the replication slot "${slot}" is a physical slot`, "give SlotName a logical slot created with the pgoutput plugin, or remove SlotName");
    }
    if (row.plugin !== 'pgoutput') {
      throw notConfigured(
        this.target,
        `the replication slot "${slot}" decodes with ${row.plugin ?? 'no plugin'}, and OpenDMS reads pgoutput only`,
        `drop the slot, or give SlotName a slot created with SELECT pg_create_logical_replication_slot('<name>', 'pgoutput')`,
      );
    }
    const database = (await c.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    if (row.database !== database) {
      throw notConfigured(
        this.target,
        `the replication slot "${slot}" belongs to the database ${row.database ?? '(none)'}, not to ${database}`,
        "use a slot of the endpoint's database (SlotName), or point the endpoint's DatabaseName at the slot's database",
      );
    }
    if (row.wal_status === 'lost') throw slotInvalidated(this.target, slot, 'wal_status is lost: the WAL it needs was removed');
    if (row.confirmed_flush_lsn === null) throw slotMissing(this.target, slot);
    return parseLsn(row.confirmed_flush_lsn);
  }

  /** One data session for `work`, closed before the promise settles; errors classified for capture. */
  run<T>(signal: AbortSignal, slot: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
    return (async () => {
      signal.throwIfAborted();
      let session: Awaited<ReturnType<typeof openDataSession>> | undefined;
      try {
        session = await openDataSession(this.params, signal);
        return await raceAbort(work(session.client), signal);
      } catch (err) {
        throw captureError(err, signal, this.target, slot);
      } finally {
        await session?.close();
      }
    })();
  }
}

async function readSlot(c: pg.Client, slot: string): Promise<SlotRow | undefined> {
  return (await c.query<SlotRow>('SELECT * FROM pg_replication_slots WHERE slot_name = $1', [slot])).rows[0];
}

/**
 * Creates the logical slot; returns the LSN from which it decodes. Creating waits for the
 * transactions running on the whole cluster to end; if the caller gives up meanwhile, the
 * backend is cancelled from another connection (closing ours would go unnoticed until it
 * finished, leaving a slot behind).
 */
async function createSlot(c: pg.Client, slot: string, signal: AbortSignal, params: ConnectionParams): Promise<string> {
  const pid = (c as unknown as { processID?: number }).processID;
  const onAbort = (): void => {
    if (pid === undefined) return;
    void (async () => {
      const other = await openDataSession(params, AbortSignal.timeout(10_000));
      try {
        await other.client.query('SELECT pg_cancel_backend($1)', [pid]);
      } finally {
        await other.close();
      }
    })().catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await c.query<{ lsn: string }>(`SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
    return r.rows[0]!.lsn;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Drops the slot once no walsender holds it (a terminated one takes a moment to exit). */
async function dropSlot(c: pg.Client, slot: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + releaseWaitMs;
  for (;;) {
    try {
      await c.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      return;
    } catch (err) {
      // 55006: still active.
      if ((err as { code?: unknown }).code !== '55006' || Date.now() > deadline) throw err;
    }
    signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, 100));
  }
}

function noticesOf(plan: PublicationPlan): { kind: 'warning'; message: string }[] {
  const notices: { kind: 'warning'; message: string }[] = [];
  for (const t of plan.insertOnly) {
    const name = qualifiedName(t);
    notices.push({
      kind: 'warning',
      message:
        `table ${name} has no primary key or replica identity: only INSERT and TRUNCATE are captured; ` +
        `ALTER TABLE ${name} REPLICA IDENTITY FULL (or add a primary key) to capture UPDATE and DELETE`,
    });
  }
  for (const t of plan.missing) {
    notices.push({ kind: 'warning', message: `table ${qualifiedName(t)} selected for change capture does not exist any more (dropped on the source): nothing to capture` });
  }
  for (const t of plan.unpublishable) {
    notices.push({ kind: 'warning', message: `${qualifiedName(t)} ${t.why}: its changes cannot be captured` });
  }
  return notices;
}

function quoteRole(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
