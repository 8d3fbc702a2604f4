/**
 * Ongoing replication: captured source transactions applied to the target in commit order,
 * until the run is stopped.
 *
 * Transactions are gathered into one target transaction (at most `maxChanges` changes, or
 * whatever arrived within `maxDelayMs` of the first one), which keeps commit order and
 * atomicity per source transaction while sparing a target commit per tiny source one.
 * After the target commits: the position of the last transaction in it is persisted (the
 * task's recovery checkpoint), then acknowledged to the source — in that order, so a crash
 * at any point restarts from a position whose changes are all on the target, and replays
 * at most what came after it (harmless: the apply is idempotent, change-mapper.ts).
 *
 * A change the target refuses: the gathered transactions are applied again one change at a
 * time, the refused changes are logged with their table, key and the target's reason and
 * skipped (DMS's ApplyError*Policy LOG_ERROR), the rest is applied.
 *
 * BatchApplyEnabled: the gathered changes are reduced to their net effect per key
 * (net-changes.ts) before they are applied, in the same one target transaction.
 *
 * Source DDL (ddl-replication.ts): a transaction with a DDL change, or with row changes whose
 * columns differ from the table's plan, takes the slow path: what is gathered is committed,
 * the transaction's changes before the DDL are applied, the DDL is handled (the target table
 * and the table's mapper follow the source), then the rest; its position is checkpointed
 * once all of it is applied. The stream is not read ahead meanwhile: a table created by the
 * DDL must be watched before the stream decodes the transactions that follow.
 */
import { messageOf } from '../../common/errors.js';
import { ConnectorError } from '../../connectors/spi/index.js';
import type { Change, ChangeApplier, ChangeStream, SourceTransaction, StreamNotice, TableRef, TargetChange } from '../../connectors/spi/index.js';
import { isDataError } from '../run-errors.js';
import type { RunLog } from '../run-context.js';
import type { ChangeCounts, StatsBoard } from '../statistics/stats-board.js';
import { tableKey, type TableChangeMapper } from './change-mapper.js';
import type { DdlSignal } from './ddl-replication.js';
import { netChanges } from './net-changes.js';

/** What the loop needs of DDL replication (DdlReplication). */
export interface DdlHandler {
  concerns(s: DdlSignal): boolean;
  /** Returns the target tables whose definition may have changed. */
  handle(s: DdlSignal, stream: ChangeStream, signal: AbortSignal): Promise<readonly TableRef[]>;
}

export interface CdcLoopOptions {
  readonly stream: ChangeStream;
  readonly applier: ChangeApplier;
  /** By source table (tableKey), read at each change (DDL replication changes them). Changes of other tables are skipped. */
  readonly mappers: ReadonlyMap<string, TableChangeMapper>;
  /** Source DDL handled per ChangeProcessingDdlHandlingPolicy; absent: reported only. */
  readonly ddl?: DdlHandler;
  /** HandleSourceTableTruncated (default true): false skips captured truncates. */
  readonly applyTruncates?: boolean;
  /** BatchApplyEnabled: net changes per key. */
  readonly batchApply?: boolean;
  /**
   * A target that stops answering (a network path that drops packets without resetting the
   * connection) would hold an apply forever: after this long it is abandoned as a
   * recoverable timeout, and the run retries from its checkpoint.
   */
  readonly applyTimeoutMs: number;
  readonly board: StatsBoard;
  readonly log: RunLog;
  /** Persists the position as the task's checkpoint (with the latency of the last applied transaction); throws when it cannot. */
  readonly checkpoint: (position: string, latencyMs?: number) => void;
  readonly comparePositions: (a: string, b: string) => number;
  /** The position the stream starts after (already checkpointed). */
  readonly from: string;
  readonly maxChanges: number;
  readonly maxDelayMs: number;
  /** A task log line about throughput and latency at most this often; and one when nothing arrives for this long. */
  readonly reportEveryMs: number;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  /** When to end by itself (CdcStopPosition, StopTaskCachedChangesApplied); absent: only a stop ends it. */
  readonly stopAt?: CdcStopCondition;
}

/**
 * `commit-time`: before the first transaction committed after `at` (CdcStopPosition
 * commit_time:); `server-time`: once the source's clock passed `at` (server_time:);
 * `caught-up`: once nothing is left to apply (the changes made during the full load).
 */
export type CdcStopCondition = { readonly kind: 'commit-time' | 'server-time'; readonly at: Date } | { readonly kind: 'caught-up' };

