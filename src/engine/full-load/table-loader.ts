/**
 * Loads one table of a run: prepare the target table, report what limited LOB mode will
 * cut, split into segments, stream every segment from the source snapshot through the row
 * transform into a writer, and add the primary key afterwards when asked. Never rejects:
 * the outcome is the table's state (completed, error, cancelled), and a failure that must
 * end the task goes to `ctx.fail`. A load cancelled by ReloadTables (`job.cancel`) leaves the
 * table's state alone: the scheduler loads it again.
 */
import { OpenDmsError } from '../../common/errors.js';
import type { KeyRange, Row, TableInfo } from '../../connectors/spi/index.js';
import type { TablePlan } from '../mapping/index.js';
import type { TableStatsHandle } from '../statistics/stats-board.js';
import { tableName, type RunContext } from '../run-context.js';
import { TableSuspended, TaskFailure, explain, isConnectionFailure, isTruncation, refusalReason } from '../run-errors.js';
import { decideDataError, decideTableError } from './error-policy.js';
import { autoSplitParts, describeRange, rangesFromBoundaries } from './key-ranges.js';
import { describeOversized, lobHandlingOf, narrowedToOversized, type LobHandling } from './lob-handling.js';
import { describeRow } from './row-description.js';
import { buildRowTransform, TransformError, type RowTransform } from './row-transform.js';
import { SegmentWriter } from './segment-writer.js';
import { loadSegmentRaw, rawCopyFits } from './raw-copy.js';
import { WriteGatherer, maxWriteRows, readBatchBytes } from './write-gatherer.js';
import { prepareTable, tableDefOf } from './table-preparer.js';
import { keyTiming, type KeyTiming } from './key-timing.js';

/** Rows per read batch (capped by CommitRate): big enough for bulk writes, small enough for memory. */
export const readBatchRows = 1000;

export interface TableJob {
  readonly plan: TablePlan;
  readonly info: TableInfo;
  readonly stats: TableStatsHandle;
  /** ReloadTables: this run loaded (part of) the table before; it is prepared and loaded again. */
  readonly reload?: boolean;
  /** Aborted when ReloadTables cancels this load to start it over. */
  readonly cancel?: AbortSignal;
  /**
   * Shared by the loads of one table within a run: true while a table this run created waits
   * for its primary key (CreatePkAfterFullLoad). A reload that truncates instead of creating
   * must still add the key a cancelled first load did not get to.
   */
  readonly deferredPk?: { pending: boolean };
}

/** The abort reason of a table load that ReloadTables cancels to load the table again. */
export class ReloadRequested extends OpenDmsError {
  constructor(table: string) {
    super('reload-requested', `ReloadTables asked to load table ${table} again`);
  }
}

export async function loadTable(ctx: RunContext, job: TableJob): Promise<void> {
  const { plan, stats } = job;
  const name = tableName(plan.source);
  const tableAbort = new AbortController();
  const signal = AbortSignal.any([ctx.signal, tableAbort.signal, ...(job.cancel ? [job.cancel] : [])]);
  const started = Date.now();
  stats.setState(job.reload ? 'Table is being reloaded' : 'Full load');
  const into = plan.target.schema !== plan.source.schema || plan.target.name !== plan.source.name ? ` into ${tableName(plan.target)}` : '';
  ctx.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `${job.reload ? 'Reloading' : 'Loading'} table ${name}${into}`);
  try {
    const lob = lobHandlingOf(plan, ctx.settings);
    const transform = buildRowTransform({
      table: plan,
      sourceColumns: job.info.columns,
      omitted: lob.mode === 'excluded' ? lob.columns : [],
      sqlite: ctx.sqlite,
    });
    logTransformation(ctx, plan, transform);
    const deferredPk = job.deferredPk ?? { pending: false };
    const timing = keyTiming({
      plan,
      source: job.info,
      createPkAfterFullLoad: ctx.settings.createPkAfterFullLoad,
      targetPrefersAfter: ctx.target.buildsKeyFasterAfterLoad === true,
    });
    const created = await prepare(ctx, plan, lob, timing, job.reload === true, signal);
    if (created) deferredPk.pending = timing !== 'with-table';
    const readLob = narrowedToOversized(lob, await reportOversized(ctx, job, lob, signal), ctx.source.readsOneSnapshot === true);
    const segments = await planSegments(ctx, job, signal);
    const errors = { count: 0 };
    await runSegments(ctx, segments, tableAbort, signal, (range) => loadSegment(ctx, job, transform, readLob, range, errors, signal));
    if (deferredPk.pending) {
      await ctx.targetLock.run(signal, () => ctx.target.addPrimaryKey(plan.target, plan.primaryKey, signal));
      deferredPk.pending = false;
      ctx.log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `Primary key (${plan.primaryKey.join(', ')}) added to ${tableName(plan.target)} after the load${timing === 'after-load-safe' ? ' (built once instead of row by row: the source key guarantees the rows are unique)' : ''}`);
    }
    // A reload asked for while the primary key was being added: the table starts over, so it
    // must not show 'Table completed' in between.
    signal.throwIfAborted();
    stats.setState('Table completed');
    const refused = stats.errorRows > 0 ? `, ${stats.errorRows} rows refused by the target` : '';
    ctx.log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `Load finished for table ${name}: ${stats.rows} rows${refused}`);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    ctx.log.log('PERFORMANCE', 'LOGGER_SEVERITY_INFO', `Table ${name}: ${stats.rows} rows in ${seconds.toFixed(1)} s (${Math.round(stats.rows / seconds)} rows/s)`);
  } catch (err) {
    endInError(ctx, job, err);
  }
}

