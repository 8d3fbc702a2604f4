/**
 * Ongoing replication end to end through the engine, with the real connectors: a
 * full-load-and-cdc run keeps the target equal to the source, row for row, under a random
 * workload of inserts, updates (some changing the primary key), deletes and a truncate that
 * runs while the full load runs and after it; then across a stop and a resume-processing run
 * that continues from the persisted checkpoint, with more changes made while it was stopped,
 * applying net changes per key (BatchApplyEnabled).
 * For all four pairs of PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RunOutcome } from '../../src/engine/ports.js';
import { Workload, converged, dropTaskSlot } from '../helpers/cdc-workload.js';
import { EngineHarness, TestDb, includeAll, type Engine } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

const pairs: readonly (readonly [Engine, Engine])[] = [
  ['postgres', 'postgres'],
  ['mariadb', 'postgres'],
  ['postgres', 'mariadb'],
  ['mariadb', 'mariadb'],
];

for (const [engine, targetEngine] of pairs) {
  describe(`full-load-and-cdc ${engine} -> ${targetEngine}`, () => {
    it('keeps the target equal to the source under a random workload, across a stop and a resume-processing', async () => {
      const src = await TestDb.create(engine, 'cdcsrc');
      const dst = await TestDb.create(targetEngine, 'cdcdst');
      const identifier = `cdc-${engine}-${targetEngine}-${process.pid}-${Date.now() % 100000}`;
      const arn = `arn:aws:dms:us-east-1:000000000000:task:${identifier.toUpperCase().replace(/-/g, '')}`;
      try {
        const pk = 'PRIMARY KEY';
        await src.exec(
          engine === 'postgres'
            ? `CREATE TABLE ${src.q('items')} (id bigint ${pk}, name text, qty integer NOT NULL, price numeric(10,2) NOT NULL);
               INSERT INTO ${src.q('items')} SELECT g, 'seed ' || g, g % 50, g * 1.25 FROM generate_series(1, 3000) g;
               CREATE TABLE ${src.q('notes')} (id integer ${pk}, body text);
               INSERT INTO ${src.q('notes')} SELECT g, repeat('n', g) FROM generate_series(1, 50) g;`
            : `CREATE TABLE ${src.q('items')} (id bigint ${pk}, name text, qty int NOT NULL, price decimal(10,2) NOT NULL);
               INSERT INTO ${src.q('items')} SELECT seq, CONCAT('seed ', seq), seq % 50, seq * 1.25 FROM seq_1_to_3000;
               CREATE TABLE ${src.q('notes')} (id int ${pk}, body text);
               INSERT INTO ${src.q('notes')} SELECT seq, REPEAT('n', seq) FROM seq_1_to_50;`,
        );
        const work = new Workload(src, engine === 'postgres' ? 7 : 11);
        for (const r of await src.rows(`SELECT id FROM ${src.q('items')}`)) work.ids.add(Number(r[0]));
        const rules = [includeAll(src.schema)];
        const settings = { targetSchema: dst.schema };

        // Run 1: the workload runs during the full load and after it.
        const run1 = harness.start({ source: src, target: dst, rules, settings, migrationType: 'full-load-and-cdc', task: { arn, identifier, runId: 1 } });
        const during = work.run(300);
        const early = await Promise.race([run1.finished, during.then(() => undefined)]);
        assert.equal(early, undefined, `the run ended while it should replicate: ${JSON.stringify(early)}\n${run1.log()}`);
        // The truncate must come through change data capture, not before the capture began.
        for (const end = Date.now() + 60_000; !/Applying changes of/.test(run1.log()); ) {
          assert.ok(Date.now() < end, `the run never started applying changes\n${run1.log()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await src.exec(`TRUNCATE TABLE ${src.q('notes')}`);
        await src.exec(`INSERT INTO ${src.q('notes')} (id, body) VALUES (1, 'after the truncate')`);
        await work.run(200);
        await converged(src, dst, 'run 1', run1.log);
        assert.ok(run1.reporter.checkpoints.length >= 2, 'checkpoints were persisted');
        const stats = run1.reporter.last('items')!;
        assert.ok((stats.inserts ?? 0) > 0 && (stats.updates ?? 0) > 0 && (stats.deletes ?? 0) > 0, `change counters: ${JSON.stringify(stats)}`);
        assert.ok((run1.reporter.last('notes')?.ddls ?? 0) >= 1, 'the truncate is counted');
        await run1.supervisor.stop(arn);
        const out1: RunOutcome = await run1.finished;
        assert.deepEqual(out1, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
        const checkpoint = run1.reporter.checkpoints.at(-1)!;

        // Changes while the task is stopped, then run 2 resumes from the checkpoint, applying
        // net changes per key (BatchApplyEnabled): the workload's hot keys merge within batches.
        await work.run(150);
        const run2 = harness.start({
          source: src,
          target: dst,
          rules,
          settings: { ...settings, batchApply: true },
          migrationType: 'full-load-and-cdc',
          startType: 'resume-processing',
          completedTables: [{ schema: src.schema, name: 'items' }, { schema: src.schema, name: 'notes' }],
          cdc: { checkpoint },
          task: { arn, identifier, runId: 2 },
        });
        await work.run(100);
        await converged(src, dst, 'run 2', run2.log);
        assert.match(run2.log(), /Change data capture starts after .* \(the task checkpoint \(resume-processing\)\)/);
        assert.match(run2.log(), /net changes per key \(BatchApplyEnabled\)/);
        await run2.supervisor.stop(arn);
        assert.deepEqual(await run2.finished, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
      } finally {
        if (engine === 'postgres') await dropTaskSlot(identifier);
        await src.drop();
        await dst.drop();
      }
    });
  });
}

describe('ends of change data capture', () => {
  it('StopTaskCachedChangesApplied stops once the changes made during the full load are applied (STOPPED_AFTER_CACHED_EVENTS)', async () => {
    const src = await TestDb.create('mariadb', 'cachedsrc');
    const dst = await TestDb.create('postgres', 'cacheddst');
    try {
      await src.exec(`CREATE TABLE ${src.q('items')} (id bigint PRIMARY KEY, name text, qty int NOT NULL, price decimal(10,2) NOT NULL);
        INSERT INTO ${src.q('items')} SELECT seq, CONCAT('seed ', seq), seq % 50, seq * 1.25 FROM seq_1_to_200000;
        CREATE TABLE ${src.q('notes')} (id int PRIMARY KEY, body text);`);
      // Big enough that the full load outlasts the workload below (its changes are the cached ones).
      const work = new Workload(src, 5);
      const run = harness.start({
        source: src,
        target: dst,
        rules: [includeAll(src.schema)],
        settings: { targetSchema: dst.schema, stopTaskCachedChangesApplied: true },
        migrationType: 'full-load-and-cdc',
      });
      await work.run(60);
      const out = await run.finished;
      assert.deepEqual(out, { kind: 'stopped', stopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }, run.log());
      await converged(src, dst, 'cached changes applied', run.log);
    } finally {
      await src.drop();
      await dst.drop();
    }
  });

  for (const targetEngine of ['postgres', 'mariadb'] as const) {
    it(`a stop moves the ${targetEngine} target's sequence / AUTO_INCREMENT past the migrated values`, async () => {
      const src = await TestDb.create('postgres', 'seqsrc');
      const dst = await TestDb.create(targetEngine, 'seqdst');
      const identifier = `seq-${targetEngine}-${process.pid}-${Date.now() % 100000}`;
      const arn = `arn:aws:dms:us-east-1:000000000000:task:${identifier.toUpperCase().replace(/-/g, '')}`;
      try {
        await src.exec(`CREATE TABLE ${src.q('orders')} (id bigint PRIMARY KEY, item text); INSERT INTO ${src.q('orders')} SELECT g, 'o' || g FROM generate_series(1, 500) g;`);
        // The application's own target table, with its own counter still at 1.
        await dst.exec(
          targetEngine === 'postgres'
            ? `CREATE TABLE ${dst.q('orders')} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, item text)`
            : `CREATE TABLE ${dst.q('orders')} (id bigint AUTO_INCREMENT PRIMARY KEY, item text)`,
        );
        const run = harness.start({
          source: src,
          target: dst,
          rules: [includeAll(src.schema)],
          settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING' },
          migrationType: 'full-load-and-cdc',
          task: { arn, identifier, runId: 1 },
        });
        // During change data capture (a stop during the full load is not the cutover: nothing is advanced then).
        for (const until = Date.now() + 30_000; !/Applying changes of/.test(run.log()); ) {
          assert.ok(Date.now() < until, `the run never started applying changes\n${run.log()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await src.exec(`INSERT INTO ${src.q('orders')} VALUES (900, 'during cdc')`);
        const end = Date.now() + 30_000;
        while ((await dst.rows(`SELECT 1 FROM ${dst.q('orders')} WHERE id = 900`)).length === 0) {
          assert.ok(Date.now() < end, `id 900 never arrived\n${run.log()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        await run.supervisor.stop(arn);
        assert.deepEqual(await run.finished, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
        assert.match(run.log(), /Table .*orders.*: sequences advanced past the migrated values \("id": next value 901\)/);
        // The application's next insert takes a fresh id instead of colliding with a migrated row.
        await dst.exec(`INSERT INTO ${dst.q('orders')} (item) VALUES ('new order')`);
        assert.deepEqual(await dst.rows(`SELECT id FROM ${dst.q('orders')} WHERE item = 'new order'`), [['901']]);
      } finally {
        await dropTaskSlot(identifier);
        await src.drop();
        await dst.drop();
      }
    });
  }
});
