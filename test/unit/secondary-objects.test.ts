/**
 * CreateSecondaryObjectsAfterFullLoad without databases: the planner's selection (what is
 * left out and why, renames, identities per target dialect) and the engine phase (one
 * failing object does not stop the others, a stop ends it promptly, a broken plan is logged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connector, NeutralType, SchemaDdlAccess, SchemaDdlDump } from '../../src/connectors/spi/index.js';
import { foreignKeysToDrop, planSecondaryObjects } from '../../src/control/replication-tasks/secondary-objects-planner.js';
import { createSecondaryObjects } from '../../src/engine/full-load/secondary-objects.js';
import type { TablePlan } from '../../src/engine/mapping/index.js';
import type { SecondaryObjectsPlan, SecondaryObjectsPlanner, SecondaryObjectsTable } from '../../src/engine/ports.js';
import type { RunLog } from '../../src/engine/run-context.js';
import { settingsForCreate, settingsForModify, toEngineSettings } from '../../src/control/replication-tasks/task-settings.js';
import { spec } from './engine-fakes.js';

const int4: NeutralType = { kind: 'int', bytes: 4, unsigned: false };
const text: NeutralType = { kind: 'text' };

const mysqlDump = (statements: string[]): SchemaDdlDump => ({ dialect: 'mysql', serverVersion: '10.11.6-MariaDB', statements, problems: [] });

const shop = mysqlDump([
  'CREATE DATABASE `shop`',
  'USE `shop`',
  'CREATE TABLE `customer` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(40) NOT NULL, `secret` varchar(40), `code` varchar(10), PRIMARY KEY (`id`), UNIQUE KEY `uk_secret` (`secret`), UNIQUE KEY `uk_code` (`code`), KEY `ix_name` (`name`), KEY `ix_lower` ((lower(`secret`))))',
  'CREATE TABLE `orders` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `customer_id` int, `rep_id` int, `note` varchar(20), PRIMARY KEY (`id`), KEY `ix_note` (`note`), CONSTRAINT `fk_customer` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`), CONSTRAINT `fk_rep` FOREIGN KEY (`rep_id`) REFERENCES `rep` (`id`))',
  'CREATE TABLE `rep` (`id` int NOT NULL, PRIMARY KEY (`id`))',
]);

const table = (schema: string, name: string, to: { schema: string; name: string }, columns: [string, string, NeutralType][]): SecondaryObjectsTable => ({
  source: { schema, name },
  target: to,
  columns: columns.map(([source, target, targetType]) => ({ source, target, targetType })),
});

/** customer (secret removed, name -> full_name) and orders -> purchases; rep is not loaded. */
const loaded = [
  table('shop', 'customer', { schema: 'app', name: 'customer' }, [['id', 'id', int4], ['name', 'full_name', { kind: 'varchar', length: 40 }], ['code', 'code', { kind: 'varchar', length: 10 }]]),
  table('shop', 'orders', { schema: 'app', name: 'purchases' }, [['id', 'id', { kind: 'int', bytes: 8, unsigned: true }], ['customer_id', 'customer_id', int4], ['rep_id', 'rep_id', int4], ['note', 'note', text]]),
];

