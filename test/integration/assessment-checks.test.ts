/**
 * Premigration assessments against the local servers: each test creates its own source and
 * target databases, runs every applicable assessment through the real connectors, and checks
 * that exactly the problems it built are named (and the server settings that
 * `npm run services:setup` configures pass). Then a user without privileges, and a cancelled run.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { applicableAssessments, runAssessments, type AssessmentSubject, type IndividualResult, type MigrationType } from '../../src/assessment/index.js';
import { createConnectors } from '../../src/connectors/registry.js';
import { mariaQuery, pgExec, pgQuery, uniqueSuffix } from '../helpers/databases.js';
import { TestDb } from './engine-helpers.js';

const connectors = createConnectors();
after(() => connectors.close());

function subject(source: TestDb, target: TestDb, opts: { migrationType: MigrationType; settings?: Record<string, unknown>; sourceUser?: string }): AssessmentSubject {
  const sourceParams = opts.sourceUser ? { ...source.params, username: opts.sourceUser } : source.params;
  return {
    source: { engineName: source.engine, params: sourceParams },
    target: { engineName: target.engine, params: target.params },
    migrationType: opts.migrationType,
    tableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'schema-name': source.schema, 'table-name': '%' }, 'rule-action': 'include' }] }),
    taskSettings: { ...opts.settings, TargetMetadata: { TargetSchema: target.schema, SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, ...(opts.settings?.TargetMetadata as object) } },
  };
}

async function assess(s: AssessmentSubject, names = applicableAssessments(s.source.engineName, s.target.engineName, s.migrationType), signal = new AbortController().signal) {
  const started: string[] = [];
  const finished: IndividualResult[] = [];
  const results = await runAssessments({
    subject: s,
    names,
    connectors,
    concurrency: 4,
    signal,
    observer: { started: (n) => started.push(n), finished: (r) => finished.push(r) },
    now: () => new Date(),
  });
  const byName = new Map(results.map((r) => [r.name, r]));
  const explain = (): string => results.map((r) => `${r.name}: ${r.status} — ${r.summary} ${JSON.stringify(r.findings)}`).join('\n');
  return { results, byName, started, finished, explain };
}

/** The names of the assessments that did not pass, with their status. */
function problems(results: readonly IndividualResult[]): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.status !== 'passed').map((r) => [r.name, r.status]));
}

function objects(r: IndividualResult | undefined): string[] {
  return (r?.findings ?? []).map((f) => f.object).sort();
}

/** Waits until no session is connected to the database any more (a closed connection's backend exits asynchronously). */
async function untilNoSessions(count: () => Promise<number>): Promise<number> {
  let n = await count();
  for (let i = 0; i < 40 && n > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    n = await count();
  }
  return n;
}

