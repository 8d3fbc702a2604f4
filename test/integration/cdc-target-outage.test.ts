/**
 * A target outage during ongoing replication, PostgreSQL -> PostgreSQL, with the engine
 * reaching the target through a TCP proxy that the test cuts (every connection reset, new ones
 * refused) and restores. The run retries from its last checkpoint with the waits of
 * ErrorBehavior's RecoverableError* settings (1 s, 2 s, 4 s ... up to RecoverableErrorThrottlingMax),
 * keeps running meanwhile, and catches up once the target is back, also after a second outage;
 * with RecoverableErrorCount spent it fails and says why. The test's own queries go to the
 * servers directly.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EngineSettings } from '../../src/engine/ports.js';
import { Workload, converged, dropTaskSlot } from '../helpers/cdc-workload.js';
import { tcpProxy } from '../helpers/network.js';
import { baseSettings } from '../unit/engine-fakes.js';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

type Recoverable = NonNullable<EngineSettings['errorBehavior']['recoverable']>;
type Run = ReturnType<EngineHarness['start']>;

/** DMS's task log time stamp, the warning's wait and attempt, of each retry line in order. */
interface Retry {
  readonly at: number;
  readonly cause: string;
  readonly waitSeconds: number;
  readonly attempt: number;
  readonly of: number;
}

function retriesIn(log: string): Retry[] {
  const re = /^(\S+) \[TASK_MANAGER\s*\]W:\s+Change data capture interrupted \((.*)\); retrying from checkpoint \S+ in ([\d.]+) s \(attempt (\d+) of (\d+)\)$/gm;
  return [...log.matchAll(re)].map((m) => ({ at: Date.parse(m[1]!), cause: m[2]!, waitSeconds: Number(m[3]), attempt: Number(m[4]), of: Number(m[5]) }));
}

