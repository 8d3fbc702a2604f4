/**
 * MySQL/MariaDB schema DDL (schema conversion's import and export to target) against the real
 * local MariaDB: the Sakila MySQL schema is loaded into a database of this test, dumped with
 * SHOW CREATE, re-applied under another name (same catalog), and a run with a failing
 * statement leaves nothing of what it created.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { MysqlConnector } from '../../src/connectors/mysql/mysql-connector.js';
import { readLeadingKeywords } from '../../src/connectors/mysql/mysql-schema-ddl.js';
import type { ConnectionParams, SchemaDdlDump } from '../../src/connectors/spi/index.js';
import { splitStatements } from '../../src/schema-conversion/sql/tokenizer.js';
import { mariaDropDatabase, mariaExec, mariaQuery, uniqueSuffix, withMaria } from '../helpers/databases.js';
import { blackHole } from '../helpers/network.js';
import { rejectsWith } from '../helpers/connector-errors.js';

const suffix = uniqueSuffix();
const source = `opendms_it_ddl_src_${suffix}`;
const copy = `opendms_it_ddl_copy_${suffix}`;
const broken = `opendms_it_ddl_broken_${suffix}`;
const existing = `opendms_it_ddl_existing_${suffix}`;
const views = `opendms_it_ddl_views_${suffix}`;
const all = [source, copy, broken, existing, views];
const script = readFileSync(new URL('../fixtures/sakila/mysql-sakila-schema.sql', import.meta.url), 'utf8');

const connector = new MysqlConnector();
const params: ConnectionParams = { engineName: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', password: '', ssl: { mode: 'none' } };
const signal = (): AbortSignal => new AbortController().signal;

/** The dump with the source database's name replaced by `db` (views name their tables qualified). */
const renamed = (dump: SchemaDdlDump, db: string): string[] => dump.statements.map((s) => s.split(source).join(db));

/** What the comparison looks at, per database: tables, columns, keys, indexes, routines, triggers. */
async function catalogOf(db: string): Promise<Record<string, string[]>> {
  const list = async (sql: string): Promise<string[]> => (await mariaQuery<{ x: string }>(sql, [db])).map((r) => String(r.x));
  return {
    tables: await list(`SELECT CONCAT_WS(' ', TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION) AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1`),
    columns: await list(`SELECT CONCAT_WS(' ', TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '-'), EXTRA, IFNULL(COLLATION_NAME, '-')) AS x
                           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1`),
    keys: await list(`SELECT CONCAT_WS(' ', TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, IFNULL(REFERENCED_TABLE_NAME, '-'), IFNULL(REFERENCED_COLUMN_NAME, '-')) AS x
                        FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? ORDER BY 1`),
    indexes: await list(`SELECT CONCAT_WS(' ', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, INDEX_TYPE) AS x FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY 1`),
    routines: await list(`SELECT CONCAT_WS(' ', ROUTINE_TYPE, ROUTINE_NAME, DTD_IDENTIFIER) AS x FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1`),
    triggers: await list(`SELECT CONCAT_WS(' ', TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING) AS x FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1`),
  };
}