describe('premigration assessments against real databases', () => {
  it('MariaDB -> PostgreSQL, full-load-and-cdc in full LOB mode: names the keyless table and the NOT NULL LOB column, and the server checks pass', async () => {
    const source = await TestDb.create('mariadb', 'asm');
    const target = await TestDb.create('postgres', 'asmt');
    try {
      await source.exec(
        [
          'CREATE TABLE nokey (a int, b varchar(20), memo text) ENGINE=InnoDB;',
          'CREATE TABLE lobs (id int PRIMARY KEY, body text NOT NULL, pic blob) ENGINE=InnoDB;',
          'CREATE TABLE normal (id int PRIMARY KEY, name varchar(50)) ENGINE=InnoDB;',
        ].join('\n'),
      );
      const s = subject(source, target, { migrationType: 'full-load-and-cdc', settings: { TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false } } });
      const { results, byName, started, finished, explain } = await assess(s);

      assert.deepEqual(
        problems(results),
        {
          'table-with-no-primary-key-or-unique-constraint': 'warning',
          'table-with-lob-but-without-primary-key-or-unique-constraint': 'warning',
          'full-lob-not-nullable-at-target': 'warning',
        },
        explain(),
      );
      assert.deepEqual(objects(byName.get('table-with-no-primary-key-or-unique-constraint')), [`${source.schema}.nokey`]);
      assert.deepEqual(objects(byName.get('table-with-lob-but-without-primary-key-or-unique-constraint')), [`${source.schema}.nokey`]);
      assert.deepEqual(objects(byName.get('full-lob-not-nullable-at-target')), [`${target.schema}.lobs.body`]);
      for (const r of results.filter((x) => x.status !== 'passed')) assert.ok((r.advice ?? '').length > 30, `${r.name} says what to change`);

      // The server settings of the local MariaDB (services:setup: ROW, FULL, server_id=1, binlog on).
      for (const n of ['mariadb-check-binlog-format', 'mariadb-check-binlog-image', 'mariadb-check-server-id', 'mariadb-check-replication-privileges', 'mariadb-check-select-privileges', 'mariadb-check-supported-version', 'mariadb-check-table-storage-engine', 'all-check-source-selection-rules', 'unsupported-data-types-in-source']) {
        assert.equal(byName.get(n)?.status, 'passed', `${n}: ${byName.get(n)?.summary}`);
      }
      assert.deepEqual(byName.get('mariadb-check-binlog-format')!.findings, [{ object: 'binlog_format', detail: 'ROW' }]);
      assert.equal(started.length, results.length);
      assert.equal(finished.length, results.length);

      // Every connection the run opened is closed.
      assert.equal(await untilNoSessions(async () => Number((await pgQuery<{ n: string }>('postgres', 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [target.database]))[0]!.n)), 0);
      assert.equal(await untilNoSessions(async () => Number((await mariaQuery<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [source.database]))[0]!.n)), 0);
    } finally {
      await source.drop();
      await target.drop();
    }
  });

  it('PostgreSQL -> PostgreSQL, full-load-and-cdc: the keyless table with an array column, and an existing target table without key but with an index', async () => {
    const source = await TestDb.create('postgres', 'asp');
    const target = await TestDb.create('postgres', 'aspt');
    try {
      await source.exec(`CREATE TABLE ${source.q('nokey')} (a int, tags text[]); CREATE TABLE ${source.q('keyed')} (id int PRIMARY KEY, vals int[], note text)`);
      await target.exec(`CREATE TABLE ${target.q('keyed')} (id int, vals int[], note text); CREATE INDEX keyed_note ON ${target.q('keyed')} (note)`);
      const s = subject(source, target, { migrationType: 'full-load-and-cdc', settings: { FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } } });
      const { results, byName, explain } = await assess(s);

      // Capacity and open transactions depend on what else runs on the shared server: decided, never an error.
      const environmental = ['postgres-check-maxwalsenders', 'postgres-check-replication-slots-count', 'postgres-check-longrunningtxn'];
      for (const n of environmental) assert.notEqual(byName.get(n)?.status, 'error', `${n}: ${byName.get(n)?.summary}`);
      const found = problems(results.filter((r) => !environmental.includes(r.name)));
      assert.deepEqual(
        found,
        {
          'table-with-no-primary-key-or-unique-constraint': 'warning',
          'postgres-check-pk': 'failed',
          'postgres-check-table-with-array': 'warning',
          'target-table-has-unique-key-or-primary-key-for-cdc': 'warning',
          'postgres-check-target-secondary-indexes': 'warning',
        },
        explain(),
      );
      assert.deepEqual(objects(byName.get('table-with-no-primary-key-or-unique-constraint')), [`${source.schema}.nokey`]);
      assert.deepEqual(objects(byName.get('postgres-check-pk')), [`${source.schema}.nokey`]);
      assert.match(byName.get('postgres-check-pk')!.findings[0]!.detail, /REPLICA IDENTITY DEFAULT/);
      assert.deepEqual(objects(byName.get('postgres-check-table-with-array')), [`${source.schema}.nokey`]);
      assert.deepEqual(objects(byName.get('target-table-has-unique-key-or-primary-key-for-cdc')), [`${target.schema}.keyed`]);
      assert.deepEqual(objects(byName.get('postgres-check-target-secondary-indexes')), [`${target.schema}.keyed`]);
      for (const n of ['postgres-check-wallevel', 'postgres-check-dbversion', 'postgres-check-walsenderstimeout', 'postgres-check-maxslot-wal-keep-size', 'postgres-check-ddl-event-trigger', 'postgres-check-select-object-privileges', 'postgres-check-target-privileges']) {
        assert.equal(byName.get(n)?.status, 'passed', `${n}: ${byName.get(n)?.summary}`);
      }
      assert.deepEqual(byName.get('postgres-check-wallevel')!.findings, [{ object: 'wal_level', detail: 'logical' }]);

      // REPLICA IDENTITY FULL captures the keyless table's changes: no longer a failure.
      await source.exec(`ALTER TABLE ${source.q('nokey')} REPLICA IDENTITY FULL`);
      const again = await assess(s, ['postgres-check-pk']);
      assert.equal(again.results[0]!.status, 'warning', again.explain());
    } finally {
      await source.drop();
      await target.drop();
    }
  });

  it('PostgreSQL -> MariaDB: names the columns whose types MariaDB holds only approximately', async () => {
    const source = await TestDb.create('postgres', 'aspm');
    const target = await TestDb.create('mariadb', 'aspmt');
    try {
      await source.exec(`CREATE TABLE ${source.q('t')} (id int PRIMARY KEY, vals int[], span interval, amount numeric, price numeric(10,2), at timestamptz)`);
      const s = subject(source, target, { migrationType: 'full-load' });
      const { byName, explain } = await assess(s, ['unsupported-data-types-in-source']);
      const r = byName.get('unsupported-data-types-in-source')!;
      assert.equal(r.status, 'warning', explain());
      assert.deepEqual(objects(r), ['amount', 'at', 'span', 'vals'].map((c) => `${source.schema}.t.${c}`));
      assert.match(r.findings.find((f) => f.object.endsWith('.vals'))!.detail, /^integer\[\]: .*LONGTEXT/);
      assert.ok(!applicableAssessments('postgres', 'mariadb', 'full-load').includes('postgres-check-target-privileges'), 'PostgreSQL target privileges are not asked of a MariaDB target');
    } finally {
      await source.drop();
      await target.drop();
    }
  });

  it('a PostgreSQL source user without privileges: privileges fail, and a check that cannot see enough says error and why', async () => {
    const source = await TestDb.create('postgres', 'asr');
    const target = await TestDb.create('postgres', 'asrt');
    const role = `opendms_it_assess_${uniqueSuffix()}`;
    try {
      await source.exec(`CREATE TABLE ${source.q('t')} (id int PRIMARY KEY)`);
      await pgExec(`CREATE ROLE ${role} LOGIN`);
      const s = subject(source, target, { migrationType: 'full-load-and-cdc', sourceUser: role });
      const { byName, explain } = await assess(s, ['postgres-check-select-object-privileges', 'postgres-check-longrunningtxn', 'postgres-check-ddl-event-trigger', 'postgres-check-replication-slots-count']);
      const privileges = byName.get('postgres-check-select-object-privileges')!;
      assert.equal(privileges.status, 'failed', explain());
      assert.deepEqual(
        privileges.findings.map((f) => `${f.object}: ${f.detail}`).sort(),
        [
          `${source.schema}: missing USAGE on the schema`,
          `${source.schema}.t: missing SELECT`,
          `${source.schema}.t: not owned by ${role}: only its owner (or a superuser) may add it to the task's publication`,
          `database ${source.database}: missing CREATE: the task creates its publications in the database`,
        ].sort(),
      );
      assert.match(privileges.advice!, /GRANT SELECT/);
      const txn = byName.get('postgres-check-longrunningtxn')!;
      assert.equal(txn.status, 'error', explain());
      assert.match(txn.summary, /pg_read_all_stats/);
      assert.equal(byName.get('postgres-check-ddl-event-trigger')!.status, 'warning');
      const slots = byName.get('postgres-check-replication-slots-count')!;
      assert.equal(slots.status, 'failed');
      assert.ok(slots.findings.some((f) => f.object === role && /REPLICATION/.test(f.detail)), JSON.stringify(slots.findings));
    } finally {
      await source.drop();
      await target.drop();
      await pgExec(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('cancelled mid-run: the assessments not finished end cancelled, and the connections are closed', async () => {
    const source = await TestDb.create('mariadb', 'asc');
    const target = await TestDb.create('postgres', 'asct');
    try {
      await source.exec('CREATE TABLE t (id int PRIMARY KEY, body text);');
      const s = subject(source, target, { migrationType: 'full-load-and-cdc' });
      const names = applicableAssessments(s.source.engineName, s.target.engineName, s.migrationType);
      const abort = new AbortController();
      const finished: IndividualResult[] = [];
      const results = await runAssessments({
        subject: s,
        names,
        connectors,
        concurrency: 1,
        signal: abort.signal,
        observer: {
          // The third assessment starts: cancel, as CancelReplicationTaskAssessmentRun would.
          started: (name) => {
            if (name === names[2]) abort.abort(new Error('cancelled'));
          },
          finished: (r) => finished.push(r),
        },
        now: () => new Date(),
      });
      assert.deepEqual(results.map((r) => r.name), names);
      assert.ok(results.slice(0, 2).every((r) => r.status !== 'cancelled'), JSON.stringify(results.slice(0, 2)));
      assert.ok(results.slice(2).every((r) => r.status === 'cancelled'), JSON.stringify(results.map((r) => r.status)));
      assert.equal(finished.length, names.length);
      assert.equal(await untilNoSessions(async () => Number((await pgQuery<{ n: string }>('postgres', 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [target.database]))[0]!.n)), 0);
      assert.equal(await untilNoSessions(async () => Number((await mariaQuery<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [source.database]))[0]!.n)), 0);
    } finally {
      await source.drop();
      await target.drop();
    }
  });
});