function endInError(ctx: RunContext, job: TableJob, err: unknown): void {
  const name = tableName(job.plan.source);
  if (job.cancel?.aborted && !ctx.signal.aborted) {
    // Whatever the error, it follows from the cancel (an aborted read or write); the table is
    // loaded again from scratch, so its state is the scheduler's to set, not an error.
    ctx.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `Load of table ${name} cancelled: ReloadTables loads it again from scratch`);
    return;
  }
  if (err instanceof TableSuspended) {
    job.stats.setState('Table error', err.message);
    ctx.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_ERROR', `Table ${name} is suspended (Table error): ${err.message}`);
    return;
  }
  if (err instanceof TaskFailure) {
    job.stats.setState('Table error', err.message);
    ctx.fail(err);
    return;
  }
  if (ctx.signal.aborted) {
    // Stopped (or another table failed the task): what is committed stays; the table is
    // loaded again by resume-processing.
    job.stats.setState('Table cancelled');
    ctx.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_INFO', `Table ${name} cancelled after ${job.stats.rows} rows`);
    return;
  }
  const message = `Table ${name} could not be loaded: ${explain(err)}`;
  job.stats.setState('Table error', explain(err));
  if (isConnectionFailure(err) || decideTableError(ctx.settings.errorBehavior) === 'stop-task') {
    ctx.fail(new TaskFailure(message, { cause: err }));
    return;
  }
  ctx.log.log('TABLES_MANAGER', 'LOGGER_SEVERITY_ERROR', `${message}. The table is suspended (TableErrorPolicy SUSPEND_TABLE); the other tables go on`);
}

function logTransformation(ctx: RunContext, plan: TablePlan, transform: RowTransform): void {
  const renamed = plan.columns.flatMap((c) => (c.kind === 'source' && c.sourceName !== c.targetName ? [`${c.sourceName} -> ${c.targetName}`] : []));
  const added = plan.columns.flatMap((c) => (c.kind === 'added' ? [c.expression ? `${c.targetName} = ${c.expression}` : `${c.targetName} = ${c.value ?? 'NULL'}`] : []));
  const parts = [
    plan.ruleIds.length > 0 ? `rules ${plan.ruleIds.join(', ')}` : undefined,
    renamed.length > 0 ? `renamed columns ${renamed.join(', ')}` : undefined,
    added.length > 0 ? `added columns ${added.join(', ')}` : undefined,
    plan.filters.length > 0 ? `source filters on ${plan.filters.map((f) => f.column).join(', ')}` : undefined,
  ].filter((p) => p !== undefined);
  ctx.log.log(
    'TRANSFORMATION',
    parts.length > 0 ? 'LOGGER_SEVERITY_INFO' : 'LOGGER_SEVERITY_DEBUG',
    `Table ${tableName(plan.source)} -> ${tableName(plan.target)}: reading ${transform.readColumns.join(', ')}${parts.length > 0 ? `; ${parts.join('; ')}` : ''}`,
  );
}