/** Why the loop ended by itself. */
export type CdcLoopEnd = 'commit-time' | 'server-time' | 'caught-up';

/** Columns of a captured row change that differ from its table's plan; `signature` tells one drift from another. */
interface Drift {
  readonly added: string[];
  readonly missing: string[];
  readonly signature: string;
}

interface Pending {
  changes: TargetChange[];
  /** Per source transaction: its changes' range in `changes`, for the one-by-one retry. */
  transactions: { position: string; commitTime: Date; start: number; end: number }[];
  counts: Map<string, { table: TargetChange['table']; source: { schema: string; name: string }; counts: ChangeCounts }>;
}

const emptyPending = (): Pending => ({ changes: [], transactions: [], counts: new Map() });

/** Runs until the signal aborts (it then rejects with the signal's reason), the stream fails, or o.stopAt is reached. */
export async function runCdcLoop(o: CdcLoopOptions): Promise<CdcLoopEnd> {
  const iterator = o.stream[Symbol.asyncIterator]();
  let pending = emptyPending();
  let checkpointed = o.from;
  let firstPendingAt = 0;
  const warned = new Set<string>();
  const window = { changes: 0, since: Date.now(), lastLatencyMs: 0, lastChangeAt: Date.now(), lastIdleLog: Date.now() };

  /** Applies what is gathered, without a checkpoint; returns it. */
  const applyPending = async (): Promise<Pending> => {
    const batch = pending;
    pending = emptyPending();
    await applyBatch(o, batch);
    for (const { source, counts } of batch.counts.values()) o.board.addChanges(source, counts);
    return batch;
  };

  const commit = async (): Promise<void> => {
    if (pending.transactions.length === 0) return;
    const batch = await applyPending();
    const last = batch.transactions[batch.transactions.length - 1]!;
    o.checkpoint(last.position, Math.max(0, o.now().getTime() - last.commitTime.getTime()));
    checkpointed = last.position;
    await o.stream.acknowledge(last.position);
    window.changes += batch.changes.length;
    window.lastLatencyMs = o.now().getTime() - last.commitTime.getTime();
  };

  const report = (): void => {
    const now = Date.now();
    if (now - window.since < o.reportEveryMs) return;
    if (window.changes > 0) {
      const seconds = (now - window.since) / 1000;
      o.log.log('PERFORMANCE', 'LOGGER_SEVERITY_INFO', `CDC: ${window.changes} changes applied in the last ${seconds.toFixed(0)} s (${Math.round(window.changes / seconds)}/s); latency ${(window.lastLatencyMs / 1000).toFixed(2)} s (source commit to target commit); checkpoint ${checkpointed}`);
    } else if (now - window.lastChangeAt >= o.reportEveryMs && now - window.lastIdleLog >= o.reportEveryMs) {
      o.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_INFO', `CDC: no change of the selected tables captured in the last ${((now - window.lastChangeAt) / 1000).toFixed(0)} s; the task is connected and waiting (position ${checkpointed})`);
      window.lastIdleLog = now;
    }
    window.changes = 0;
    window.since = now;
  };

  /** Gathers a transaction's changes; `drifts` (one per change, from driftsOf) spares computing them again. */
  const onTransaction = (tx: SourceTransaction, drifts: readonly (Drift | undefined)[] = driftsOf(tx)): void => {
    const start = pending.changes.length;
    for (const [i, change] of tx.changes.entries()) {
      if (change.kind === 'ddl') continue;
      if (change.kind === 'truncate') {
        if (o.applyTruncates === false) {
          warnOnce(`A TRUNCATE on the source was not applied to the target (HandleSourceTableTruncated is false)`);
          continue;
        }
        for (const t of change.tables) {
          const m = o.mappers.get(tableKey(t));
          if (!m) continue;
          pending.changes.push({ kind: 'truncate', table: m.plan.target });
          count(pending, m, 'ddls');
        }
        continue;
      }
      const m = o.mappers.get(tableKey(change.table));
      if (!m) continue;
      const drift = drifts[i];
      if (drift) warnDrift(m, drift);
      const mapped = m.map(change);
      pending.changes.push(...mapped);
      if (mapped.length > 0) count(pending, m, change.kind === 'insert' ? 'inserts' : change.kind === 'update' ? 'updates' : 'deletes');
    }
    pending.transactions.push({ position: tx.position, commitTime: tx.commitTime, start, end: pending.changes.length });
    if (pending.changes.length > start) window.lastChangeAt = Date.now();
  };

  const warnOnce = (message: string): void => {
    if (!warned.has(message)) o.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_WARNING', message);
    warned.add(message);
  };

  const warnDrift = (m: TableChangeMapper, d: { added: string[]; missing: string[] }): void => {
    warnOnce(
      `Table "${m.plan.source.schema}"."${m.plan.source.name}" differs on the source from what the task applies` +
        `${d.added.length > 0 ? `: column(s) ${d.added.join(', ')} are not applied` : ''}` +
        `${d.missing.length > 0 ? `${d.added.length > 0 ? ';' : ':'} column(s) ${d.missing.join(', ')} no longer arrive (the target keeps its own values)` : ''}` +
        `. ${o.ddl ? 'The target table could not follow the source (see the messages above)' : 'DDL is not replicated by this task'}: change the target table the same way, then reload the table (ReloadTables) or restart the task with reload-target`,
    );
  };

  /** Drifts already handed to DDL replication (table and columns), so that one drift is handled once. */
  const driftsHandled = new Set<string>();
  /** The drift of a row change from its table's plan (with a signature); undefined when none. */
  const driftOf = (c: Change): Drift | undefined => {
    if (c.kind === 'ddl' || c.kind === 'truncate') return undefined;
    const m = o.mappers.get(tableKey(c.table));
    if (!m) return undefined;
    const d = m.drift(c);
    if (d.added.length === 0 && d.missing.length === 0) return undefined;
    return { ...d, signature: `${tableKey(c.table)}\u0000${d.added.join(',')}\u0000${d.missing.join(',')}` };
  };
  /** Each change's drift, computed once per change (it runs for every captured row). */
  const driftsOf = (tx: SourceTransaction): (Drift | undefined)[] => tx.changes.map(driftOf);
  /** The DDL signal a change carries, if any: a DDL change, or the first sight of a drift. */
  const ddlSignalOf = (change: Change): DdlSignal | undefined => {
    if (!o.ddl) return undefined;
    if (change.kind === 'ddl') return o.ddl.concerns(change) ? change : undefined;
    const drift = driftOf(change);
    if (drift === undefined || driftsHandled.has(drift.signature) || change.kind === 'truncate') return undefined;
    driftsHandled.add(drift.signature);
    return { kind: 'drift', table: change.table };
  };
  const hasDdl = (tx: SourceTransaction, drifts: readonly (Drift | undefined)[]): boolean =>
    o.ddl !== undefined && tx.changes.some((c, i) => c.kind === 'ddl' || (drifts[i] !== undefined && !driftsHandled.has(drifts[i]!.signature)));

  /** A transaction with DDL: applied in parts around each DDL, checkpointed at its end. */
  const withDdl = async (tx: SourceTransaction): Promise<void> => {
    await commit();
    let part: Change[] = [];
    for (const change of tx.changes) {
      const signal = ddlSignalOf(change);
      if (signal) {
        if (part.length > 0) {
          onTransaction({ ...tx, changes: part });
          await applyPending();
          part = [];
        }
        for (const t of await o.ddl!.handle(signal, o.stream, o.signal)) o.applier.forget(t);
      }
      if (change.kind !== 'ddl') part.push(change);
    }
    firstPendingAt = Date.now();
    onTransaction({ ...tx, changes: part });
    await commit();
  };

  const onNotice = async (n: StreamNotice): Promise<void> => {
    if (n.kind === 'warning') {
      if (!warned.has(n.message)) o.log.log('SOURCE_CAPTURE', 'LOGGER_SEVERITY_WARNING', n.message);
      warned.add(n.message);
      return;
    }
    // Idle with nothing gathered: every change the source had is applied (or about to be).
    if (pending.transactions.length === 0) idleSeen = true;
    // Nothing of ours is pending: the source may free the history up to here.
    if (pending.transactions.length === 0 && o.comparePositions(n.position, checkpointed) > 0) {
      o.checkpoint(n.position);
      checkpointed = n.position;
      await o.stream.acknowledge(n.position);
    }
  };

  let idleSeen = false;
  const stop = o.stopAt;
  let next = iterator.next();
  for (;;) {
    o.signal.throwIfAborted();
    const wait = pending.transactions.length > 0 ? Math.max(0, firstPendingAt + o.maxDelayMs - Date.now()) : o.reportEveryMs;
    // The timer is cleared when the stream wins, so no timer or abort listener outlives its turn.
    const timer = delay(wait, o.signal);
    let r: IteratorResult<SourceTransaction | StreamNotice> | 'flush';
    try {
      r = await Promise.race([next, timer.promise.then(() => 'flush' as const)]);
    } finally {
      timer.cancel();
    }
    if (r === 'flush') {
      await commit();
      report();
      continue;
    }
    if (r.done) throw new Error('the change stream ended unexpectedly');
    const item = r.value;
    if ('changes' in item) {
      if ((stop?.kind === 'commit-time' || stop?.kind === 'server-time') && item.commitTime > stop.at) {
        await commit();
        return stop.kind;
      }
      const drifts = driftsOf(item);
      if (hasDdl(item, drifts)) {
        await withDdl(item);
        next = iterator.next();
        report();
        continue;
      }
      next = iterator.next();
      if (pending.transactions.length === 0) firstPendingAt = Date.now();
      onTransaction(item, drifts);
      if (pending.changes.length >= o.maxChanges) await commit();
    } else {
      next = iterator.next();
      await onNotice(item);
      if (stop?.kind === 'server-time' && item.kind === 'idle' && item.sourceTime > stop.at) {
        await commit();
        return 'server-time';
      }
      if (stop?.kind === 'caught-up' && idleSeen) {
        await commit();
        return 'caught-up';
      }
    }
    report();
  }
}

