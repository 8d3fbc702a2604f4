/**
 * The pure parts of the full-load fast paths: COPY text line counting and cutting
 * (raw-copy.ts), when a table may take the raw path, the identity row transform, the
 * gathering of source batches into larger writes, and the MySQL source's batch draining.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { drainInBatches } from '../../src/connectors/mysql/mysql-source.js';
import type { Row, SourceSession, TargetSession } from '../../src/connectors/spi/index.js';
import type { ColumnPlan, TablePlan } from '../../src/engine/mapping/index.js';
import { countLines, cutLines, rawCopyFits } from '../../src/engine/full-load/raw-copy.js';
import { buildRowTransform } from '../../src/engine/full-load/row-transform.js';
import { WriteGatherer } from '../../src/engine/full-load/write-gatherer.js';
import { types } from './engine-fakes.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('COPY text lines', () => {
  it('counts rows by newline bytes (escaped newlines inside values are not rows)', () => {
    assert.equal(countLines(text('')), 0);
    assert.equal(countLines(text('a\\nb\tc\n')), 1);
    assert.equal(countLines(text('1\tx\n2\t\\N\n3\tü\n')), 3);
  });

  it('cuts at a line boundary after at most `max` lines', () => {
    const buf = text('1\n22\n333\n4444\n');
    const a = cutLines(buf, 2);
    assert.equal(a.head.toString(), '1\n22\n');
    assert.equal(a.rows, 2);
    assert.equal(a.tail.toString(), '333\n4444\n');
    const b = cutLines(buf, 10);
    assert.equal(b.head, buf);
    assert.equal(b.rows, 4);
    assert.equal(b.tail.length, 0);
    const c = cutLines(buf, 4);
    assert.equal(c.rows, 4);
    assert.equal(c.tail.length, 0);
    // Never zero lines (a chunk always advances).
    assert.equal(cutLines(buf, 0).rows, 1);
  });
});

describe('raw path eligibility', () => {
  const src = { readCopyText: () => undefined } as unknown as SourceSession;
  const tgt = { writesCopyText: true } as unknown as TargetSession;
  const column = (name: string, over: Partial<Extract<ColumnPlan, { kind: 'source' }>> = {}): ColumnPlan => ({
    kind: 'source',
    sourceName: name,
    targetName: name,
    sourceType: types.int4,
    targetType: types.int4,
    nullable: true,
    isLob: false,
    ...over,
  });
  const plan = (columns: ColumnPlan[]): TablePlan => ({
    source: { schema: 's', name: 't' },
    target: { schema: 'd', name: 't' },
    loadOrder: 0,
    columns,
    filters: [],
    primaryKey: [],
    sourceKey: [],
    ruleIds: [],
  });
  const fits = (p: TablePlan, s = src, t = tgt): boolean =>
    rawCopyFits(s, t, p, buildRowTransform({ table: p, sourceColumns: p.columns.flatMap((c) => (c.kind === 'source' ? [{ name: c.sourceName, nativeType: 'x', type: c.sourceType, nullable: true, generated: false }] : [])) }));

  it('takes source columns read as they are, renamed or not', () => {
    assert.equal(fits(plan([column('a'), column('b', { targetName: 'bee' })])), true);
  });
  it('leaves out added columns, type changes, and sessions without raw support', () => {
    assert.equal(fits(plan([column('a'), { kind: 'added', targetName: 'x', targetType: types.int4, nullable: true, value: '1' }])), false);
    assert.equal(fits(plan([column('a', { targetType: types.text })])), false);
    assert.equal(fits(plan([column('a')]), {} as SourceSession), false);
    assert.equal(fits(plan([column('a')]), src, {} as TargetSession), false);
  });
  it('passes rows through the identity transform without copying them', () => {
    const p = plan([column('a'), column('b')]);
    const t = buildRowTransform({ table: p, sourceColumns: [] });
    const row: Row = ['1', null];
    assert.equal(t.apply(row), row);
  });
});

describe('WriteGatherer', () => {
  it('gathers source batches into writes of `rows` rows, or fewer when they grow big', () => {
    const g = new WriteGatherer(2500);
    const batch = (n: number, v = 'x'): Row[] => Array.from({ length: n }, (): Row => [v]);
    assert.equal(g.add(batch(1000)), undefined);
    assert.equal(g.add(batch(1000)), undefined);
    assert.equal(g.add(batch(1000))?.length, 3000);
    assert.equal(g.add(batch(10))?.length, undefined);
    assert.equal(g.take().length, 10);
    assert.equal(g.take().length, 0);
    const small = new WriteGatherer(10_000, 1000);
    assert.equal(small.add(batch(3, 'y'.repeat(400)))?.length, 3);
  });
});

describe('drainInBatches', () => {
  it('yields the objects of a stream in batches, the rest at the end', async () => {
    const out: number[][] = [];
    for await (const b of drainInBatches<number>(Readable.from(Array.from({ length: 25 }, (_, i) => i), { highWaterMark: 4 }), 10)) out.push(b);
    assert.deepEqual(out.map((b) => b.length), [10, 10, 5]);
    assert.deepEqual(out.flat(), Array.from({ length: 25 }, (_, i) => i));
  });
  it('rejects with the stream error, and when the stream is destroyed before its end', async () => {
    const failing = new Readable({ objectMode: true, read() { this.destroy(new Error('boom')); } });
    await assert.rejects(async () => { for await (const _ of drainInBatches(failing, 5)) void _; }, /boom/);
    let sent = false;
    const cut = new Readable({
      objectMode: true,
      read() {
        if (sent) return;
        sent = true;
        this.push(1);
        setImmediate(() => this.destroy());
      },
    });
    await assert.rejects(async () => { for await (const _ of drainInBatches(cut, 5)) void _; }, /closed before its end/);
  });
});