/** Returns whether this run created the table. */
async function prepare(ctx: RunContext, plan: TablePlan, lob: LobHandling, timing: KeyTiming, reload: boolean, signal: AbortSignal): Promise<boolean> {
  const excluded = new Set(lob.mode === 'excluded' ? lob.columns : []);
  // LOB columns left out (SupportLobs false) are created nullable: they stay NULL.
  const def = tableDefOf(plan, excluded);
  if (excluded.size > 0) {
    ctx.log.log(
      'TARGET_LOAD',
      'LOGGER_SEVERITY_WARNING',
      `Table ${tableName(plan.source)}: LOB columns ${[...excluded].join(', ')} are not migrated (SupportLobs is false); they are NULL on the target`,
    );
  }
  const prepared = await ctx.targetLock.run(signal, () =>
    prepareTable({ target: ctx.target, def, mode: ctx.settings.targetTablePrepMode, startType: ctx.startType, pkAfterLoad: timing !== 'with-table', reload, signal }),
  );
  ctx.log.log('TARGET_LOAD', 'LOGGER_SEVERITY_INFO', `Target table ${tableName(plan.target)} ${prepared.actions.join(', ')} (TargetTablePrepMode ${ctx.settings.targetTablePrepMode})`);
  for (const n of prepared.notices) {
    ctx.log.log('TARGET_LOAD', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(plan.target)}, column ${n.column}: ${n.message}`);
  }
  return prepared.created;
}

/** Limited LOB mode: counts what will be cut before reading, so truncation is never silent. */
async function reportOversized(ctx: RunContext, job: TableJob, lob: LobHandling, signal: AbortSignal): Promise<ReadonlyMap<string, number> | undefined> {
  if (lob.mode !== 'limited') return undefined;
  const counts = await ctx.sourceLock.run(signal, () => ctx.source.countOversized(job.plan.source, job.plan.filters, lob.limits, signal));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) {
    ctx.log.log('SOURCE_UNLOAD', 'LOGGER_SEVERITY_DEBUG', `Table ${tableName(job.plan.source)}: no LOB value exceeds ${lob.limitKb} KB`);
    return counts;
  }
  const detail = `${total} LOB values truncated to ${lob.limitKb} KB (limited LOB mode): ${describeOversized(counts)}`;
  job.stats.setTruncatedLobs(total, detail);
  ctx.log.log(
    'SOURCE_UNLOAD',
    'LOGGER_SEVERITY_WARNING',
    `Table ${tableName(job.plan.source)}: ${detail}. Raise LobMaxSize (or the table's lob-settings bulk-max-size), or use full LOB mode, to migrate them whole`,
  );
  return counts;
}

async function planSegments(ctx: RunContext, job: TableJob, signal: AbortSignal): Promise<(KeyRange | undefined)[]> {
  const { plan } = job;
  if (plan.ranges && plan.ranges.boundaries.length > 0) {
    const ranges = rangesFromBoundaries(plan.ranges.columns, plan.ranges.boundaries);
    ctx.log.log('PERFORMANCE', 'LOGGER_SEVERITY_INFO', `Table ${tableName(plan.source)}: parallel load of ${ranges.length} ranges (table-settings)`);
    return ranges;
  }
  const parts = autoSplitParts({
    sourceKey: plan.sourceKey,
    estimatedRows: job.info.estimatedRows,
    maxSubTasks: ctx.slots.size,
    ...(plan.parallelLoad ? { parallelLoad: plan.parallelLoad } : {}),
  });
  if (parts === 0) {
    if (plan.parallelLoad === 'partitions-auto') {
      ctx.log.log('PERFORMANCE', 'LOGGER_SEVERITY_WARNING', `Table ${tableName(plan.source)}: parallel-load partitions-auto needs a primary key on the source (and MaxFullLoadSubTasks above 1); loaded as one range`);
    }
    return [undefined];
  }
  const points = await ctx.sourceLock.run(signal, () => ctx.source.splitPoints(plan.source, plan.sourceKey, parts, signal));
  if (points.length === 0) return [undefined];
  const ranges = rangesFromBoundaries(plan.sourceKey, points);
  ctx.log.log(
    'PERFORMANCE',
    'LOGGER_SEVERITY_INFO',
    `Table ${tableName(plan.source)}: ${plan.parallelLoad === 'partitions-auto' ? 'parallel-load partitions-auto' : `about ${job.info.estimatedRows} rows`}, split automatically into ${ranges.length} key ranges loaded in parallel`,
  );
  return ranges;
}

/**
 * Runs the segments: this table's own slot works through them, and each further segment
 * asks the shared pool for a slot of its own. Helpers still waiting when the last segment
 * has been taken give up, so a table never holds its slot waiting for slots it no longer
 * needs (which could deadlock the pool). The first failure aborts the other segments.
 */
async function runSegments(
  ctx: RunContext,
  segments: readonly (KeyRange | undefined)[],
  tableAbort: AbortController,
  signal: AbortSignal,
  load: (range: KeyRange | undefined) => Promise<void>,
): Promise<void> {
  const queue = [...segments];
  const drained = new AbortController();
  let first: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && !signal.aborted) {
      const range = queue.shift();
      if (queue.length === 0) drained.abort();
      if (segments.length > 1) ctx.log.log('SOURCE_UNLOAD', 'LOGGER_SEVERITY_DEBUG', `Unloading segment ${describeRange(range)}`);
      await load(range);
    }
  };
  const guard = (p: Promise<void>): Promise<void> =>
    p.catch((err: unknown) => {
      if (!first) {
        first = { err };
        tableAbort.abort(err);
      }
    });
  const helperSignal = AbortSignal.any([signal, drained.signal]);
  const helpers = segments.slice(1).map(() =>
    guard(
      ctx.slots.acquire(helperSignal).then(
        async (release) => {
          try {
            await worker();
          } finally {
            release();
          }
        },
        (err: unknown) => {
          // No slot needed any more: not a failure.
          if (drained.signal.aborted && !signal.aborted) return;
          throw err;
        },
      ),
    ),
  );
  await Promise.all([guard(worker()), ...helpers]);
  if (first) throw first.err;
  signal.throwIfAborted();
}

