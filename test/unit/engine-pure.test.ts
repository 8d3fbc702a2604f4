/** The pure pieces of the full-load engine: ranges, policies, progress, LOB handling, wildcards, row descriptions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineSettings } from '../../src/engine/ports.js';
import type { TablePlan } from '../../src/engine/mapping/index.js';
import { autoSplitMinRows, autoSplitParts, describeRange, rangesFromBoundaries } from '../../src/engine/full-load/key-ranges.js';
import { decideDataError, decideTableError } from '../../src/engine/full-load/error-policy.js';
import { computeProgress } from '../../src/engine/statistics/progress.js';
import { lobHandlingOf } from '../../src/engine/full-load/lob-handling.js';
import { matchesPattern as wildcardMatches } from '../../src/mapping-rules/wildcard.js';
import { describeRow, maxRowDescriptionBytes } from '../../src/engine/full-load/row-description.js';
import { SlotPool } from '../../src/engine/full-load/slot-pool.js';
import { baseSettings } from './engine-fakes.js';

describe('key ranges', () => {
  it('turns n boundaries into n+1 consecutive ranges', () => {
    const r = rangesFromBoundaries(['id'], [['100'], ['200']]);
    assert.deepEqual(r, [
      { columns: ['id'], upTo: ['100'] },
      { columns: ['id'], after: ['100'], upTo: ['200'] },
      { columns: ['id'], after: ['200'] },
    ]);
    assert.deepEqual(rangesFromBoundaries(['id'], []), []);
    assert.equal(describeRange(r[1]), '100 < id <= 200');
    assert.equal(describeRange({ columns: ['a', 'b'], upTo: ['1', 'x'] }), '(a, b) <= (1, x)');
  });

  it('splits automatically only keyed tables above the threshold', () => {
    assert.equal(autoSplitParts({ sourceKey: [], estimatedRows: 10_000_000, maxSubTasks: 8 }), 0);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: autoSplitMinRows, maxSubTasks: 8 }), 0);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: 10_000_000, maxSubTasks: 1 }), 0);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: 10_000_000, maxSubTasks: 8 }), 8);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: autoSplitMinRows + 1, maxSubTasks: 8 }), 2);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: 10, maxSubTasks: 8, parallelLoad: 'partitions-auto' }), 8);
    assert.equal(autoSplitParts({ sourceKey: ['id'], estimatedRows: 10_000_000, maxSubTasks: 8, parallelLoad: 'none' }), 0);
  });
});

describe('data error policy', () => {
  const eb = (over: Partial<EngineSettings['errorBehavior']>): EngineSettings['errorBehavior'] => ({ ...baseSettings().errorBehavior, ...over });

  it('follows DataErrorPolicy, or DataTruncationErrorPolicy for truncations', () => {
    assert.deepEqual(decideDataError(eb({ dataErrorPolicy: 'LOG_ERROR' }), { truncation: false, errorCount: 1 }), { action: 'skip', log: true });
    assert.deepEqual(decideDataError(eb({ dataErrorPolicy: 'IGNORE_RECORD' }), { truncation: false, errorCount: 1 }), { action: 'skip', log: false });
    assert.deepEqual(decideDataError(eb({ dataErrorPolicy: 'SUSPEND_TABLE' }), { truncation: false, errorCount: 1 }), { action: 'suspend-table', escalated: false });
    assert.deepEqual(decideDataError(eb({ dataErrorPolicy: 'STOP_TASK' }), { truncation: false, errorCount: 1 }), { action: 'stop-task', escalated: false });
    assert.deepEqual(
      decideDataError(eb({ dataErrorPolicy: 'LOG_ERROR', dataTruncationErrorPolicy: 'STOP_TASK' }), { truncation: true, errorCount: 1 }),
      { action: 'stop-task', escalated: false },
    );
  });

  it('escalates once the count is reached (0 = never)', () => {
    const b = eb({ dataErrorPolicy: 'LOG_ERROR', dataErrorEscalationCount: 3, dataErrorEscalationPolicy: 'SUSPEND_TABLE' });
    assert.equal(decideDataError(b, { truncation: false, errorCount: 2 }).action, 'skip');
    assert.deepEqual(decideDataError(b, { truncation: false, errorCount: 3 }), { action: 'suspend-table', escalated: true });
    const never = eb({ dataErrorPolicy: 'LOG_ERROR', dataErrorEscalationCount: 0, dataErrorEscalationPolicy: 'STOP_TASK' });
    assert.equal(decideDataError(never, { truncation: false, errorCount: 1000 }).action, 'skip');
    assert.equal(decideDataError(eb({ dataErrorEscalationCount: 1, dataErrorEscalationPolicy: 'STOP_TASK' }), { truncation: false, errorCount: 1 }).action, 'stop-task');
  });

  it('follows TableErrorPolicy for table errors', () => {
    assert.equal(decideTableError(eb({ tableErrorPolicy: 'SUSPEND_TABLE' })), 'suspend-table');
    assert.equal(decideTableError(eb({ tableErrorPolicy: 'STOP_TASK' })), 'stop-task');
  });
});

describe('progress', () => {
  it('weighs rows against estimates, counts states, caps at 99 until finished', () => {
    const p = computeProgress(
      [
        { state: 'Table completed', fullLoadRows: 100, estimatedRows: 100 },
        { state: 'Full load', fullLoadRows: 50, estimatedRows: 100 },
        { state: 'Before load', fullLoadRows: 0, estimatedRows: 200 },
        { state: 'Table error', fullLoadRows: 10, estimatedRows: 100 },
      ],
      { finished: false },
    );
    assert.deepEqual(p, { fullLoadProgressPercent: 50, tablesLoaded: 1, tablesLoading: 1, tablesQueued: 1, tablesErrored: 1 });
    const nearlyDone = computeProgress([{ state: 'Full load', fullLoadRows: 5000, estimatedRows: 100 }], { finished: false });
    assert.equal(nearlyDone.fullLoadProgressPercent, 99);
    assert.equal(computeProgress([{ state: 'Table completed', fullLoadRows: 0, estimatedRows: 0 }], { finished: true }).fullLoadProgressPercent, 100);
  });

  it('counts tables when nothing has estimates; a filtered table that ended counts whole', () => {
    const p = computeProgress(
      [
        { state: 'Table completed', fullLoadRows: 3, estimatedRows: 0 },
        { state: 'Full load', fullLoadRows: 0, estimatedRows: 0 },
      ],
      { finished: false },
    );
    assert.equal(p.fullLoadProgressPercent, 50);
    const filtered = computeProgress(
      [
        { state: 'Table completed', fullLoadRows: 10, estimatedRows: 1000 },
        { state: 'Before load', fullLoadRows: 0, estimatedRows: 1000 },
      ],
      { finished: false },
    );
    assert.equal(filtered.fullLoadProgressPercent, 50);
    assert.equal(computeProgress([], { finished: false }).fullLoadProgressPercent, 0);
    assert.equal(computeProgress([{ state: 'Table cancelled', fullLoadRows: 1, estimatedRows: 2 }], { finished: false }).tablesQueued, 1);
  });
});

describe('LOB handling', () => {
  const plan = (lob?: TablePlan['lob']): TablePlan => ({
    source: { schema: 's', name: 't' },
    target: { schema: 's', name: 't' },
    loadOrder: 0,
    columns: [
      { kind: 'source', sourceName: 'id', targetName: 'id', sourceType: { kind: 'int', bytes: 4, unsigned: false }, targetType: { kind: 'int', bytes: 4, unsigned: false }, nullable: false, isLob: false },
      { kind: 'source', sourceName: 'body', targetName: 'body', sourceType: { kind: 'text' }, targetType: { kind: 'text' }, nullable: true, isLob: true },
    ],
    filters: [],
    primaryKey: ['id'],
    sourceKey: ['id'],
    ruleIds: [],
    ...(lob ? { lob } : {}),
  });

  it('follows the task settings', () => {
    assert.deepEqual(lobHandlingOf(plan(), { ...baseSettings(), supportLobs: false }), { mode: 'excluded', columns: ['body'] });
    assert.deepEqual(lobHandlingOf(plan(), { ...baseSettings(), fullLobMode: true }), { mode: 'unlimited', columns: ['body'] });
    const limited = lobHandlingOf(plan(), { ...baseSettings(), limitedSizeLobMode: true, lobMaxSizeKb: 32 });
    assert.equal(limited.mode, 'limited');
    assert.deepEqual(limited.mode === 'limited' ? [...limited.limits] : [], [['body', 32 * 1024]]);
  });

  it('lets the table lob-settings win', () => {
    const s: EngineSettings = { ...baseSettings(), supportLobs: false };
    const l = lobHandlingOf(plan({ mode: 'limited', bulkMaxSizeKb: 4 }), s);
    assert.deepEqual(l.mode === 'limited' ? l.limitKb : undefined, 4);
    assert.equal(lobHandlingOf(plan({ mode: 'unlimited' }), { ...baseSettings(), limitedSizeLobMode: true }).mode, 'unlimited');
    assert.equal(lobHandlingOf(plan({ mode: 'none' }), s).mode, 'excluded');
  });

  it('has nothing to do for tables without LOBs', () => {
    const p = plan();
    assert.equal(lobHandlingOf({ ...p, columns: p.columns.slice(0, 1) }, baseSettings()).mode, 'no-lobs');
  });
});

describe('wildcards and row descriptions', () => {
  it('matches DMS table-mapping wildcards', () => {
    assert.ok(wildcardMatches('%', 'anything'));
    assert.ok(wildcardMatches('order_', 'orders'));
    assert.ok(!wildcardMatches('order[_]', 'orders'));
    assert.ok(wildcardMatches('order[_]', 'order_'));
    assert.ok(wildcardMatches('t[a-c]%', 'tb1'));
    assert.ok(!wildcardMatches('t[a-c]%', 'td1'));
    assert.ok(wildcardMatches('a.b', 'a.b'));
    assert.ok(!wildcardMatches('a.b', 'axb'));
  });

  it('describes a row by its key, or its values, within 1 KB', () => {
    assert.equal(describeRow(['id', 'name'], ['5', "O'Brien"], ['id']), "key id='5'");
    assert.equal(describeRow(['id', 'name'], ['5', "O'Brien"], []), "values id='5', name='O''Brien'");
    const big = describeRow(['a', 'b', 'c', 'd', 'e', 'f', 'g'], Array.from({ length: 7 }, () => 'x'.repeat(5000)), []);
    assert.ok(Buffer.byteLength(big) <= maxRowDescriptionBytes);
    assert.match(describeRow(['b'], [Buffer.alloc(100, 1)], []), /\(100 bytes\)/);
    assert.equal(describeRow(['a', 'b'], [null, true], []), 'values a=NULL, b=true');
  });
});

describe('slot pool', () => {
  it('grants slots in FIFO order and never more than its size', async () => {
    const pool = new SlotPool(2);
    const signal = new AbortController().signal;
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        pool.run(signal, async () => {
          order.push(i);
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
  });

  it('lets an aborted waiter leave the queue', async () => {
    const pool = new SlotPool(1);
    const release = await pool.acquire(new AbortController().signal);
    const ac = new AbortController();
    const waiting = pool.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    release();
    const again = await pool.acquire(new AbortController().signal);
    again();
  });
});
