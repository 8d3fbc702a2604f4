/**
 * PostgreSQL DDL -> neutral model -> MySQL/MariaDB DDL, pure: the Sakila PostgreSQL schema
 * (pg_dump output) end to end with expected DDL for a few objects, then one small case per
 * conversion rule and per translator rewrite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parsePostgresDdl } from '../../src/schema-conversion/postgres/parse-postgres-ddl.js';
import { pgTypeFromText } from '../../src/connectors/spi/postgres-type-text.js';
import { convertToMysql } from '../../src/schema-conversion/to-mysql/convert-to-mysql.js';
import { printMysqlDdl } from '../../src/schema-conversion/mysql/print-mysql-ddl.js';
import { renderMysqlType } from '../../src/schema-conversion/mysql/mysql-type-names.js';
import { translatePostgresSql } from '../../src/schema-conversion/sql/postgres-to-mysql-sql.js';
import type { ConvertOptions } from '../../src/schema-conversion/convert-options.js';
import type { ObjectReport } from '../../src/schema-conversion/model.js';

const sakila = readFileSync(new URL('../fixtures/sakila/postgres-sakila-schema.sql', import.meta.url), 'utf8');
const ctx = { schema: 'public', schemaName: (s: string) => s, tableName: (_s: string, t: string) => t, columnName: (_s: string, _t: string | undefined, c: string) => c };

/** Parses, converts and prints a small script; fails on parse problems unless allowed. */
function convert(sql: string, opts: ConvertOptions = {}, allowProblems = false) {
  const parsed = parsePostgresDdl(sql);
  if (!allowProblems) assert.deepEqual(parsed.problems, []);
  const result = convertToMysql(parsed.model, opts);
  return { parsed, result, ddl: printMysqlDdl(result.model), line: (type: ObjectReport['objectType'], name: string) => result.report.find((r) => r.objectType === type && r.name === name) };
}