async function loadSegment(
  ctx: RunContext,
  job: TableJob,
  transform: RowTransform,
  lob: LobHandling,
  range: KeyRange | undefined,
  errors: { count: number },
  signal: AbortSignal,
): Promise<void> {
  const { plan, stats } = job;
  const name = tableName(plan.source);
  const keyColumns = plan.primaryKey;
  const targetNames = transform.targetColumns.map((c) => c.name);

  const onBadRow = async (description: string, err: unknown): Promise<void> => {
    errors.count++;
    stats.addErrorRows(1);
    const reason = refusalReason(err);
    const decision = decideDataError(ctx.settings.errorBehavior, { truncation: isTruncation(err), errorCount: errors.count });
    const escalation = `DataErrorEscalationCount ${ctx.settings.errorBehavior.dataErrorEscalationCount} reached`;
    switch (decision.action) {
      case 'skip':
        ctx.log.log(
          'TARGET_LOAD',
          decision.log ? 'LOGGER_SEVERITY_ERROR' : 'LOGGER_SEVERITY_DEBUG',
          `Table ${name}: row refused, skipped (${description}): ${reason}`,
        );
        return;
      case 'suspend-table':
        throw new TableSuspended(`row refused (${description}): ${reason}${decision.escalated ? ` (${escalation})` : ''}`, { cause: err });
      case 'stop-task':
        throw new TaskFailure(
          `Table ${name}: row refused by the target (${description}): ${reason}${decision.escalated ? ` (${escalation})` : ' (DataErrorPolicy STOP_TASK)'}`,
          { cause: err },
        );
    }
  };

  if (rawCopyFits(ctx.source, ctx.target, plan, transform)) {
    // No per-row work: the source's COPY data straight into the target's COPY (raw-copy.ts).
    await loadSegmentRaw({
      source: ctx.source,
      request: {
        table: plan.source,
        columns: transform.readColumns,
        filters: plan.filters,
        ...(range ? { range } : {}),
        ...(lob.mode === 'limited' ? { lobLimits: lob.limits } : {}),
        batchRows: Math.max(1, Math.min(ctx.settings.commitRate, readBatchRows)),
      },
      open: () => ctx.target.openWriter(plan.target, transform.targetColumns, signal),
      commitRate: Math.max(1, ctx.settings.commitRate),
      replayBatchRows: Math.max(1, Math.min(ctx.settings.commitRate, readBatchRows)),
      onRows: (d) => stats.addRows(d),
      onBadRow: (row, err) => onBadRow(describeRow(targetNames, row, keyColumns), err),
      onEncoding: (e) =>
        ctx.log.log('TARGET_LOAD', 'LOGGER_SEVERITY_DEBUG', `Table ${name}: segment ${describeRange(range)} passes COPY ${e.format} through unparsed (no per-row work)`),
      signal,
    });
    return;
  }
  const writer = await SegmentWriter.open({
    open: () => ctx.target.openWriter(plan.target, transform.targetColumns, signal),
    commitRate: Math.max(1, ctx.settings.commitRate),
    onRows: (d) => stats.addRows(d),
    onBadRow: (row, err) => onBadRow(describeRow(targetNames, row, keyColumns), err),
  });
  let finished = false;
  try {
    const rows = ctx.source.read(
      {
        table: plan.source,
        columns: transform.readColumns,
        filters: plan.filters,
        ...(range ? { range } : {}),
        ...(lob.mode === 'limited' ? { lobLimits: lob.limits } : {}),
        batchRows: Math.max(1, Math.min(ctx.settings.commitRate, readBatchRows)),
        batchBytes: readBatchBytes,
      },
      signal,
    );
    // Several source batches per write (write-gatherer.ts): fewer, larger COPYs / INSERTs.
    const gather = new WriteGatherer(Math.max(1, Math.min(ctx.settings.commitRate, maxWriteRows)));
    for await (const batch of rows) {
      signal.throwIfAborted();
      const out: Row[] = [];
      for (const row of batch) {
        try {
          out.push(transform.apply(row));
        } catch (err) {
          if (!(err instanceof TransformError)) throw err;
          await onBadRow(describeRow(transform.readColumns, row, plan.sourceKey), err);
        }
      }
      const due = gather.add(out);
      if (due) await writer.write(due);
    }
    signal.throwIfAborted();
    await writer.write(gather.take());
    await writer.finish();
    finished = true;
  } finally {
    if (!finished) await writer.abort();
  }
}