function count(p: Pending, m: TableChangeMapper, what: keyof ChangeCounts): void {
  const k = tableKey(m.plan.source);
  let e = p.counts.get(k);
  if (!e) {
    e = { table: m.plan.target, source: m.plan.source, counts: { inserts: 0, updates: 0, deletes: 0, ddls: 0 } };
    p.counts.set(k, e);
  }
  e.counts[what]++;
}

/** The batch in one target transaction; when a change is refused, one change at a time, skipping the refused. */
async function applyBatch(o: CdcLoopOptions, batch: Pending): Promise<void> {
  if (batch.changes.length === 0) return;
  const changes = o.batchApply ? netChanges(batch.changes) : batch.changes;
  try {
    await applyInTime(o, changes);
    return;
  } catch (err) {
    if (!isDataError(err) || o.signal.aborted) throw err;
  }
  for (const change of changes) {
    try {
      await applyInTime(o, [change]);
    } catch (err) {
      if (!isDataError(err) || o.signal.aborted) throw err;
      o.log.log('TARGET_APPLY', 'LOGGER_SEVERITY_ERROR', `Change refused by the target, skipped (ApplyErrorPolicy LOG_ERROR): ${describeChange(change)}: ${messageOf(err)}`);
    }
  }
}

/** applier.apply, abandoned after o.applyTimeoutMs with a recoverable timeout. */
async function applyInTime(o: CdcLoopOptions, changes: readonly TargetChange[]): Promise<void> {
  const stall = AbortSignal.timeout(o.applyTimeoutMs);
  try {
    await o.applier.apply(changes, AbortSignal.any([o.signal, stall]));
  } catch (err) {
    if (!stall.aborted || o.signal.aborted) throw err;
    throw new ConnectorError(
      {
        kind: 'timeout',
        message: `The target did not complete applying ${changes.length} changes within ${o.applyTimeoutMs / 1000} s`,
        hint: 'Check that the target is reachable and not blocked by locks held by other sessions.',
      },
      { cause: err },
    );
  }
}

function describeChange(c: TargetChange): string {
  const table = `"${c.table.schema}"."${c.table.name}"`;
  const show = (v: unknown): string => (v === null ? 'NULL' : Buffer.isBuffer(v) ? `0x${v.toString('hex').slice(0, 32)}` : `'${String(v).slice(0, 100)}'`);
  if (c.kind === 'truncate') return `truncate of ${table}`;
  if (c.kind === 'delete') return `delete from ${table} (key ${c.key.map((k, i) => `${k}=${show(c.keyValues[i])}`).join(', ')})`;
  return `upsert into ${table} (key ${c.key.map((k) => `${k}=${show(c.row[c.columns.indexOf(k)])}`).join(', ')})`;
}

/** A timer that rejects when `signal` aborts; cancel() clears it and its listener. */
function delay(ms: number, signal: AbortSignal): { promise: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    cancel = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
    };
  });
  // A cancelled timer never settles; one that lost the race must not surface as unhandled.
  promise.catch(() => undefined);
  return { promise, cancel };
}