describe('Sakila (PostgreSQL) parsed', () => {
  const { model, problems } = parsePostgresDdl(sakila);
  const s = model.schemas[0]!;

  it('finds the schema, tables, enum, domain, sequences, views, routines and triggers', () => {
    assert.deepEqual(model.schemas.map((x) => x.name), ['public']);
    assert.equal(s.tables.length, 21);
    assert.deepEqual(s.enumTypes, [{ name: 'mpaa_rating', values: ['G', 'PG', 'PG-13', 'R', 'NC-17'] }]);
    assert.equal(s.sequences.length, 13);
    for (const seq of s.sequences) assert.ok(seq.ownedBy, `${seq.name} owned by its serial column`);
    assert.deepEqual(s.sequences.find((q) => q.name === 'actor_actor_id_seq')?.ownedBy, { table: 'actor', column: 'actor_id' });
    assert.deepEqual(s.views.map((v) => v.name).sort(), ['actor_info', 'customer_list', 'film_list', 'nicer_but_slower_film_list', 'sales_by_film_category', 'sales_by_store', 'staff_list']);
    assert.equal(s.routines.length, 10);
    assert.deepEqual(s.routines.find((r) => r.name === 'group_concat')?.kind, 'function');
    assert.match(s.routines.find((r) => r.name === 'group_concat')!.definition, /^CREATE AGGREGATE group_concat/);
    assert.equal(s.triggers.length, 15);
    assert.deepEqual(s.triggers.find((t) => t.name === 'film_fulltext_trigger'), { ...s.triggers.find((t) => t.name === 'film_fulltext_trigger')!, table: 'film', timing: 'BEFORE', events: ['INSERT', 'UPDATE'] });
  });

  it('reads columns: serials, enum, domain, defaults, arrays', () => {
    const film = s.tables.find((t) => t.name === 'film')!;
    const col = (n: string) => film.columns.find((c) => c.name === n)!;
    assert.deepEqual(col('film_id').identity, { kind: 'serial', sequence: 'film_film_id_seq', increment: 1 });
    assert.deepEqual(col('rating').type, { kind: 'enum', values: ['G', 'PG', 'PG-13', 'R', 'NC-17'], name: 'mpaa_rating' });
    assert.deepEqual(col('rating').default, { kind: 'literal', value: 'G', quoted: true });
    assert.deepEqual(col('release_year').type, { kind: 'int', bytes: 4, unsigned: false });
    assert.equal(col('release_year').nativeType, 'year');
    assert.deepEqual(film.checks, [{ name: 'film_release_year_year_check', expression: '((release_year >= 1901) AND (release_year <= 2155))' }]);
    assert.deepEqual(col('special_features').type, { kind: 'array', element: { kind: 'text' }, nativeElement: 'text' });
    assert.deepEqual(col('last_update').default, { kind: 'current-timestamp' });
    assert.deepEqual(col('rental_rate').default, { kind: 'literal', value: '4.99', quoted: false });
    assert.deepEqual(film.primaryKey, { name: 'film_pkey', columns: ['film_id'] });
    assert.deepEqual(film.indexes.find((i) => i.name === 'film_fulltext_idx'), { name: 'film_fulltext_idx', unique: false, method: 'gist', parts: [{ column: 'fulltext' }] });
    const customer = s.tables.find((t) => t.name === 'customer')!;
    assert.deepEqual(customer.columns.find((c) => c.name === 'create_date')!.default, { kind: 'expression', sql: "('now'::text)::date" });
  });

  it('reports the payment partitions (INHERITS) and the rules, and copies the parent columns', () => {
    const inherits = problems.filter((p) => /INHERITS/.test(p.message));
    assert.equal(inherits.length, 6);
    assert.equal(problems.filter((p) => /^CREATE RULE/.test(p.statement)).length, 6);
    // Nothing else is skipped, except the schema comment.
    assert.equal(problems.length, 13);
    assert.ok(problems.some((p) => /COMMENT ON SCHEMA/.test(p.message)));
    const part = s.tables.find((t) => t.name === 'payment_p2007_03')!;
    assert.deepEqual(part.columns.map((c) => c.name), ['payment_id', 'customer_id', 'staff_id', 'rental_id', 'amount', 'payment_date']);
    assert.deepEqual(part.options, { inherits: 'public.payment' });
    assert.equal(part.primaryKey, undefined);
    assert.equal(part.foreignKeys.length, 3);
  });
});