/** The statements, without MySQL's backticks (quoteIdentifier quotes only where needed). */
const sqlOf = (plan: SecondaryObjectsPlan): string[] => plan.objects.flatMap((o) => o.statements.map((q) => q.replace(/`/g, '')));

describe('secondary objects planner', () => {
  it('keeps what the loaded columns and tables allow, and says why it leaves the rest out', () => {
    const plan = planSecondaryObjects({ sourceEngine: 'mariadb', targetEngine: 'mariadb', sourceDdl: shop, tables: loaded });
    const notes = plan.notes.join('\n');
    assert.match(notes, /Unique constraint "uk_secret" of "shop"\."customer" is not created: column "secret" is not loaded/);
    assert.match(notes, /Index "ix_lower" of "shop"\."customer" is not created: column "secret" is not loaded/);
    assert.match(notes, /Foreign key "fk_rep" of "shop"\."orders" is not created: it references "shop"\."rep", which the task does not load/);
    assert.equal(plan.notes.length, 3, notes);
    assert.deepEqual(
      plan.objects.map((o) => o.kind),
      ['unique', 'index', 'index', 'identity', 'identity', 'foreign-key'],
      plan.objects.map((o) => o.object).join('\n'),
    );
    const sql = sqlOf(plan).join('\n');
    assert.match(sql, /ALTER TABLE app\.customer ADD CONSTRAINT uk_code UNIQUE \(code\)/);
    assert.match(sql, /CREATE INDEX ix_name ON app\.customer \(full_name\)/);
    assert.match(sql, /CREATE INDEX ix_note ON app\.purchases \(note\)/);
    assert.match(sql, /ALTER TABLE app\.purchases MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT/);
    assert.match(sql, /ALTER TABLE app\.purchases ADD CONSTRAINT fk_customer FOREIGN KEY \(customer_id\) REFERENCES app\.customer \(id\)/);
  });

  it('converts for the other dialect, with PostgreSQL identities that continue after the rows', () => {
    const plan = planSecondaryObjects({ sourceEngine: 'mariadb', targetEngine: 'postgres', sourceDdl: shop, tables: loaded });
    const sql = sqlOf(plan).join('\n');
    assert.match(sql, /CREATE INDEX ix_name ON app\.customer \(full_name\)/);
    assert.match(sql, /ALTER TABLE app\.purchases ADD CONSTRAINT fk_customer FOREIGN KEY \(customer_id\) REFERENCES app\.customer \(id\)/);
    assert.match(sql, /ALTER TABLE app\.customer ALTER COLUMN id SET NOT NULL, ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY/);
    assert.match(sql, /SELECT setval\(pg_get_serial_sequence\('app\.customer', 'id'\), coalesce\(max\(id\), 0\) \+ 1, false\) FROM app\.customer/);
    const identity = plan.objects.find((o) => o.kind === 'identity');
    assert.equal(identity?.statements.length, 2, 'the ALTER and the setval are applied together');
  });

  it('notes a table missing from the DDL, a view, and an identity whose target column is not an integer', () => {
    const dump = mysqlDump(['USE `shop`', 'CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`))', 'CREATE VIEW `v` AS select 1 AS `x`']);
    const plan = planSecondaryObjects({
      sourceEngine: 'mysql',
      targetEngine: 'mysql',
      sourceDdl: dump,
      tables: [
        table('shop', 't', { schema: 'shop', name: 't' }, [['id', 'id', text]]),
        table('shop', 'v', { schema: 'shop', name: 'v' }, [['x', 'x', int4]]),
        table('shop', 'gone', { schema: 'shop', name: 'gone' }, []),
      ],
    });
    const notes = plan.notes.join('\n');
    assert.match(notes, /identity of "shop"\."t"\."id" is not created: the target column is not an integer column \(text\)/);
    assert.match(notes, /"shop"\."v" is a view in the source/);
    assert.match(notes, /Table "shop"\."gone" is not in the source DDL/);
    assert.deepEqual(plan.objects, []);
  });

  it('drops only the foreign keys between the task\'s own target tables before they are dropped again', () => {
    const targetDdl: SchemaDdlDump = {
      dialect: 'postgres',
      serverVersion: '16.4',
      problems: [],
      statements: [
        'CREATE SCHEMA app',
        'CREATE TABLE app.a (id integer NOT NULL)',
        'CREATE TABLE app.b (id integer NOT NULL, a_id integer)',
        'CREATE TABLE app.mine (id integer NOT NULL, a_id integer)',
        'ALTER TABLE ONLY app.a ADD CONSTRAINT a_pkey PRIMARY KEY (id)',
        'ALTER TABLE ONLY app.b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES app.a(id)',
        'ALTER TABLE ONLY app.mine ADD CONSTRAINT mine_a_fk FOREIGN KEY (a_id) REFERENCES app.a(id)',
      ],
    };
    const drops = foreignKeysToDrop({ targetDdl, tables: [{ schema: 'app', name: 'a' }, { schema: 'app', name: 'b' }] });
    assert.deepEqual(drops.map((d) => d.sql), ['ALTER TABLE app.b DROP CONSTRAINT b_a_fk']);
  });

  it('takes names with wildcard characters literally', () => {
    const dump = mysqlDump(['USE `a_b`', 'CREATE TABLE `x_1` (`id` int NOT NULL, `c_1` int, `c%` int, PRIMARY KEY (`id`), KEY `k1` (`c_1`), KEY `k2` (`c%`))', 'CREATE TABLE `xy1` (`id` int NOT NULL, `c_1` int, PRIMARY KEY (`id`), KEY `k3` (`c_1`))']);
    const plan = planSecondaryObjects({
      sourceEngine: 'mysql',
      targetEngine: 'mysql',
      sourceDdl: dump,
      tables: [
        table('a_b', 'x_1', { schema: 'z', name: 'renamed' }, [['id', 'id', int4], ['c_1', 'one', int4], ['c%', 'pct', int4]]),
        table('a_b', 'xy1', { schema: 'z', name: 'xy1' }, [['id', 'id', int4], ['c_1', 'c_1', int4]]),
      ],
    });
    const sql = sqlOf(plan).join('\n');
    assert.match(sql, /CREATE INDEX k1 ON z\.renamed \(one\)/);
    assert.match(sql, /CREATE INDEX k2 ON z\.renamed \(pct\)/);
    assert.match(sql, /CREATE INDEX k3 ON z\.xy1 \(c_1\)/, 'xy1 is not renamed by the rule for x_1');
  });
});