/** The index of the last element that matches (findLastIndex is beyond the project's lib). */
const lastIndex = (items: readonly string[], test: (s: string) => boolean): number => items.map(test).lastIndexOf(true);
const count = (dump: SchemaDdlDump, re: RegExp): number => dump.statements.filter((s) => re.test(s)).length;
const databaseExists = async (db: string): Promise<boolean> => (await mariaQuery('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db])).length > 0;

describe('MySQL/MariaDB schema DDL', () => {
  let dump: SchemaDdlDump;

  before(async () => {
    // Sakila as its script says, statement by statement on one connection (USE carries over).
    const statements = splitStatements(script, 'mysql').map((s) => s.replace(/\bsakila\b/g, source));
    await withMaria(async (c) => {
      for (const s of statements) await c.query(s);
    });
    const access = await connector.openSchemaDdl(params, signal());
    try {
      dump = await access.dumpSchemaDdl([source], signal());
    } finally {
      await access.close();
    }
  });
  after(async () => {
    for (const db of all) await mariaDropDatabase(db);
  });

  it('dumps Sakila: 16 tables, 6 routines, 7 views, 3 triggers, after CREATE DATABASE and USE', async () => {
    const [version] = await mariaQuery<{ v: string }>('SELECT VERSION() AS v');
    assert.equal(dump.dialect, 'mysql');
    assert.equal(dump.serverVersion, version!.v);
    assert.deepEqual(dump.problems, []);
    const [charset] = await mariaQuery<{ c: string; o: string }>('SELECT DEFAULT_CHARACTER_SET_NAME AS c, DEFAULT_COLLATION_NAME AS o FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [source]);
    assert.deepEqual(dump.statements.slice(0, 2), [`CREATE DATABASE \`${source}\` DEFAULT CHARACTER SET ${charset!.c} COLLATE ${charset!.o}`, `USE \`${source}\``]);
    assert.equal(count(dump, /^CREATE TABLE /), 16);
    assert.equal(count(dump, /^CREATE (DEFINER=\S+ )?PROCEDURE /), 3);
    assert.equal(count(dump, /^CREATE (DEFINER=\S+ )?FUNCTION /), 3);
    assert.equal(count(dump, /^CREATE (ALGORITHM=\S+ )?(DEFINER=\S+ )?(SQL SECURITY \S+ )?VIEW /), 7);
    assert.equal(count(dump, /^CREATE (DEFINER=\S+ )?TRIGGER /), 3);
    assert.equal(dump.statements.length, 2 + 16 + 6 + 7 + 3);
    // Routines before views, views before triggers.
    const last = (re: RegExp): number => lastIndex(dump.statements, (s) => re.test(s));
    const first = (re: RegExp): number => dump.statements.findIndex((s) => re.test(s));
    assert.ok(last(/^CREATE TABLE /) < first(/ (PROCEDURE|FUNCTION) /));
    assert.ok(last(/ (PROCEDURE|FUNCTION) /) < first(/ VIEW /));
    assert.ok(last(/ VIEW /) < first(/ TRIGGER /));
  });

  it('re-applies under another name: every statement succeeds and information_schema matches', async () => {
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const statements = renamed(dump, copy);
      const result = await access.applyDdl(statements, signal());
      assert.deepEqual(result.failures, []);
      assert.equal(result.applied, statements.length);
    } finally {
      await access.close();
    }
    const [a, b] = [await catalogOf(source), await catalogOf(copy)];
    assert.equal(a.tables!.length, 23);
    assert.deepEqual(b, a);
  });

  it('a failing statement in the middle: reported with the server’s message, and the run leaves nothing behind', async () => {
    const statements = renamed(dump, broken);
    const firstView = statements.findIndex((s) => / VIEW /.test(s));
    statements.splice(firstView, 0, 'CREATE VIEW bad_view AS SELECT no_such_column FROM actor');
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const result = await access.applyDdl(statements, signal());
      assert.deepEqual(result.failures.map((f) => [f.index, f.sql]), [[firstView, statements[firstView]]]);
      assert.match(result.failures[0]!.message, /Unknown column 'no_such_column'/);
      assert.equal(result.applied, statements.length - 1);
    } finally {
      await access.close();
    }
    assert.equal(await databaseExists(broken), false);
  });

  it('into a database that exists: its own objects stay, the run’s objects go', async () => {
    await mariaExec([`CREATE DATABASE \`${existing}\``, `CREATE TABLE \`${existing}\`.keep_me (id INT PRIMARY KEY)`, `CREATE TABLE \`${existing}\`.actor (id INT)`]);
    const statements = renamed(dump, existing);
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const result = await access.applyDdl(statements, signal());
      const tableFailures = result.failures.filter((f) => /^CREATE TABLE `actor`/.test(f.sql));
      assert.equal(result.failures[0]!.index, 0);
      assert.match(result.failures[0]!.message, /database exists/i);
      assert.equal(tableFailures.length, 1);
      assert.match(tableFailures[0]!.message, /already exists/);
    } finally {
      await access.close();
    }
    const left = await mariaQuery<{ n: string }>('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1', [existing]);
    assert.deepEqual(left.map((r) => r.n), ['actor', 'keep_me']);
    assert.deepEqual(await catalogOf(existing).then((c) => [c.routines, c.triggers]), [[], []]);
  });

  it('views in dependency order (MariaDB: from the names each definition mentions)', async () => {
    await mariaExec([
      `CREATE DATABASE \`${views}\``,
      `CREATE TABLE \`${views}\`.t (id INT PRIMARY KEY, name VARCHAR(20))`,
      `CREATE VIEW \`${views}\`.c_base AS SELECT id, name FROM \`${views}\`.t`,
      `CREATE VIEW \`${views}\`.b_middle AS SELECT id FROM \`${views}\`.c_base WHERE id > 1`,
      `CREATE VIEW \`${views}\`.a_top AS SELECT m.id, b.name FROM \`${views}\`.b_middle m JOIN \`${views}\`.c_base b ON b.id = m.id`,
    ]);
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const d = await access.dumpSchemaDdl([views], signal());
      const order = d.statements.filter((s) => / VIEW /.test(s)).map((s) => /VIEW (?:`\w+`\.)?`(\w+)`/.exec(s)![1]);
      assert.deepEqual(order, ['c_base', 'b_middle', 'a_top']);
    } finally {
      await access.close();
    }
  });

  it('unknown databases: a ConnectorError naming them and listing the ones that exist', async () => {
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const e = await rejectsWith(access.dumpSchemaDdl([source, `${source}_nope`], signal()), 'other', new RegExp(`database \`${source}_nope\` not found`), new RegExp(source));
      assert.doesNotMatch(e.hint, /information_schema|performance_schema/);
      await rejectsWith(access.dumpSchemaDdl([], signal()), 'other', /no database was named/);
    } finally {
      await access.close();
    }
  });

  it('an unreachable server: network error from openSchemaDdl; an aborted signal: the caller’s reason', async () => {
    const hole = await blackHole();
    await hole.close();
    await rejectsWith(connector.openSchemaDdl({ ...params, port: hole.port }, signal()), 'network', /refused/, /ServerName and Port/);
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const ac = new AbortController();
      const reason = new Error('stop');
      ac.abort(reason);
      await assert.rejects(access.applyDdl(['CREATE DATABASE never_made'], ac.signal), (e) => e === reason);
    } finally {
      await access.close();
    }
  });

  it('abort mid-run: the statement in flight finishes, what the run created is dropped, then the caller’s reason', async () => {
    const db = `opendms_it_ddl_abort_${suffix}`;
    all.push(db);
    const access = await connector.openSchemaDdl(params, signal());
    try {
      const ac = new AbortController();
      const reason = new Error('cancelled');
      setTimeout(() => ac.abort(reason), 300);
      await assert.rejects(access.applyDdl([`CREATE DATABASE \`${db}\``, `CREATE TABLE \`${db}\`.t (id INT)`, 'DO SLEEP(1)', `CREATE TABLE \`${db}\`.u (id INT)`], ac.signal), (e) => e === reason);
    } finally {
      await access.close();
    }
    assert.equal(await databaseExists(db), false);
  });

  it('reads what a statement creates from its leading keywords', () => {
    assert.deepEqual(readLeadingKeywords('USE `a``b`', undefined), { use: 'a`b' });
    assert.deepEqual(readLeadingKeywords('/* x */ CREATE DATABASE IF NOT EXISTS shop', 'x'), { creates: { kind: 'DATABASE', database: undefined, name: 'shop' } });
    assert.deepEqual(readLeadingKeywords('CREATE OR REPLACE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS SELECT 1', 'db'), {
      creates: { kind: 'VIEW', database: 'db', name: 'v' },
    });
    assert.deepEqual(readLeadingKeywords("CREATE DEFINER='u'@'%' TRIGGER s.t BEFORE INSERT ON x FOR EACH ROW SET @a = 1", 'db'), { creates: { kind: 'TRIGGER', database: 's', name: 't' } });
    assert.deepEqual(readLeadingKeywords('create unique index ix using btree on s.tbl (a)', 'db'), { creates: { kind: 'INDEX', database: 's', name: 'ix', table: 'tbl' } });
    assert.deepEqual(readLeadingKeywords('CREATE DEFINER=CURRENT_USER() FUNCTION f() RETURNS INT RETURN 1', 'db'), { creates: { kind: 'FUNCTION', database: 'db', name: 'f' } });
    assert.deepEqual(readLeadingKeywords('CREATE TEMPORARY TABLE t (a INT)', 'db'), {});
    assert.deepEqual(readLeadingKeywords('ALTER TABLE t ADD COLUMN b INT', 'db'), {});
  });
});