/** Polls `cond` until it holds; fails after `ms`, or as soon as the run ends. */
async function waitFor(run: Run, what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    assert.equal(run.reporter.outcome, undefined, `the run ended while waiting until ${what}: ${JSON.stringify(run.reporter.outcome)}\n${run.log()}`);
    assert.ok(Date.now() < end, `timed out waiting until ${what}\n${run.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Source and target databases, a proxy in front of the target, and a full-load-and-cdc run through it. */
async function withOutageSetup(label: string, recoverable: Recoverable, body: (s: { src: TestDb; dst: TestDb; proxy: Awaited<ReturnType<typeof tcpProxy>>; run: Run; work: Workload; arn: string }) => Promise<void>): Promise<void> {
  const src = await TestDb.create('postgres', `${label}src`);
  const dst = await TestDb.create('postgres', `${label}dst`);
  const proxy = await tcpProxy(5432);
  const identifier = `${label}-${process.pid}-${Date.now() % 100000}`;
  const arn = `arn:aws:dms:us-east-1:000000000000:task:${identifier.toUpperCase().replace(/-/g, '')}`;
  let run: Run | undefined;
  try {
    await src.exec(
      `CREATE TABLE ${src.q('items')} (id bigint PRIMARY KEY, name text, qty integer NOT NULL, price numeric(10,2) NOT NULL);
       INSERT INTO ${src.q('items')} SELECT g, 'seed ' || g, g % 50, g * 1.25 FROM generate_series(1, 200) g;
       CREATE TABLE ${src.q('notes')} (id integer PRIMARY KEY, body text);
       INSERT INTO ${src.q('notes')} SELECT g, repeat('n', g) FROM generate_series(1, 10) g;`,
    );
    const work = new Workload(src, 13);
    for (const r of await src.rows(`SELECT id FROM ${src.q('items')}`)) work.ids.add(Number(r[0]));
    const settings: Partial<EngineSettings> = { targetSchema: dst.schema, errorBehavior: { ...baseSettings().errorBehavior, recoverable } };
    run = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings, migrationType: 'full-load-and-cdc', task: { arn, identifier, runId: 1 }, targetPort: proxy.port });
    const started = run;
    await waitFor(started, 'the run applies changes', () => /Applying changes of/.test(started.log()));
    await work.run(60);
    await converged(src, dst, 'before the outage', started.log);
    await body({ src, dst, proxy, run: started, work, arn });
  } finally {
    // A failed assertion leaves the run going: stop it before its slot and databases go.
    if (run?.supervisor.isRunning(arn)) await run.supervisor.stop(arn);
    await proxy.close();
    await dropTaskSlot(identifier);
    await src.drop();
    await dst.drop();
  }
}

describe('change data capture across a target outage (PostgreSQL -> PostgreSQL through a TCP proxy)', () => {
  it('retries with growing waits while the target is cut, keeps running, and catches up once it is back (twice)', async (t) => {
    const recoverable: Recoverable = { count: 10, intervalSeconds: 1, throttling: true, throttlingMaxSeconds: 4, stopAfterThrottlingMax: false };
    await withOutageSetup('tgtout', recoverable, async ({ src, dst, proxy, run, work, arn }) => {
      proxy.cut();
      // The source keeps changing; each apply meets the cut. Three retries: waits 1 s, 2 s, 4 s.
      await waitFor(
        run,
        'three retries were logged',
        async () => {
          await work.run(5);
          return retriesIn(run.log()).length >= 3;
        },
        45_000,
      );
      assert.equal(run.reporter.outcome, undefined, 'the run is still replicating during the outage');
      assert.ok(run.supervisor.isRunning(arn), 'the supervisor still has the run');
      const retries = retriesIn(run.log());
      assert.deepEqual(
        retries.slice(0, 3).map((r) => [r.waitSeconds, r.attempt, r.of]),
        [
          [1, 2, 11],
          [2, 3, 11],
          [4, 4, 11],
        ],
        run.log(),
      );
      // Each retry came after the previous one's wait (the log's time stamps, in ms).
      // (A few ms of slack: timers and the clock of the time stamps are not the same clock.)
      assert.ok(retries[1]!.at - retries[0]!.at >= 950, `waited 1 s before retry 2: ${retries[1]!.at - retries[0]!.at} ms`);
      assert.ok(retries[2]!.at - retries[1]!.at >= 1950, `waited 2 s before retry 3: ${retries[2]!.at - retries[1]!.at} ms`);
      // The warning says what failed: the target, at the proxy's address.
      for (const r of retries) assert.match(r.cause, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${proxy.port}/`), r.cause);
      await t.test('each retry warning calls it a lost connection, with the network hint', () => {
        for (const r of retries) assert.match(r.cause, /^Connection to PostgreSQL at \S+ (failed|was closed unexpectedly|was refused)/, r.cause);
      });

      const restoredAt = Date.now();
      proxy.restore();
      await work.run(60);
      await converged(src, dst, 'after the outage', run.log);
      const caughtUpMs = Date.now() - restoredAt;
      assert.ok(caughtUpMs < 60_000, `caught up ${caughtUpMs} ms after the target came back`);
      // It resumed within the retries it had (the next wait is at most 4 s), not by failing and starting over.
      const all = retriesIn(run.log());
      assert.ok(all.length <= 4 && all.every((r) => r.attempt <= 5), `retries: ${JSON.stringify(all)}`);
      assert.equal(run.reporter.outcome, undefined);
      // Changes made after the outage are applied and checkpointed like the others.
      const checkpointsBefore = run.reporter.checkpoints.length;
      await work.run(20);
      await converged(src, dst, 'after more changes', run.log);
      await waitFor(run, 'a checkpoint after the outage', () => run.reporter.checkpoints.length > checkpointsBefore, 30_000);
      const logAfterFirst = run.log();
      await t.test('the task log says change data capture resumed', () => {
        const after = logAfterFirst.slice(logAfterFirst.lastIndexOf('Change data capture interrupted'));
        assert.match(after, /Change data capture resumed from checkpoint \S+ after \d+ retr/, after);
      });

      // A second outage later in the same run: retried and recovered from as well.
      proxy.cut();
      await waitFor(
        run,
        'the second outage was retried',
        async () => {
          await work.run(5);
          return retriesIn(run.log()).length > all.length;
        },
        30_000,
      );
      const second = retriesIn(run.log())[all.length]!;
      proxy.restore();
      await work.run(20);
      await converged(src, dst, 'after the second outage', run.log);
      await t.test('a second outage starts over at RecoverableErrorInterval and the full RecoverableErrorCount', () => {
        assert.deepEqual([second.waitSeconds, second.attempt], [1, 2], run.log());
      });

      await run.supervisor.stop(arn);
      assert.deepEqual(await run.finished, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
    });
  });

  it('fails once RecoverableErrorCount retries are spent while the target stays cut, naming the attempts and the settings', async () => {
    const recoverable: Recoverable = { count: 1, intervalSeconds: 1, throttling: true, throttlingMaxSeconds: 4, stopAfterThrottlingMax: false };
    await withOutageSetup('tgtdown', recoverable, async ({ proxy, run, work }) => {
      proxy.cut();
      // Changes keep coming, so the applier meets the cut; the single retry meets it again.
      const end = Date.now() + 45_000;
      while (run.reporter.outcome === undefined) {
        assert.ok(Date.now() < end, `the run did not fail within 45 s\n${run.log()}`);
        await work.run(5);
        await new Promise((r) => setTimeout(r, 50));
      }
      const out = await run.finished;
      assert.equal(out.kind, 'failed', JSON.stringify(out));
      assert.equal(out.stopReason, 'Stop Reason FATAL_ERROR');
      const message = out.kind === 'failed' ? out.message : '';
      assert.match(message, /^Change data capture failed \(after 2 attempts; ErrorBehavior RecoverableError\* settings\): /, message);
      assert.match(message, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${proxy.port}/`), message);
      assert.deepEqual(
        retriesIn(run.log()).map((r) => [r.waitSeconds, r.attempt, r.of]),
        [[1, 2, 2]],
        run.log(),
      );
      assert.match(run.log(), /\[TASK_MANAGER\s*\]E:\s+Task '.*' failed: Change data capture failed \(after 2 attempts/);
    });
  });
});