// ---------------------------------------------------------------------------------------
// The engine phase, with fake connectors

function recordingLog(): RunLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (component, severity, message) => void lines.push(`${component} ${severity} ${message}`) };
}

function fakeConnector(access: Partial<SchemaDdlAccess>): Connector {
  const full: SchemaDdlAccess = {
    dumpSchemaDdl: () => Promise.resolve(mysqlDump([])),
    applyDdl: () => Promise.resolve({ applied: 1, failures: [] }),
    close: () => Promise.resolve(),
    ...access,
  };
  const no = (): Promise<never> => Promise.reject(new Error('not used'));
  return { engines: ['fake'], testConnection: no, listSchemas: no, openSource: no, openTarget: no, openSchemaDdl: () => Promise.resolve(full) };
}

const tablePlan: TablePlan = {
  source: { schema: 's', name: 't' },
  target: { schema: 's', name: 't' },
  loadOrder: 0,
  columns: [{ kind: 'source', sourceName: 'id', targetName: 'id', sourceType: int4, targetType: int4, nullable: false, isLob: false }],
  filters: [],
  primaryKey: ['id'],
  sourceKey: ['id'],
  ruleIds: [],
};

const threeObjects: SecondaryObjectsPlan = {
  objects: [
    { kind: 'index', object: 'index "a"', statements: ['CREATE INDEX a'] },
    { kind: 'index', object: 'index "b"', statements: ['CREATE INDEX b'] },
    { kind: 'foreign-key', object: 'foreign key "c"', statements: ['ALTER TABLE c'] },
  ],
  notes: ['something was left out'],
};

const plannerOf = (plan: SecondaryObjectsPlanner['plan']): SecondaryObjectsPlanner => ({ plan, foreignKeysToDrop: () => [] });