describe('Sakila converted to MySQL', () => {
  const { result, ddl, line } = convert(sakila, { targetVersion: '10.11.6-MariaDB' }, true);
  const sql = (type: string, name: string) => ddl.find((d) => d.objectType === type && d.name === name)?.sql;

  it('prints the expected DDL for actor, film and a partition', () => {
    assert.equal(sql('table', 'actor'), [
      'CREATE TABLE public.actor (',
      '  actor_id INT NOT NULL AUTO_INCREMENT,',
      '  first_name VARCHAR(45) NOT NULL,',
      '  last_name VARCHAR(45) NOT NULL,',
      '  last_update DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),',
      '  PRIMARY KEY (actor_id)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    ].join('\n'));
    const film = sql('table', 'film')!;
    assert.match(film, /\n {2}rating ENUM\('G','PG','PG-13','R','NC-17'\) NULL DEFAULT 'G',\n/);
    assert.match(film, /\n {2}special_features LONGTEXT NULL,\n {2}`fulltext` LONGTEXT NOT NULL,\n/);
    assert.match(film, /CONSTRAINT film_release_year_year_check CHECK \(\(\(release_year >= 1901\) AND \(release_year <= 2155\)\)\)/);
    assert.match(sql('table', 'payment_p2007_01')!, /payment_id INT NOT NULL AUTO_INCREMENT,[\s\S]*KEY payment_id_auto_increment \(payment_id\),/);
    assert.equal(sql('schema', 'public'), 'CREATE DATABASE IF NOT EXISTS public DEFAULT CHARACTER SET utf8mb4');
    assert.equal(sql('index', 'idx_unq_rental_rental_date_inventory_id_customer_id'), 'CREATE UNIQUE INDEX idx_unq_rental_rental_date_inventory_id_customer_id ON public.rental (rental_date, inventory_id, customer_id)');
    assert.equal(sql('foreign-key', 'payment_rental_id_fkey'), 'ALTER TABLE public.payment ADD CONSTRAINT payment_rental_id_fkey FOREIGN KEY (rental_id) REFERENCES public.rental (rental_id) ON DELETE RESTRICT ON UPDATE CASCADE');
    assert.match(sql('table', 'customer')!, /create_date DATE NOT NULL DEFAULT \(CURRENT_DATE\),\n {2}last_update DATETIME\(6\) NULL DEFAULT CURRENT_TIMESTAMP\(6\),/);
    assert.match(sql('table', 'customer')!, /activebool TINYINT\(1\) NOT NULL DEFAULT 1,/);
  });

  it('orders statements: database, tables, indexes, foreign keys, views', () => {
    const order = ddl.map((d) => d.objectType);
    const last = (t: string) => order.lastIndexOf(t as never);
    const first = (t: string) => order.indexOf(t as never);
    assert.equal(order[0], 'schema');
    assert.ok(last('table') < first('index') && last('index') < first('foreign-key') && last('foreign-key') < first('view'));
  });

  it('reports every object with a status', () => {
    assert.equal(line('schema', 'public')?.issues[0]?.code, 'public-schema');
    assert.equal(line('table', 'payment_p2007_01')?.status, 'converted-with-warnings');
    assert.ok(line('table', 'payment_p2007_01')!.issues.some((i) => i.code === 'inherits'));
    assert.ok(line('table', 'payment_p2007_01')!.issues.some((i) => i.code === 'shared-sequence'));
    assert.equal(line('sequence', 'actor_actor_id_seq')?.issues[0]?.code, 'sequence-auto-increment');
    assert.equal(line('index', 'film_fulltext_idx')?.status, 'manual');
    assert.equal(line('view', 'customer_list')?.status, 'converted');
    assert.equal(line('view', 'actor_info')?.status, 'manual');
    assert.match(line('view', 'film_list')!.issues[0]!.message, /group_concat/);
    assert.equal(line('foreign-key', 'payment_rental_id_fkey')?.issues[0]?.code, 'fk-set-null-not-null');
    assert.equal(result.report.filter((r) => r.objectType === 'function' && r.status === 'manual').length, 10);
    assert.equal(line('function', 'group_concat')?.issues[0]?.code, 'aggregate-not-converted');
    assert.equal(result.report.filter((r) => r.objectType === 'trigger' && r.status === 'manual').length, 15);
    assert.ok(line('column', 'special_features')!.issues.some((i) => i.code === 'array'));
    assert.ok(line('column', 'release_year')!.issues.some((i) => i.code === 'domain'));
  });
});

describe('conversion rules', () => {
  it('maps types as docs/architecture/06 says', () => {
    const { ddl, line } = convert(`CREATE TABLE t (
      a boolean, b numeric, c numeric(70,40), d text, e character varying, f bytea, g uuid, h jsonb,
      i timestamp(3) with time zone, j interval, k inet, l integer[], m character(300), n time(2) without time zone,
      o double precision, p real, q bigint, r smallint, s bit(3), u bit varying(5), v date);`);
    const table = ddl.find((d) => d.objectType === 'table')!.sql;
    const types = table.split('\n').slice(1, -1).map((l) => l.trim().replace(/ NULL,?$/, ''));
    assert.deepEqual(types, [
      'a TINYINT(1)', 'b DECIMAL(65,30)', 'c DECIMAL(65,30)', 'd LONGTEXT', 'e LONGTEXT', 'f LONGBLOB', 'g CHAR(36)', 'h JSON',
      'i DATETIME(3)', 'j LONGTEXT', 'k VARCHAR(43)', 'l LONGTEXT', 'm VARCHAR(300)', 'n TIME(2)', 'o DOUBLE', 'p FLOAT', 'q BIGINT', 'r SMALLINT',
      's BIT(3)', 'u VARCHAR(5)', 'v DATE',
    ]);
    const codes = (c: string) => line('column', c)?.issues.map((i) => i.code) ?? [];
    assert.deepEqual(codes('b'), ['numeric-unconstrained']);
    assert.deepEqual(codes('c'), ['numeric-clamped']);
    assert.deepEqual(codes('e'), ['varchar-unbounded']);
    assert.deepEqual(codes('h'), ['jsonb', 'mariadb-json']);
    assert.deepEqual(codes('i'), ['timestamptz']);
    assert.deepEqual(codes('j'), ['native-type']);
    assert.deepEqual(codes('l'), ['array']);
    assert.equal(line('column', 'a'), undefined);
  });

  it('keeps one AUTO_INCREMENT a table, with a start and a key', () => {
    const { ddl, line } = convert(`CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 1), other bigint GENERATED ALWAYS AS IDENTITY, x int);`);
    const table = ddl.find((d) => d.objectType === 'table')!.sql;
    assert.match(table, /id INT NOT NULL AUTO_INCREMENT,\n {2}other BIGINT NOT NULL,/);
    assert.match(table, /KEY id_auto_increment \(id\)\n\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 AUTO_INCREMENT=100$/);
    assert.deepEqual(line('table', 't')!.issues.map((i) => i.code), ['identity', 'extra-identity', 'auto-increment-key']);
  });

  it('adds prefixes to TEXT key parts and shortens a TEXT primary key', () => {
    const { ddl, line, result } = convert(`CREATE TABLE t (k text PRIMARY KEY, body text, u text, CONSTRAINT t_u_key UNIQUE (u));
      CREATE INDEX t_body ON t (body);`);
    const t = result.model.schemas[0]!.tables[0]!;
    assert.equal(t.columns[0]!.nativeType, 'VARCHAR(768)');
    assert.equal(ddl.find((d) => d.name === 't_body')?.sql, 'CREATE INDEX t_body ON public.t (body(255))');
    assert.equal(ddl.find((d) => d.name === 't_u_key')?.sql, 'CREATE UNIQUE INDEX t_u_key ON public.t (u(255))');
    assert.equal(line('unique-key', 't_u_key')?.status, 'converted-with-warnings');
    assert.equal(line('primary-key', 't_pkey')?.issues[0]?.code, 'key-column-shortened');
  });

  it('handles partial, gin, hash and expression indexes by target', () => {
    const sql = `CREATE TABLE t (a int, b text, c character varying(20));
      CREATE INDEX t_partial ON t USING btree (a) WHERE (a > 0);
      CREATE UNIQUE INDEX t_upartial ON t (a) WHERE (a > 0);
      CREATE INDEX t_gin ON t USING gin (a);
      CREATE INDEX t_hash ON t USING hash (c);
      CREATE INDEX t_expr ON t (lower((c)::text));`;
    const maria = convert(sql, { targetVersion: '10.11.6-MariaDB' });
    assert.equal(maria.ddl.find((d) => d.name === 't_partial')?.sql, 'CREATE INDEX t_partial ON public.t (a)');
    assert.equal(maria.line('index', 't_partial')?.status, 'converted-with-warnings');
    assert.equal(maria.line('index', 't_upartial')?.status, 'manual');
    assert.equal(maria.ddl.find((d) => d.name === 't_gin')?.sql, 'CREATE INDEX t_gin ON public.t (a)');
    assert.equal(maria.line('index', 't_hash')?.status, 'converted');
    assert.equal(maria.line('index', 't_expr')?.status, 'manual');
    assert.equal(maria.ddl.find((d) => d.name === 't_expr'), undefined);
    const mysql8 = convert(sql, { targetVersion: '8.0.36', targetEngine: 'mysql' });
    assert.equal(mysql8.ddl.find((d) => d.name === 't_expr')?.sql, 'CREATE INDEX t_expr ON public.t ((lower(CAST((c) AS CHAR))))');
  });

  it('converts unowned sequences for MariaDB only', () => {
    const sql = 'CREATE SEQUENCE public.counter START WITH 5 INCREMENT BY 2;';
    const maria = convert(sql, { targetEngine: 'mariadb' });
    assert.equal(maria.ddl.find((d) => d.objectType === 'sequence')?.sql, 'CREATE SEQUENCE public.counter START WITH 5 INCREMENT BY 2');
    const mysql = convert(sql, { targetEngine: 'mysql' });
    assert.equal(mysql.line('sequence', 'counter')?.status, 'manual');
    assert.equal(mysql.ddl.some((d) => d.objectType === 'sequence'), false);
  });

  it('truncates long names, maps FK SET DEFAULT, keeps comments, turns domains into checks', () => {
    const long = 'x'.repeat(70);
    const { ddl, line } = convert(`CREATE DOMAIN posint AS integer NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
      CREATE TABLE p (id integer PRIMARY KEY);
      CREATE TABLE ${long} (id integer, n posint, CONSTRAINT fk FOREIGN KEY (id) REFERENCES p(id) ON DELETE SET DEFAULT);
      COMMENT ON TABLE ${long} IS 'it''s long';
      COMMENT ON COLUMN ${long}.n IS 'count';`);
    const t = ddl.find((d) => d.objectType === 'table' && d.name.startsWith('x'))!;
    assert.equal(t.name, 'x'.repeat(64));
    assert.match(t.sql, /n INT NOT NULL COMMENT 'count'/);
    assert.match(t.sql, /CONSTRAINT x{64} CHECK \(n > 0\)/);
    assert.match(t.sql, /COMMENT='it''s long'$/);
    assert.match(ddl.find((d) => d.objectType === 'foreign-key')!.sql, /ON DELETE RESTRICT ON UPDATE NO ACTION$/);
    assert.equal(line('foreign-key', 'fk')?.issues[0]?.code, 'fk-set-default');
    assert.equal(line('table', long)?.issues[0]?.code, 'name-truncated');
  });

  it('reports what the parser cannot read, never dropping it silently', () => {
    const { problems, model } = parsePostgresDdl([
      'CREATE TABLE t (a int, EXCLUDE USING gist (a WITH =))',
      'CREATE MATERIALIZED VIEW mv AS SELECT 1',
      'CREATE EXTENSION citext',
      'GRANT SELECT ON t TO bob',
      "SELECT pg_catalog.set_config('search_path', '', false)",
      'ALTER TABLE public.t OWNER TO postgres',
      'CREATE TABLE ok (a int);',
    ]);
    assert.deepEqual(problems.map((p) => p.statement.split(' ').slice(0, 3).join(' ')), ['CREATE TABLE t', 'CREATE MATERIALIZED VIEW', 'CREATE EXTENSION citext']);
    assert.match(problems[0]!.message, /exclusion constraint/);
    assert.deepEqual(model.schemas[0]!.tables.map((t) => t.name), ['ok']);
  });

  it('skips COPY data blocks and reads newer pg_dump forms', () => {
    const { problems, model } = parsePostgresDdl(`CREATE SCHEMA app;
CREATE TABLE app.t (id integer NOT NULL, name text);
ALTER TABLE app.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app.t_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);
COPY app.t (id, name) FROM stdin;
1\tit's; not SQL
\\.
ALTER TABLE ONLY app.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
CREATE INDEX t_name ON app.t USING btree (name DESC NULLS LAST);`);
    assert.deepEqual(problems, []);
    const t = model.schemas.find((x) => x.name === 'app')!.tables[0]!;
    assert.deepEqual(t.columns[0]!.identity, { kind: 'always', start: 1, increment: 1, sequence: 't_id_seq' });
    assert.deepEqual(t.indexes[0]!.parts, [{ column: 'name', descending: true }]);
  });
});

describe('type text and MySQL type names', () => {
  it('reads format_type spellings', () => {
    assert.deepEqual(pgTypeFromText('character varying(45)'), { kind: 'varchar', length: 45 });
    assert.deepEqual(pgTypeFromText('timestamp(3) without time zone'), { kind: 'timestamp', precision: 3, withTimeZone: false });
    assert.deepEqual(pgTypeFromText('timestamp with time zone'), { kind: 'timestamp', withTimeZone: true });
    assert.deepEqual(pgTypeFromText('numeric(10,2)'), { kind: 'decimal', precision: 10, scale: 2 });
    assert.deepEqual(pgTypeFromText('pg_catalog.int4'), { kind: 'int', bytes: 4, unsigned: false });
    assert.deepEqual(pgTypeFromText('character'), { kind: 'char', length: 1 });
    assert.deepEqual(pgTypeFromText('float8'), { kind: 'float', bytes: 8 });
    assert.deepEqual(pgTypeFromText('time with time zone'), { kind: 'native', engine: 'postgres', type: 'time with time zone' });
    assert.deepEqual(pgTypeFromText('integer[]'), { kind: 'array', element: { kind: 'int', bytes: 4, unsigned: false }, nativeElement: 'integer' });
    assert.deepEqual(pgTypeFromText('public.mood', { enums: new Map([['mood', ['a']]]) }), { kind: 'enum', values: ['a'], name: 'mood' });
  });

  it('renders MySQL types', () => {
    assert.equal(renderMysqlType({ kind: 'varchar', length: 20000 }), 'MEDIUMTEXT');
    assert.equal(renderMysqlType({ kind: 'enum', values: ["it's", 'b'] }), "ENUM('it''s','b')");
    assert.equal(renderMysqlType({ kind: 'time' }), 'TIME(6)');
  });
});

describe('translatePostgresSql', () => {
  const tr = (sql: string) => translatePostgresSql(sql, ctx);

  it('rewrites casts, concatenation, quoting and functions', () => {
    assert.deepEqual(tr(`(first_name)::text || ' ' || "Last Name"`), { sql: "CONCAT(CAST((first_name) AS CHAR), ' ', `Last Name`)", ok: true, issues: [] });
    assert.equal(tr(`('now'::text)::date`).sql, 'CURRENT_DATE');
    assert.equal(tr('now()').sql, 'CURRENT_TIMESTAMP');
    assert.equal(tr(`string_agg(name, ', ' ORDER BY name)`).sql, "GROUP_CONCAT(name ORDER BY name SEPARATOR ', ')");
    assert.equal(tr(`E'a\\\\b'`).sql, "'a\\\\b'");
    assert.equal(tr('length(x) > 3 AND y = true').sql, 'CHAR_LENGTH(x) > 3 AND y = true');
    assert.equal(tr(`"substring"(x, 1, 2)`).sql, 'substring(x, 1, 2)');
    assert.equal(tr('SELECT a FROM t ORDER BY a OFFSET 5').sql, 'SELECT a FROM public.t ORDER BY a LIMIT 18446744073709551615 OFFSET 5');
    assert.equal(tr('SELECT * FROM s.t x, u JOIN (v JOIN w ON v.a = w.a) ON true').sql, 'SELECT * FROM s.t x, public.u JOIN (public.v JOIN public.w ON v.a = w.a) ON true');
  });

  it('notes ILIKE and refuses what has no MySQL form', () => {
    const ilike = tr(`name ILIKE 'a%'`);
    assert.equal(ilike.sql, "name LIKE 'a%'");
    assert.equal(ilike.ok, true);
    assert.equal(ilike.issues[0]?.code, 'ilike');
    for (const bad of ['my_func(a)', `data->>'k'`, `'{1}'::integer[]`, 'SELECT DISTINCT ON (a) a FROM t', `nextval('s'::regclass)`, `a ORDER BY b NULLS FIRST`]) {
      assert.equal(tr(bad).ok, false, bad);
    }
  });
});
