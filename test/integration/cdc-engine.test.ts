/**
 * Ongoing replication end to end through the engine, with the real connectors: a
 * full-load-and-cdc run keeps the target equal to the source, row for row, under a random
 * workload of inserts, updates (some changing the primary key), deletes and a truncate that
 * runs while the full load runs and after it; then across a stop and a resume-processing run
 * that continues from the persisted checkpoint, with more changes made while it was stopped.
 * For PostgreSQL -> PostgreSQL and MariaDB -> PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RunOutcome } from '../../src/engine/ports.js';
import { Workload, converged, dropTaskSlot } from '../helpers/cdc-workload.js';
import { EngineHarness, TestDb, includeAll, type Engine } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

for (const engine of ['postgres', 'mariadb'] as const satisfies readonly Engine[]) {
  describe(`full-load-and-cdc ${engine} -> postgres`, () => {
    it('keeps the target equal to the source under a random workload, across a stop and a resume-processing', async () => {
      const src = await TestDb.create(engine, 'cdcsrc');
      const dst = await TestDb.create('postgres', 'cdcdst');
      const identifier = `cdc-${engine}-${process.pid}-${Date.now() % 100000}`;
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

        // Changes while the task is stopped, then run 2 resumes from the checkpoint.
        await work.run(150);
        const run2 = harness.start({
          source: src,
          target: dst,
          rules,
          settings,
          migrationType: 'full-load-and-cdc',
          startType: 'resume-processing',
          completedTables: [{ schema: src.schema, name: 'items' }, { schema: src.schema, name: 'notes' }],
          cdc: { checkpoint },
          task: { arn, identifier, runId: 2 },
        });
        await work.run(100);
        await converged(src, dst, 'run 2', run2.log);
        assert.match(run2.log(), /Change data capture starts after .* \(the task checkpoint \(resume-processing\)\)/);
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
