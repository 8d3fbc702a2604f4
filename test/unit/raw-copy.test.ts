/**
 * The pure parts of the full-load fast paths: cutting COPY data at row boundaries
 * (spi/copy-chunks.ts), when a table may take the raw path, the identity row transform, the
 * gathering of source batches into larger writes, and the MySQL source's batch draining.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { drainInBatches } from '../../src/connectors/mysql/mysql-source.js';
import { copyDataMessage, cutCopyRows, type CopyChunk, type Row, type SourceSession, type TargetSession } from '../../src/connectors/spi/index.js';
import type { ColumnPlan, TablePlan } from '../../src/engine/mapping/index.js';
import { rawCopyFits } from '../../src/engine/full-load/raw-copy.js';
import { buildRowTransform } from '../../src/engine/full-load/row-transform.js';
import { WriteGatherer } from '../../src/engine/full-load/write-gatherer.js';
import { types } from './engine-fakes.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const chunk = (bytes: Buffer, rows: number, format: 'text' | 'binary', framing: 'rows' | 'messages'): CopyChunk => ({ bytes, rows, encoding: { format, framing } });
/** A binary COPY tuple of int4 fields (null: a NULL field). */
const tuple = (...fields: (number | null)[]): Buffer =>
  Buffer.concat([
    Buffer.from([0, fields.length]),
    ...fields.map((f) => {
      if (f === null) return Buffer.from([0xff, 0xff, 0xff, 0xff]);
      const b = Buffer.alloc(8);
      b.writeInt32BE(4, 0);
      b.writeInt32BE(f, 4);
      return b;
    }),
  ]);

describe('cutting COPY data at row boundaries', () => {
  it('text lines: after at most `max` rows, never zero', () => {
    const buf = text('1\n22\n333\n4444\n');
    const a = cutCopyRows(chunk(buf, 4, 'text', 'rows'), 2);
    assert.equal(a.head.bytes.toString(), '1\n22\n');
    assert.equal(a.head.rows, 2);
    assert.equal(a.tail?.bytes.toString(), '333\n4444\n');
    assert.equal(a.tail?.rows, 2);
    const b = cutCopyRows(chunk(buf, 4, 'text', 'rows'), 10);
    assert.equal(b.head.bytes, buf);
    assert.equal(b.tail, undefined);
    assert.equal(cutCopyRows(chunk(buf, 4, 'text', 'rows'), 0).head.bytes.toString(), '1\n');
  });

  it('CopyData messages: by message length, whatever the payload holds', () => {
    // An escaped newline inside a value is no row boundary; the framing says where rows end.
    const rows = ['a\\nb\n', '2\n', '3\n'].map((r) => copyDataMessage(text(r)));
    const all = Buffer.concat(rows);
    const cut = cutCopyRows(chunk(all, 3, 'text', 'messages'), 1);
    assert.deepEqual(cut.head.bytes, rows[0]);
    assert.deepEqual(cut.tail?.bytes, Buffer.concat(rows.slice(1)));
    assert.equal(cut.tail?.rows, 2);
    assert.throws(() => cutCopyRows(chunk(Buffer.from([0x45, 0, 0, 0, 4]), 2, 'text', 'messages'), 1), /CopyData message was expected/);
  });

  it('plain binary tuples: by field lengths, NULLs included', () => {
    const t = [tuple(1, null), tuple(null, 2), tuple(3, 4)];
    const cut = cutCopyRows(chunk(Buffer.concat(t), 3, 'binary', 'rows'), 2);
    assert.deepEqual(cut.head.bytes, Buffer.concat(t.slice(0, 2)));
    assert.deepEqual(cut.tail?.bytes, t[2]);
  });

  it('says so when the data holds fewer rows than counted', () => {
    assert.throws(() => cutCopyRows(chunk(text('1\n2\n'), 3, 'text', 'rows'), 2), /fewer rows than counted|middle of a row/);
  });
});

describe('raw path eligibility', () => {
  const src = { readCopy: () => undefined } as unknown as SourceSession;
  const tgt = { writesCopy: true } as unknown as TargetSession;
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
