/**
 * Source DDL during change data capture, through the engine with the real connectors
 * (ChangeProcessingDdlHandlingPolicy at DMS's defaults, everything handled): columns added,
 * renamed, retyped and dropped on a captured table, a table created inside the selection
 * (with rows written before the task saw it, for PostgreSQL, whose publication only takes it
 * in then) and a captured table dropped. The target follows, the rows written after each DDL
 * land in the new shape, and the table statistics count the DDL. Then with
 * HandleSourceTableAltered false: the target is left alone, and the task says so.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { dropTaskSlot } from '../helpers/cdc-workload.js';
import { EngineHarness, TestDb, includeAll, type Engine } from './engine-helpers.js';

const harness = new EngineHarness();
after(() => harness.close());

type Run = ReturnType<EngineHarness['start']>;

/** Polls until `cond` holds; fails after 45 s or when the run ends. */
async function until(run: Run, what: string, cond: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 45_000;
  while (!(await cond().catch(() => false))) {
    assert.equal(run.reporter.outcome, undefined, `the run ended while waiting until ${what}: ${JSON.stringify(run.reporter.outcome)}\n${run.log()}`);
    assert.ok(Date.now() < end, `timed out waiting until ${what}\n${run.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The target table's column names in order ([] when it does not exist). */
async function columnsOf(db: TestDb, table: string): Promise<string[]> {
  const sql =
    db.engine === 'postgres'
      ? `SELECT column_name FROM information_schema.columns WHERE table_schema = '${db.schema}' AND table_name = '${table}' ORDER BY ordinal_position`
      : `SELECT column_name FROM information_schema.columns WHERE table_schema = '${db.schema}' AND table_name = '${table}' ORDER BY ordinal_position`;
  return (await db.rows(sql)).map((r) => r[0]!);
}

async function withTask(engine: Engine, targetEngine: Engine, label: string, settings: Record<string, unknown>, body: (s: { src: TestDb; dst: TestDb; run: Run }) => Promise<void>): Promise<void> {
  const src = await TestDb.create(engine, `${label}s`);
  const dst = await TestDb.create(targetEngine, `${label}d`);
  const identifier = `${label}-${engine}-${process.pid}-${Date.now() % 100000}`;
  const arn = `arn:aws:dms:us-east-1:000000000000:task:${identifier.toUpperCase().replace(/-/g, '')}`;
  let run: Run | undefined;
  try {
    await src.exec(
      engine === 'postgres'
        ? `CREATE TABLE ${src.q('t')} (id int PRIMARY KEY, a text, b integer, c varchar(10));
           INSERT INTO ${src.q('t')} VALUES (1, 'one', 10, 'c1');
           CREATE TABLE ${src.q('gone')} (id int PRIMARY KEY);
           INSERT INTO ${src.q('gone')} VALUES (1);`
        : `CREATE TABLE ${src.q('t')} (id int PRIMARY KEY, a text, b int, c varchar(10));
           INSERT INTO ${src.q('t')} VALUES (1, 'one', 10, 'c1');
           CREATE TABLE ${src.q('gone')} (id int PRIMARY KEY);
           INSERT INTO ${src.q('gone')} VALUES (1);`,
    );
    run = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings: { targetSchema: dst.schema, ...settings }, migrationType: 'full-load-and-cdc', task: { arn, identifier, runId: 1 } });
    const started = run;
    await until(started, 'the run applies changes', async () => /Applying changes of/.test(started.log()));
    await body({ src, dst, run: started });
    await started.supervisor.stop(arn);
    assert.deepEqual(await started.finished, { kind: 'stopped', stopReason: 'Stop Reason NORMAL' });
  } finally {
    if (run?.supervisor.isRunning(arn)) await run.supervisor.stop(arn);
    if (engine === 'postgres') await dropTaskSlot(identifier);
    await src.drop();
    await dst.drop();
  }
}

const pairs: readonly (readonly [Engine, Engine])[] = [
  ['postgres', 'postgres'],
  ['mariadb', 'postgres'],
  ['mariadb', 'mariadb'],
];

for (const [engine, targetEngine] of pairs) {
  describe(`source DDL during change data capture, ${engine} -> ${targetEngine}`, () => {
    it('adds, renames, retypes and drops columns, creates a selected table with its rows, and drops a dropped table', async () => {
      await withTask(engine, targetEngine, 'ddl', {}, async ({ src, dst, run }) => {
        const row = async (id: number, cols: string): Promise<(string | null)[] | undefined> => (await dst.rows(`SELECT ${cols} FROM ${dst.q('t')} WHERE id = ${id}`))[0];

        // ADD COLUMN: the target gets it, and the next rows carry its values.
        await src.exec(`ALTER TABLE ${src.q('t')} ADD COLUMN extra int`);
        await src.exec(`INSERT INTO ${src.q('t')} (id, a, b, c, extra) VALUES (2, 'two', 20, 'c2', 42)`);
        await until(run, 'row 2 arrived with its new column', async () => JSON.stringify(await row(2, 'a, extra')) === JSON.stringify(['two', '42']));

        // RENAME COLUMN: the target column is renamed, keeping its values.
        await src.exec(engine === 'postgres' ? `ALTER TABLE ${src.q('t')} RENAME COLUMN b TO b2` : `ALTER TABLE ${src.q('t')} RENAME COLUMN b TO b2`);
        await src.exec(`UPDATE ${src.q('t')} SET b2 = 21 WHERE id = 2`);
        await until(run, 'the renamed column holds the update', async () => JSON.stringify(await row(2, 'b2')) === JSON.stringify(['21']));
        assert.deepEqual(await row(1, 'b2'), ['10'], 'the rename kept the values of the rows not updated');

        // ALTER COLUMN TYPE: wider values fit afterwards.
        await src.exec(engine === 'postgres' ? `ALTER TABLE ${src.q('t')} ALTER COLUMN b2 TYPE bigint` : `ALTER TABLE ${src.q('t')} MODIFY COLUMN b2 bigint`);
        await src.exec(`INSERT INTO ${src.q('t')} (id, a, b2, c, extra) VALUES (3, 'three', 5000000000, 'c3', 3)`);
        await until(run, 'the bigint value arrived', async () => JSON.stringify(await row(3, 'b2')) === JSON.stringify(['5000000000']));

        // DROP COLUMN: gone from the target too; rows keep flowing.
        await src.exec(`ALTER TABLE ${src.q('t')} DROP COLUMN c`);
        await src.exec(`INSERT INTO ${src.q('t')} (id, a, b2, extra) VALUES (4, 'four', 4, 4)`);
        await until(run, 'row 4 arrived', async () => (await row(4, 'a')) !== undefined);
        assert.deepEqual(await columnsOf(dst, 't'), ['id', 'a', 'b2', 'extra']);

        // CREATE TABLE inside the selection, with rows before and after the task sees it.
        await src.exec(
          engine === 'postgres'
            ? `CREATE TABLE ${src.q('fresh')} (id int PRIMARY KEY, v text); INSERT INTO ${src.q('fresh')} VALUES (1, 'first'), (2, 'second');`
            : `CREATE TABLE ${src.q('fresh')} (id int PRIMARY KEY, v text);
               INSERT INTO ${src.q('fresh')} VALUES (1, 'first'), (2, 'second');`,
        );
        await src.exec(`INSERT INTO ${src.q('fresh')} VALUES (3, 'third')`);
        await src.exec(`UPDATE ${src.q('fresh')} SET v = 'FIRST' WHERE id = 1`);
        await src.exec(`DELETE FROM ${src.q('fresh')} WHERE id = 2`);
        await until(run, 'the new table matches the source', async () => JSON.stringify(await dst.rows(`SELECT id, v FROM ${dst.q('fresh')} ORDER BY id`)) === JSON.stringify([['1', 'FIRST'], ['3', 'third']]));

        // DROP TABLE of a captured table: dropped on the target.
        await src.exec(`DROP TABLE ${src.q('gone')}`);
        await until(run, 'the dropped table is gone from the target', async () => (await columnsOf(dst, 'gone')).length === 0);

        // Everything on the source is on the target.
        const srcRows = await src.rows(`SELECT id, a, b2, extra FROM ${src.q('t')} ORDER BY id`);
        assert.deepEqual(await dst.rows(`SELECT id, a, b2, extra FROM ${dst.q('t')} ORDER BY id`), srcRows);
        await until(run, 'the DDL statements are counted', async () => (run.reporter.last('t')?.ddls ?? 0) >= 4);
        assert.ok((run.reporter.last('fresh')?.ddls ?? 0) >= 1, `the created table counts its CREATE: ${JSON.stringify(run.reporter.last('fresh'))}`);
        assert.match(run.log(), /Table "[^"]+"\."t" altered to follow the source .*added extra/);
        assert.match(run.log(), /renamed b to b2/);
      });
    });
  });
}

describe('source DDL with ChangeProcessingDdlHandlingPolicy HandleSourceTableAltered false', () => {
  it('leaves the target table as it is, says so, and keeps applying the columns it has', async () => {
    await withTask('postgres', 'postgres', 'ddloff', { ddlHandling: { tableAltered: false, tableDropped: false, tableTruncated: true } }, async ({ src, dst, run }) => {
      await src.exec(`ALTER TABLE ${src.q('t')} ADD COLUMN extra int`);
      await src.exec(`INSERT INTO ${src.q('t')} (id, a, b, c, extra) VALUES (2, 'two', 20, 'c2', 42)`);
      await until(run, 'row 2 arrived', async () => (await dst.rows(`SELECT a FROM ${dst.q('t')} WHERE id = 2`)).length === 1);
      assert.deepEqual(await columnsOf(dst, 't'), ['id', 'a', 'b', 'c']);
      assert.match(run.log(), /altered on the source .*HandleSourceTableAltered is false/);
      await src.exec(`DROP TABLE ${src.q('gone')}`);
      await until(run, 'the kept table is reported', async () => /dropped on the source .*is kept \(HandleSourceTableDropped is false\)/.test(run.log()));
      assert.deepEqual(await dst.rows(`SELECT id FROM ${dst.q('gone')}`), [['1']]);
    });
  });
});