describe('secondary objects phase', () => {
  const settings = { createSecondaryObjectsAfterFullLoad: true } as const;

  it('applies each object on its own: one failure is logged with the message, the others are created', async () => {
    const applied: string[] = [];
    const target = fakeConnector({
      applyDdl: (statements) => {
        applied.push(...statements);
        return Promise.resolve(statements[0] === 'CREATE INDEX b' ? { applied: 0, failures: [{ index: 0, sql: statements[0], message: 'relation "b" already exists' }] } : { applied: 1, failures: [] });
      },
    });
    const log = recordingLog();
    const outcome = await createSecondaryObjects({ spec: spec({ settings }), tables: [tablePlan], source: fakeConnector({}), target, planner: plannerOf(() => threeObjects), log, signal: new AbortController().signal });
    assert.deepEqual(outcome, { created: 2, failed: 1, notes: 1 });
    assert.deepEqual(applied, ['CREATE INDEX a', 'CREATE INDEX b', 'ALTER TABLE c']);
    const text = log.lines.join('\n');
    assert.match(text, /ERROR CreateSecondaryObjectsAfterFullLoad: could not create index "b": relation "b" already exists \[CREATE INDEX b\]/);
    assert.match(text, /WARNING CreateSecondaryObjectsAfterFullLoad: something was left out/);
    assert.match(text, /2 of 3 secondary objects created, 1 failed/);
  });

  it('gives the planner the loaded tables and the source DDL of their schemas', async () => {
    const dumped: string[][] = [];
    const source = fakeConnector({ dumpSchemaDdl: (schemas) => (dumped.push([...schemas]), Promise.resolve(mysqlDump(['USE `s`']))) });
    let seen: unknown;
    const planner = plannerOf((req) => ((seen = req), { objects: [], notes: [] }));
    await createSecondaryObjects({ spec: spec({ settings }), tables: [tablePlan], source, target: fakeConnector({}), planner, log: recordingLog(), signal: new AbortController().signal });
    assert.deepEqual(dumped, [['s']]);
    assert.deepEqual((seen as { tables: unknown }).tables, [{ source: tablePlan.source, target: tablePlan.target, columns: [{ source: 'id', target: 'id', targetType: int4 }] }]);
  });

  it('stops promptly when the run is stopped, saying what was created', async () => {
    const stop = new AbortController();
    const target = fakeConnector({
      applyDdl: (_statements, signal) =>
        new Promise((_resolve, reject) => {
          // The first object hangs until the stop, as a long index build would.
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          setTimeout(() => stop.abort(new Error('stop requested')), 10);
        }),
    });
    const log = recordingLog();
    const started = Date.now();
    await assert.rejects(
      createSecondaryObjects({ spec: spec({ settings }), tables: [tablePlan], source: fakeConnector({}), target, planner: plannerOf(() => threeObjects), log, signal: stop.signal }),
      /stop requested/,
    );
    assert.ok(Date.now() - started < 2000);
    assert.match(log.lines.join('\n'), /the task stopped while secondary objects were being created: 0 of 3 were created/);
  });

  it('logs a planner that throws, and a task without DROP_AND_CREATE, without failing', async () => {
    const log = recordingLog();
    const planner = plannerOf(() => {
      throw new Error('rule 3 makes two tables one');
    });
    const run = (over: Parameters<typeof spec>[0]) => createSecondaryObjects({ spec: spec(over), tables: [tablePlan], source: fakeConnector({}), target: fakeConnector({}), planner, log, signal: new AbortController().signal });
    assert.equal(await run({ settings }), undefined);
    assert.equal(await run({ settings: { ...settings, targetTablePrepMode: 'DO_NOTHING' } }), undefined);
    const text = log.lines.join('\n');
    assert.match(text, /no secondary objects were created: planning them failed: rule 3 makes two tables one/);
    assert.match(text, /needs FullLoadSettings\.TargetTablePrepMode DROP_AND_CREATE \(the task has DO_NOTHING\)/);
  });
});

describe('OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad', () => {
  it('is in the default document, false, and maps to the engine setting', () => {
    const doc = settingsForCreate(undefined);
    assert.deepEqual(doc.OpenDmsSettings, { CreateSecondaryObjectsAfterFullLoad: false });
    assert.equal(toEngineSettings(doc).createSecondaryObjectsAfterFullLoad, false);
    const on = settingsForCreate('{"OpenDmsSettings":{"CreateSecondaryObjectsAfterFullLoad":true}}');
    assert.equal(toEngineSettings(on).createSecondaryObjectsAfterFullLoad, true);
    assert.equal((on.FullLoadSettings as Record<string, unknown>).TargetTablePrepMode, 'DROP_AND_CREATE', 'the rest keeps its defaults');
  });

  it('is refused with a clear message when misspelt or mistyped, and reads false on tasks stored before it existed', () => {
    assert.throws(() => settingsForCreate('{"OpenDmsSettings":{"CreateSecondaryObjectAfterFullLoad":true}}'), /unknown member OpenDmsSettings\.CreateSecondaryObjectAfterFullLoad; did you mean CreateSecondaryObjectsAfterFullLoad\?/);
    assert.throws(() => settingsForCreate('{"OpenDmsSettings":{"CreateSecondaryObjectsAfterFullLoad":"yes"}}'), /OpenDmsSettings\.CreateSecondaryObjectsAfterFullLoad must be true or false/);
    const old = settingsForCreate(undefined);
    delete old.OpenDmsSettings;
    assert.equal(toEngineSettings(old).createSecondaryObjectsAfterFullLoad, false);
    const modified = settingsForModify(old, '{"OpenDmsSettings":{"CreateSecondaryObjectsAfterFullLoad":true}}');
    assert.equal(toEngineSettings(modified).createSecondaryObjectsAfterFullLoad, true);
  });
});
