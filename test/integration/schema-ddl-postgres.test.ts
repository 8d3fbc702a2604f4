/**
 * PostgreSQL schema DDL (schema conversion's import and export to target) against the real
 * local server: the Sakila PostgreSQL schema is loaded into a database of this test, dumped,
 * and the dump re-applied to a fresh database must give the same catalog; a failing
 * statement rolls everything back and every failure is reported.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { PostgresConnector } from '../../src/connectors/postgres/postgres-connector.js';
import type { ConnectionParams, SchemaDdlDump } from '../../src/connectors/spi/index.js';
import { pgCreateDatabase, pgDropDatabase, pgExec, pgQuery, uniqueSuffix } from '../helpers/databases.js';
import { blackHole } from '../helpers/network.js';
import { rejectsWith } from '../helpers/connector-errors.js';

const suffix = uniqueSuffix();
const source = `opendms_it_ddl_src_${suffix}`;
const copy = `opendms_it_ddl_copy_${suffix}`;
const broken = `opendms_it_ddl_broken_${suffix}`;
const aborted = `opendms_it_ddl_abort_${suffix}`;
const script = readFileSync(new URL('../fixtures/sakila/postgres-sakila-schema.sql', import.meta.url), 'utf8');

const connector = new PostgresConnector();
const paramsOf = (database: string): ConnectionParams => ({ engineName: 'postgres', host: '127.0.0.1', port: 5432, database, username: 'postgres', password: '', ssl: { mode: 'none' } });
const signal = (): AbortSignal => new AbortController().signal;

/** What the comparison looks at: tables with their columns, constraints, indexes, views, routines, triggers, types. */
async function catalogOf(database: string): Promise<Record<string, string[]>> {
  const list = async (sql: string): Promise<string[]> => (await pgQuery<{ x: string }>(database, sql)).map((r) => r.x);
  return {
    tables: await list(`SELECT c.relname || ' ' || c.relkind::text AS x FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'S') ORDER BY 1`),
    columns: await list(`SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') AS x
                           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1`),
    constraints: await list(`SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS x FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`),
    indexes: await list(`SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
    inheritance: await list(`SELECT inhrelid::regclass::text || ' < ' || inhparent::regclass::text AS x FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1`),
    routines: await list(`SELECT p.oid::regprocedure::text || ' ' || p.prokind::text AS x FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`),
    triggers: await list(`SELECT tgrelid::regclass::text || ' ' || pg_get_triggerdef(t.oid) AS x FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT tgisinternal AND c.relnamespace = 'public'::regnamespace ORDER BY 1`),
    rules: await list(`SELECT tablename || ' ' || rulename AS x FROM pg_rules WHERE schemaname = 'public' ORDER BY 1`),
    types: await list(`SELECT typname || ' ' || typtype::text AS x FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd') ORDER BY 1`),
  };
}

/** The index of the last element that matches (findLastIndex is beyond the project's lib). */
const lastIndex = (items: readonly string[], test: (s: string) => boolean): number => items.map(test).lastIndexOf(true);
const startingWith = (dump: SchemaDdlDump, prefix: RegExp): string[] => dump.statements.filter((s) => prefix.test(s));

describe('PostgreSQL schema DDL', () => {
  let dump: SchemaDdlDump;

  before(async () => {
    for (const db of [source, copy, broken, aborted]) await pgCreateDatabase(db);
    await pgExec(script, source);
    // A view on a view, named to sort before what it reads; and a schema of kinds the dump reports.
    await pgExec(
      `CREATE VIEW public.aaa_staff_names AS SELECT name FROM public.staff_list;
       COMMENT ON VIEW public.aaa_staff_names IS 'names of the staff';
       COMMENT ON COLUMN public.actor.first_name IS 'as on the contract';
       CREATE SCHEMA extras;
       CREATE TABLE extras.measures (id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), taken date NOT NULL,
                                     value numeric, doubled numeric GENERATED ALWAYS AS (value * 2) STORED, label text COLLATE "C",
                                     PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
       CREATE TABLE extras.measures_2024 PARTITION OF extras.measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
       CREATE INDEX measures_value ON extras.measures (value);
       CREATE MATERIALIZED VIEW extras.totals AS SELECT sum(value) AS total FROM extras.measures;
       CREATE SEQUENCE extras.counter INCREMENT BY 7 MINVALUE 3 MAXVALUE 1000 START WITH 5 CYCLE;
       CREATE TABLE extras.owner (n integer);
       ALTER SEQUENCE extras.counter OWNED BY extras.owner.n;`,
      source,
    );
    const access = await connector.openSchemaDdl(paramsOf(source), signal());
    try {
      dump = await access.dumpSchemaDdl(['public'], signal());
    } finally {
      await access.close();
    }
  });
  after(async () => {
    for (const db of [source, copy, broken, aborted]) await pgDropDatabase(db);
  });

  it('dumps the Sakila schema: enum, domain, sequences, tables, keys, indexes, routines, views, triggers, rules', async () => {
    const catalog = await catalogOf(source);
    assert.equal(dump.dialect, 'postgres');
    const [version] = await pgQuery<{ v: string }>(source, 'SHOW server_version').then((r) => r.map((x) => Object.values(x)[0] as string));
    assert.equal(dump.serverVersion, version);
    assert.deepEqual(dump.problems, []);
    assert.equal(dump.statements[0], 'CREATE SCHEMA IF NOT EXISTS public');
    for (const s of dump.statements) assert.doesNotMatch(s, /;\s*$/, `statements carry no terminator: ${s.slice(0, 80)}`);

    assert.deepEqual(startingWith(dump, /^CREATE TYPE /), ["CREATE TYPE public.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')"]);
    assert.match(startingWith(dump, /^CREATE DOMAIN /).join('\n'), /^CREATE DOMAIN public\.year AS integer CONSTRAINT year_check CHECK \(.*VALUE >= 1901.*VALUE <= 2155/);
    assert.equal(startingWith(dump, /^CREATE SEQUENCE /).length, catalog.tables!.filter((t) => t.endsWith(' S')).length);
    const tables = startingWith(dump, /^CREATE TABLE /);
    assert.equal(tables.length, catalog.tables!.filter((t) => t.endsWith(' r')).length);
    assert.equal(tables.length, 21);
    // Inheritance children keep INHERITS and spell out every column.
    assert.match(tables.find((t) => t.startsWith('CREATE TABLE public.payment_p2007_01 '))!, /payment_date timestamp without time zone NOT NULL\n\) INHERITS \(public\.payment\)$/);
    assert.match(tables.find((t) => t.startsWith('CREATE TABLE public.film '))!, /rating public\.mpaa_rating DEFAULT 'G'::public\.mpaa_rating,\n.*release_year|release_year public\.year/s);
    const constraints = startingWith(dump, /^ALTER TABLE ONLY /);
    const [local] = await pgQuery<{ n: number }>(source, `SELECT count(*)::int AS n FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0 AND conislocal`);
    assert.equal(constraints.length, local!.n);
    const firstFk = dump.statements.findIndex((s) => / FOREIGN KEY /.test(s));
    const lastTable = lastIndex(dump.statements, (s) => s.startsWith('CREATE TABLE '));
    const lastIdx = lastIndex(dump.statements, (s) => /^CREATE (UNIQUE )?INDEX /.test(s));
    assert.ok(firstFk > lastTable && firstFk > lastIdx, 'foreign keys come after every table and index');
    assert.ok(dump.statements.slice(firstFk).filter((s) => s.startsWith('ALTER TABLE ONLY')).every((s) => / FOREIGN KEY /.test(s)));
    assert.equal(startingWith(dump, /^CREATE (UNIQUE )?INDEX /).length, catalog.indexes!.length - catalog.constraints!.filter((c) => / (PRIMARY KEY|UNIQUE) /.test(c)).length);
    assert.equal(startingWith(dump, /^CREATE VIEW /).length, 8);
    assert.ok(dump.statements.includes("COMMENT ON VIEW public.aaa_staff_names IS 'names of the staff'"));
    assert.ok(dump.statements.includes("COMMENT ON COLUMN public.actor.first_name IS 'as on the contract'"));
    assert.equal(startingWith(dump, /^CREATE OR REPLACE FUNCTION /).length, catalog.routines!.filter((r) => r.endsWith(' f')).length);
    assert.deepEqual(startingWith(dump, /^CREATE AGGREGATE /), ['CREATE AGGREGATE public.group_concat(text) (SFUNC = public._group_concat, STYPE = text)']);
    assert.equal(startingWith(dump, /^CREATE TRIGGER /).length, catalog.triggers!.length);
    assert.equal(startingWith(dump, /^CREATE RULE /).length, 6);
  });

  it('orders views after what they use (views, functions, aggregates), as pg_depend says', async () => {
    const position = (re: RegExp): number => dump.statements.findIndex((s) => re.test(s));
    const viewDeps = await pgQuery<{ view: string; dep: string }>(
      source,
      `SELECT DISTINCT r.ev_class::regclass::text AS view, d.refobjid::regclass::text AS dep
         FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid JOIN pg_class c ON c.oid = d.refobjid
        WHERE d.refclassid = 'pg_class'::regclass AND c.relkind = 'v' AND d.refobjid <> r.ev_class AND c.relnamespace = 'public'::regnamespace`,
    );
    assert.ok(viewDeps.some((d) => d.view === 'aaa_staff_names'), 'the test added a view on a view');
    for (const { view, dep } of viewDeps) {
      assert.ok(position(new RegExp(`^CREATE VIEW public\\.${dep} `)) < position(new RegExp(`^CREATE VIEW public\\.${view} `)), `${dep} before ${view}`);
    }
    assert.ok(position(/^CREATE OR REPLACE FUNCTION public\._group_concat/) < position(/^CREATE AGGREGATE public\.group_concat/));
    assert.ok(position(/^CREATE AGGREGATE public\.group_concat/) < position(/^CREATE VIEW public\.actor_info /));
    assert.ok(position(/^CREATE OR REPLACE FUNCTION public\.last_updated/) < position(/^CREATE TRIGGER last_updated /));
  });

  it('re-applies to a fresh database: every statement succeeds and the catalog is the same', async () => {
    const access = await connector.openSchemaDdl(paramsOf(copy), signal());
    try {
      const result = await access.applyDdl(dump.statements, signal());
      assert.deepEqual(result.failures, []);
      assert.equal(result.applied, dump.statements.length);
    } finally {
      await access.close();
    }
    assert.deepEqual(await catalogOf(copy), await catalogOf(source));
  });

  it('a failing statement: everything is rolled back and every failure is reported, also a later dependent one', async () => {
    const firstFk = dump.statements.findIndex((s) => / FOREIGN KEY /.test(s));
    const statements = [
      ...dump.statements.slice(0, firstFk),
      'CREATE TABLE public.orphan (id integer REFERENCES public.nowhere (id))',
      'CREATE INDEX orphan_id ON public.orphan (id)',
      ...dump.statements.slice(firstFk),
    ];
    const access = await connector.openSchemaDdl(paramsOf(broken), signal());
    try {
      const result = await access.applyDdl(statements, signal());
      assert.deepEqual(result.failures.map((f) => f.index), [firstFk, firstFk + 1]);
      assert.equal(result.failures[0]!.sql, statements[firstFk]);
      assert.match(result.failures[0]!.message, /relation "public\.nowhere" does not exist/);
      assert.match(result.failures[1]!.message, /relation "public\.orphan" does not exist/);
      assert.equal(result.applied, statements.length - 2);
    } finally {
      await access.close();
    }
    const left = await pgQuery(broken, `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
                                        UNION ALL SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
                                        UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace`);
    assert.deepEqual(left, []);
  });

  it('abort mid-run: rejects with the caller’s reason at once and leaves nothing', async () => {
    const access = await connector.openSchemaDdl(paramsOf(aborted), signal());
    try {
      const ac = new AbortController();
      const reason = new Error('stop the export');
      setTimeout(() => ac.abort(reason), 300);
      const t0 = Date.now();
      await assert.rejects(access.applyDdl(['CREATE TABLE public.first (id integer)', 'SELECT pg_sleep(3)', 'CREATE TABLE public.second (id integer)'], ac.signal), (e) => e === reason);
      assert.ok(Date.now() - t0 < 5_000, 'did not wait for the statement');
      await assert.rejects(access.applyDdl(['SELECT 1'], ac.signal), (e) => e === reason);
    } finally {
      await access.close();
    }
    // Nothing was committed: the server rolls the transaction back when it finds the connection gone.
    assert.deepEqual(await pgQuery(aborted, `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace`), []);
  });

  it('partitioned tables, materialized views: dumped as plain tables or reported, never silently left out', async () => {
    const access = await connector.openSchemaDdl(paramsOf(source), signal());
    let extras: SchemaDdlDump;
    try {
      extras = await access.dumpSchemaDdl(['extras'], signal());
    } finally {
      await access.close();
    }
    const text = extras.statements.join('\n');
    assert.match(text, /CREATE TABLE extras\.measures \(\n    id integer GENERATED ALWAYS AS IDENTITY \(START WITH 10 INCREMENT BY 5\) NOT NULL,/);
    assert.match(text, /doubled numeric GENERATED ALWAYS AS \(\(value \* \(2\)::numeric\)\) STORED/);
    assert.match(text, /label text COLLATE pg_catalog\."C"/);
    assert.doesNotMatch(text, /measures_2024|PARTITION|totals/);
    assert.ok(extras.statements.includes('CREATE INDEX measures_value ON extras.measures USING btree (value)'));
    assert.ok(extras.statements.includes('CREATE SEQUENCE extras.counter AS bigint START WITH 5 INCREMENT BY 7 MINVALUE 3 MAXVALUE 1000 CACHE 1 CYCLE'));
    assert.ok(extras.statements.includes('ALTER SEQUENCE extras.counter OWNED BY extras.owner.n'));
    assert.equal(extras.statements.filter((s) => s.startsWith('CREATE SEQUENCE')).length, 1, 'no sequence for the identity column');
    assert.deepEqual(extras.problems.map((p) => p.object).sort(), ['materialized view extras.totals', 'table extras.measures', 'table extras.measures_2024']);
    assert.match(extras.problems.find((p) => p.object === 'table extras.measures_2024')!.message, /partition extras\.measures_2024 of extras\.measures .*converted as part of extras\.measures/);
    const copyAccess = await connector.openSchemaDdl(paramsOf(aborted), signal());
    try {
      const result = await copyAccess.applyDdl(extras.statements, signal());
      assert.deepEqual(result.failures, []);
      await copyAccess.applyDdl(['DROP SCHEMA extras CASCADE'], signal());
    } finally {
      await copyAccess.close();
    }
  });

  it('unknown schemas: a ConnectorError naming them and listing the schemas that exist', async () => {
    const access = await connector.openSchemaDdl(paramsOf(source), signal());
    try {
      const e = await rejectsWith(access.dumpSchemaDdl(['public', 'nope', 'Public'], signal()), 'other', /schemas "nope", "Public" not found/, /public/);
      assert.doesNotMatch(e.hint, /pg_catalog|information_schema/);
      await rejectsWith(access.dumpSchemaDdl([], signal()), 'other', /no schema was named/, /public/);
    } finally {
      await access.close();
    }
  });

  it('an unreachable server: network error from openSchemaDdl', async () => {
    const hole = await blackHole();
    await hole.close();
    await rejectsWith(connector.openSchemaDdl({ ...paramsOf(source), port: hole.port }, signal()), 'network', /refused/, /ServerName and Port/);
  });
});
