/**
 * MySQL/MariaDB DDL -> neutral model -> PostgreSQL DDL: the Sakila schema end to end (model,
 * exact DDL for a few objects, report), and one small case per conversion rule.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ConversionResult, DdlStatement, ObjectReport, TableDef } from '../../src/schema-conversion/model.js';
import { parseMysqlDdl } from '../../src/schema-conversion/mysql/parse-mysql-ddl.js';
import { printPostgresDdl } from '../../src/schema-conversion/postgres/print-postgres-ddl.js';
import { renderPostgresType } from '../../src/schema-conversion/postgres/postgres-type-names.js';
import { translateMysqlSql } from '../../src/schema-conversion/sql/mysql-to-postgres-sql.js';
import type { SqlTranslationContext } from '../../src/schema-conversion/sql/translation.js';
import { convertToPostgres } from '../../src/schema-conversion/to-postgres/convert-to-postgres.js';

const sakilaScript = readFileSync(new URL('../fixtures/sakila/mysql-sakila-schema.sql', import.meta.url), 'utf8');

/** Parses, converts and prints a script; fails the test on parse problems unless allowed. */
function convert(script: string, allowProblems = false): ConversionResult & { ddl: DdlStatement[] } {
  const parsed = parseMysqlDdl(script);
  if (!allowProblems) assert.deepEqual(parsed.problems, []);
  const result = convertToPostgres(parsed.model, {});
  return { ...result, ddl: printPostgresDdl(result.model) };
}

function sqlOf(ddl: readonly DdlStatement[], objectType: DdlStatement['objectType'], name: string): string {
  const s = ddl.find((d) => d.objectType === objectType && d.name === name);
  assert.ok(s, `no ${objectType} ${name} in ${ddl.map((d) => `${d.objectType}:${d.name}`).join(', ')}`);
  return s.sql;
}

function reportOf(report: readonly ObjectReport[], objectType: ObjectReport['objectType'], name: string, table?: string): ObjectReport {
  const r = report.find((x) => x.objectType === objectType && x.name === name && (table === undefined || x.table === table));
  assert.ok(r, `no report for ${objectType} ${name}`);
  return r;
}

const lower: SqlTranslationContext = {
  schema: 'db',
  schemaName: (s) => s.toLowerCase(),
  tableName: (_s, t) => t.toLowerCase(),
  columnName: (_s, _t, c) => c.toLowerCase(),
};

describe('parseMysqlDdl: the Sakila script', () => {
  const { model, problems } = parseMysqlDdl(sakilaScript);
  const sakila = model.schemas.find((s) => s.name === 'sakila')!;
  const table = (n: string): TableDef => sakila.tables.find((t) => t.name === n)!;

  it('reads every object, with no problems', () => {
    assert.deepEqual(problems, []);
    assert.equal(model.dialect, 'mysql');
    assert.deepEqual(model.schemas.map((s) => s.name), ['sakila']);
    assert.equal(sakila.tables.length, 16);
    assert.deepEqual(sakila.views.map((v) => v.name), ['customer_list', 'film_list', 'nicer_but_slower_film_list', 'staff_list', 'sales_by_store', 'sales_by_film_category', 'actor_info']);
    assert.deepEqual(sakila.routines.filter((r) => r.kind === 'procedure').map((r) => r.name), ['rewards_report', 'film_in_stock', 'film_not_in_stock']);
    assert.deepEqual(sakila.routines.filter((r) => r.kind === 'function').map((r) => r.name), ['get_customer_balance', 'inventory_held_by_customer', 'inventory_in_stock']);
    assert.deepEqual(sakila.triggers.map((t) => [t.name, t.timing, t.events.join(), t.table]), [
      ['ins_film', 'AFTER', 'INSERT', 'film'],
      ['upd_film', 'AFTER', 'UPDATE', 'film'],
      ['del_film', 'AFTER', 'DELETE', 'film'],
    ]);
    assert.match(sakila.routines[0]!.definition, /^CREATE PROCEDURE rewards_report[\s\S]*END$/);
  });

  it('reads column types, defaults, identity and ON UPDATE', () => {
    const film = table('film');
    const col = (n: string) => film.columns.find((c) => c.name === n)!;
    assert.deepEqual(col('film_id').type, { kind: 'int', bytes: 4, unsigned: true });
    assert.deepEqual(col('film_id').identity, { kind: 'auto-increment' });
    assert.equal(col('film_id').nullable, false);
    assert.deepEqual(col('rating').type, { kind: 'enum', values: ['G', 'PG', 'PG-13', 'R', 'NC-17'] });
    assert.deepEqual(col('rating').default, { kind: 'literal', value: 'G', quoted: true });
    assert.deepEqual(col('special_features').type, { kind: 'set', values: ['Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes'] });
    assert.deepEqual(col('release_year').type, { kind: 'year' });
    assert.deepEqual(col('rental_rate').type, { kind: 'decimal', precision: 4, scale: 2 });
    assert.deepEqual(col('rental_rate').default, { kind: 'literal', value: '4.99', quoted: false });
    assert.deepEqual(col('last_update').default, { kind: 'current-timestamp' });
    assert.equal(col('last_update').onUpdateCurrentTimestamp, true);
    assert.deepEqual(col('last_update').type, { kind: 'timestamp', precision: 0, withTimeZone: true });
    const customer = table('customer');
    assert.deepEqual(customer.columns.find((c) => c.name === 'active')!.type, { kind: 'boolean' });
    assert.deepEqual(customer.columns.find((c) => c.name === 'create_date')!.type, { kind: 'timestamp', precision: 0, withTimeZone: false });
    assert.deepEqual(table('staff').columns.find((c) => c.name === 'picture')!.type, { kind: 'blob' });
  });

  it('reads keys, foreign keys with their actions, and indexes', () => {
    assert.deepEqual(table('film_actor').primaryKey, { columns: ['actor_id', 'film_id'] });
    assert.deepEqual(table('rental').uniqueKeys, [{ name: 'rental_date', columns: ['rental_date', 'inventory_id', 'customer_id'] }]);
    assert.deepEqual(table('store').uniqueKeys, [{ name: 'idx_unique_manager', columns: ['manager_staff_id'] }]);
    const fk = table('payment').foreignKeys.find((f) => f.name === 'fk_payment_rental')!;
    assert.deepEqual(fk, { name: 'fk_payment_rental', columns: ['rental_id'], refSchema: 'sakila', refTable: 'rental', refColumns: ['rental_id'], onDelete: 'SET NULL', onUpdate: 'CASCADE' });
    assert.equal(sakila.tables.reduce((n, t) => n + t.foreignKeys.length, 0), 22);
    assert.deepEqual(table('film_text').indexes, [{ name: 'idx_title_description', unique: false, method: 'fulltext', parts: [{ column: 'title' }, { column: 'description' }] }]);
    assert.deepEqual(table('inventory').indexes.map((i) => [i.name, i.parts.map((p) => p.column).join()]), [['idx_fk_film_id', 'film_id'], ['idx_store_id_film_id', 'store_id,film_id']]);
    assert.deepEqual(table('film').options, { ENGINE: 'InnoDB', CHARSET: 'utf8' });
  });
});

describe('convertToPostgres + printPostgresDdl: Sakila', () => {
  const { model, report, ddl } = convert(sakilaScript);

  it('prints actor exactly', () => {
    assert.equal(
      sqlOf(ddl, 'table', 'actor'),
      [
        'CREATE TABLE sakila.actor (',
        '  actor_id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,',
        '  first_name character varying(45) NOT NULL,',
        '  last_name character varying(45) NOT NULL,',
        '  last_update timestamp(0) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,',
        '  CONSTRAINT actor_pkey PRIMARY KEY (actor_id)',
        ')',
      ].join('\n'),
    );
    assert.equal(sqlOf(ddl, 'index', 'idx_actor_last_name'), 'CREATE INDEX idx_actor_last_name ON sakila.actor (last_name)');
    assert.equal(sqlOf(ddl, 'trigger', 'actor_on_update'), 'CREATE TRIGGER actor_on_update BEFORE UPDATE ON sakila.actor FOR EACH ROW EXECUTE FUNCTION sakila.actor_on_update_current_timestamp()');
    assert.match(sqlOf(ddl, 'function', 'actor_on_update_current_timestamp'), /NEW\.last_update := CURRENT_TIMESTAMP;/);
  });

  it('prints film exactly: enum type, unsigned, YEAR and SET checks', () => {
    assert.equal(sqlOf(ddl, 'type', 'film_rating_enum'), "CREATE TYPE sakila.film_rating_enum AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')");
    assert.equal(
      sqlOf(ddl, 'table', 'film'),
      [
        'CREATE TABLE sakila.film (',
        '  film_id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,',
        '  title character varying(255) NOT NULL,',
        '  description text,',
        '  release_year smallint,',
        '  language_id bigint NOT NULL,',
        '  original_language_id bigint,',
        '  rental_duration smallint DEFAULT 3 NOT NULL,',
        '  rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,',
        '  length integer,',
        '  replacement_cost numeric(5,2) DEFAULT 19.99 NOT NULL,',
        "  rating sakila.film_rating_enum DEFAULT 'G',",
        '  special_features text,',
        '  last_update timestamp(0) with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,',
        '  CONSTRAINT film_pkey PRIMARY KEY (film_id),',
        '  CONSTRAINT film_release_year_check CHECK (release_year = 0 OR release_year BETWEEN 1901 AND 2155),',
        '  CONSTRAINT film_language_id_check CHECK (language_id >= 0),',
        '  CONSTRAINT film_original_language_id_check CHECK (original_language_id >= 0),',
        '  CONSTRAINT film_rental_duration_check CHECK (rental_duration >= 0),',
        '  CONSTRAINT film_length_check CHECK (length >= 0),',
        "  CONSTRAINT film_special_features_check CHECK (special_features = '' OR string_to_array(special_features, ',') <@ ARRAY['Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes']::text[])",
        ')',
      ].join('\n'),
    );
    assert.equal(
      sqlOf(ddl, 'foreign-key', 'fk_film_language'),
      'ALTER TABLE sakila.film ADD CONSTRAINT fk_film_language FOREIGN KEY (language_id) REFERENCES sakila.language (language_id) ON DELETE RESTRICT ON UPDATE CASCADE',
    );
  });

  it('prints film_text with its FULLTEXT index as GIN, with a warning', () => {
    assert.equal(
      sqlOf(ddl, 'table', 'film_text'),
      ['CREATE TABLE sakila.film_text (', '  film_id integer NOT NULL,', '  title character varying(255) NOT NULL,', '  description text,', '  CONSTRAINT film_text_pkey PRIMARY KEY (film_id)', ')'].join('\n'),
    );
    assert.equal(
      sqlOf(ddl, 'index', 'idx_title_description'),
      "CREATE INDEX idx_title_description ON sakila.film_text USING gin ((to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))))",
    );
    const r = reportOf(report, 'index', 'idx_title_description');
    assert.equal(r.status, 'converted-with-warnings');
    assert.deepEqual(r.issues.map((i) => i.code), ['fulltext-index']);
    assert.match(r.issues[0]!.action, /MATCH\(\.\.\.\) AGAINST/);
  });

  it('prints the customer_list view exactly', () => {
    assert.equal(
      sqlOf(ddl, 'view', 'customer_list'),
      [
        'CREATE VIEW sakila.customer_list AS',
        `SELECT cu.customer_id AS id, concat(cu.first_name, ' ', cu.last_name) AS name, a.address AS address, a.postal_code AS "zip code",`,
        `\ta.phone AS phone, city.city AS city, country.country AS country, CASE WHEN cu.active THEN 'active' ELSE '' END AS notes, cu.store_id AS sid`,
        'FROM sakila.customer AS cu JOIN sakila.address AS a ON cu.address_id = a.address_id JOIN sakila.city ON a.city_id = city.city_id',
        '\tJOIN sakila.country ON city.country_id = country.country_id',
      ].join('\n'),
    );
  });

  it('orders statements: schema, types, tables, foreign keys, indexes, triggers, views', () => {
    const firstOf = (t: DdlStatement['objectType']) => ddl.findIndex((d) => d.objectType === t);
    const lastOf = (t: DdlStatement['objectType']) => ddl.map((d) => d.objectType).lastIndexOf(t);
    assert.equal(firstOf('schema'), 0);
    assert.ok(lastOf('type') < firstOf('table'));
    assert.ok(lastOf('table') < firstOf('foreign-key'));
    assert.ok(lastOf('foreign-key') < firstOf('index'));
    assert.ok(lastOf('index') < firstOf('view'));
    assert.equal(ddl.filter((d) => d.objectType === 'table').length, 16);
    assert.equal(ddl.filter((d) => d.objectType === 'foreign-key').length, 22);
    assert.equal(ddl.filter((d) => d.objectType === 'view').length, 7);
    // MySQL index names are per table; PostgreSQL's per schema: every printed index name is unique.
    const indexNames = ddl.filter((d) => d.objectType === 'index').map((d) => d.name);
    assert.equal(new Set(indexNames).size, indexNames.length);
    assert.ok(indexNames.includes('idx_fk_film_id') && indexNames.includes('inventory_idx_fk_film_id'));
    assert.equal(reportOf(report, 'index', 'idx_fk_film_id', 'inventory').targetName, 'inventory_idx_fk_film_id');
  });

  it('reports procedures, functions and triggers as manual work, with the reason', () => {
    const manual = report.filter((r) => r.status === 'manual');
    assert.deepEqual(manual.map((r) => `${r.objectType}:${r.name}`).sort(), [
      'function:get_customer_balance', 'function:inventory_held_by_customer', 'function:inventory_in_stock',
      'procedure:film_in_stock', 'procedure:film_not_in_stock', 'procedure:rewards_report',
      'trigger:del_film', 'trigger:ins_film', 'trigger:upd_film',
    ]);
    for (const r of manual) assert.match(r.issues[0]!.message, /OpenDMS does not convert procedural code; rewrite it in PL\/pgSQL/);
    assert.equal(reportOf(report, 'schema', 'sakila').status, 'converted');
    assert.equal(reportOf(report, 'table', 'film_text').status, 'converted');
    assert.equal(reportOf(report, 'table', 'actor').status, 'converted-with-warnings');
    assert.equal(reportOf(report, 'column', 'last_update', 'actor').status, 'converted-with-warnings');
    assert.equal(reportOf(report, 'view', 'customer_list').status, 'converted');
    assert.equal(reportOf(report, 'view', 'sales_by_store').status, 'converted-with-warnings');
    assert.equal(reportOf(report, 'view', 'actor_info').status, 'converted-with-warnings');
    assert.equal(report.filter((r) => r.objectType === 'foreign-key').length, 22);
    assert.equal(model.dialect, 'postgres');
  });
});

describe('convertToPostgres: rules', () => {
  const one = (body: string, tail = '') => convert(`CREATE TABLE t (${body})${tail};`);

  it('widens unsigned integers, with a CHECK unless the column is an identity', () => {
    const r = one('id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, a TINYINT UNSIGNED, b INT UNSIGNED ZEROFILL, c BIGINT UNSIGNED, d MEDIUMINT', ' AUTO_INCREMENT=42');
    const t = sqlOf(r.ddl, 'table', 't');
    assert.match(t, /^ {2}id bigint GENERATED BY DEFAULT AS IDENTITY \(START WITH 42\) NOT NULL,$/m);
    assert.match(t, /^ {2}a smallint,$/m);
    assert.match(t, /^ {2}b bigint,$/m);
    assert.match(t, /^ {2}c numeric\(20,0\),$/m);
    assert.match(t, /^ {2}d integer,$/m);
    assert.match(t, /CONSTRAINT t_c_check CHECK \(c >= 0\)/);
    assert.doesNotMatch(t, /id >= 0/);
    assert.equal(reportOf(r.report, 'column', 'id').status, 'converted-with-warnings');
  });

  it('makes TINYINT(1) and BOOLEAN boolean, with 0/1 defaults as false/true', () => {
    const r = one("a TINYINT(1) NOT NULL DEFAULT '1', b BOOL DEFAULT 0, c TINYINT(1) UNSIGNED, d TINYINT(4)");
    const t = sqlOf(r.ddl, 'table', 't');
    assert.match(t, /a boolean DEFAULT true NOT NULL/);
    assert.match(t, /b boolean DEFAULT false/);
    assert.match(t, /c smallint/);
    assert.match(t, /d smallint/);
  });

  it('turns numeric BIT defaults into bit strings and drops zero-date defaults with a warning', () => {
    const r = one("f BIT(3) DEFAULT 5, g BIT(1) DEFAULT b'1', d DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'");
    const t = sqlOf(r.ddl, 'table', 't');
    assert.match(t, /f bit\(3\) DEFAULT B'101',/);
    assert.match(t, /g bit\(1\) DEFAULT B'1',/);
    assert.match(t, /d timestamp\(0\) without time zone NOT NULL\n/);
    assert.deepEqual(reportOf(r.report, 'column', 'd').issues.map((i) => i.code), ['zero-date-default']);
  });

  it('makes YEAR a smallint with a range CHECK', () => {
    const r = one('y YEAR(4) NOT NULL');
    assert.match(sqlOf(r.ddl, 'table', 't'), /y smallint NOT NULL,\n {2}CONSTRAINT t_y_check CHECK \(y = 0 OR y BETWEEN 1901 AND 2155\)/);
  });

  it('makes ENUM an enum type named <table>_<column>_enum, unique in the schema', () => {
    const r = convert("CREATE TABLE t (`Size` ENUM('s','m','it''s') DEFAULT 'm'); CREATE TABLE t_size_enum (x INT);");
    assert.equal(sqlOf(r.ddl, 'type', 't_size_enum_2'), "CREATE TYPE public.t_size_enum_2 AS ENUM ('s', 'm', 'it''s')");
    assert.match(sqlOf(r.ddl, 'table', 't'), /size public\.t_size_enum_2 DEFAULT 'm'/);
  });

  it('makes SET text with a membership CHECK and a warning', () => {
    const r = one("s SET('a','b') NOT NULL DEFAULT ''");
    assert.match(sqlOf(r.ddl, 'table', 't'), /s text DEFAULT '' NOT NULL,\n {2}CONSTRAINT t_s_check CHECK \(s = '' OR string_to_array\(s, ','\) <@ ARRAY\['a', 'b'\]::text\[\]\)/);
    assert.equal(reportOf(r.report, 'column', 's').status, 'converted-with-warnings');
    assert.deepEqual(reportOf(r.report, 'column', 's').issues.map((i) => i.code), ['set-as-text']);
  });

  it('converts prefix indexes to whole-column ones with a warning, keeps DESC and translates functional parts', () => {
    const r = one('a VARCHAR(200), b INT, j JSON, KEY ix_a (a(10), b DESC), KEY ix_f ((lower(`a`))), UNIQUE KEY ux (b)');
    assert.equal(sqlOf(r.ddl, 'index', 'ix_a'), 'CREATE INDEX ix_a ON public.t (a, b DESC)');
    assert.equal(sqlOf(r.ddl, 'index', 'ix_f'), 'CREATE INDEX ix_f ON public.t ((lower(a)))');
    assert.equal(reportOf(r.report, 'index', 'ix_a').status, 'converted-with-warnings');
    assert.deepEqual(reportOf(r.report, 'index', 'ix_a').issues.map((i) => i.code), ['prefix-index']);
    assert.equal(reportOf(r.report, 'index', 'ix_f').status, 'converted');
    assert.match(sqlOf(r.ddl, 'table', 't'), /j jsonb,/);
    assert.match(sqlOf(r.ddl, 'table', 't'), /CONSTRAINT ux UNIQUE \(b\)/);
  });

  it('translates generated columns and makes VIRTUAL ones STORED with a warning', () => {
    const r = one('a INT, b INT GENERATED ALWAYS AS (IFNULL(`a`, 0) * 2) VIRTUAL, c INT AS (a + 1) STORED');
    const t = sqlOf(r.ddl, 'table', 't');
    assert.match(t, /b integer GENERATED ALWAYS AS \(COALESCE\(a, 0\) \* 2\) STORED/);
    assert.match(t, /c integer GENERATED ALWAYS AS \(a \+ 1\) STORED/);
    assert.equal(reportOf(r.report, 'column', 'b').status, 'converted-with-warnings');
    assert.deepEqual(reportOf(r.report, 'column', 'b').issues.map((i) => i.code), ['generated-virtual-stored']);
    assert.equal(r.report.some((x) => x.objectType === 'column' && x.name === 'c'), false);
  });

  it('translates CHECKs, and reports the ones it cannot translate as manual', () => {
    const r = one("a INT, d DATE, CONSTRAINT ok_chk CHECK (`a` <=> 1 OR a IS NULL), CONSTRAINT bad_chk CHECK (DATE_FORMAT(d, '%Y') > '2000')");
    const t = sqlOf(r.ddl, 'table', 't');
    assert.match(t, /CONSTRAINT ok_chk CHECK \(a IS NOT DISTINCT FROM 1 OR a IS NULL\)/);
    assert.doesNotMatch(t, /bad_chk/);
    const bad = reportOf(r.report, 'check', 'bad_chk');
    assert.equal(bad.status, 'manual');
    assert.ok(bad.issues.some((i) => i.code === 'sql-not-translated' && /DATE_FORMAT/.test(i.message)));
  });

  it('lower-cases names and reports collisions', () => {
    const r = convert('CREATE TABLE `Users` (`Id` INT, `ID` INT); CREATE TABLE users (x INT);');
    const tables = r.model.schemas[0]!.tables;
    assert.deepEqual(tables.map((t) => t.name), ['users', 'users_2']);
    assert.deepEqual(tables[0]!.columns.map((c) => c.name), ['id', 'id_2']);
    assert.equal(reportOf(r.report, 'column', 'ID').status, 'converted-with-warnings');
    assert.deepEqual(reportOf(r.report, 'column', 'ID').issues.map((i) => i.code), ['name-collision']);
    assert.equal(reportOf(r.report, 'table', 'users').targetName, 'users_2');
    assert.match(sqlOf(r.ddl, 'table', 'users'), /^CREATE TABLE public\.users \(\n {2}id integer,\n {2}id_2 integer\n\)$/);
  });

  it('reports spatial columns as manual and keeps comments', () => {
    const r = one("g POINT NOT NULL COMMENT 'where', SPATIAL KEY sp (g)", " COMMENT='places'");
    assert.equal(reportOf(r.report, 'column', 'g').status, 'manual');
    assert.equal(reportOf(r.report, 'index', 'sp').status, 'manual');
    assert.match(sqlOf(r.ddl, 'table', 't'), /g text NOT NULL/);
    assert.ok(r.ddl.some((d) => d.sql === "COMMENT ON COLUMN public.t.g IS 'where'"));
    assert.ok(r.ddl.some((d) => d.sql === "COMMENT ON TABLE public.t IS 'places'"));
  });

  it('says when a trigger only maintains a timestamp column, and converts it as ON UPDATE', () => {
    const r = convert('CREATE TABLE t (a INT, changed DATETIME);\nDELIMITER ;;\nCREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW SET NEW.changed = NOW();;\nDELIMITER ;\n');
    assert.equal(reportOf(r.report, 'trigger', 't_bu').status, 'converted-with-warnings');
    assert.match(sqlOf(r.ddl, 'function', 't_on_update_current_timestamp'), /NEW\.changed := LOCALTIMESTAMP;/);
  });

  it('reports a view it cannot translate as manual, with its definition', () => {
    const r = convert("CREATE TABLE t (a INT); CREATE VIEW v AS SELECT DATE_FORMAT(now(), '%Y') AS y FROM t;");
    const v = reportOf(r.report, 'view', 'v');
    assert.equal(v.status, 'manual');
    assert.match(v.issues.map((i) => i.message).join('\n'), /SELECT DATE_FORMAT\(now\(\), '%Y'\) AS y FROM t/);
    assert.equal(r.ddl.some((d) => d.objectType === 'view'), false);
  });
});

describe('parseMysqlDdl: statements', () => {
  it('turns unknown statements into ParseProblems, never drops them', () => {
    const r = parseMysqlDdl("SET NAMES utf8; DROP TABLE IF EXISTS t; CREATE TABLE t (a INT); INSERT INTO t VALUES (1); CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t; GRANT ALL ON *.* TO 'x';");
    assert.deepEqual(r.problems.map((p) => p.statement.split(' ')[0]), ['INSERT', 'CREATE', 'GRANT']);
    assert.match(r.problems[0]!.message, /data statement/);
    assert.match(r.problems[1]!.message, /CREATE EVENT is not converted/);
    assert.equal(r.model.schemas[0]!.tables.length, 1);
  });

  it('reports a syntax error with the statement', () => {
    const r = parseMysqlDdl('CREATE TABLE t (a FOOTYPE)');
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /unknown type FOOTYPE for column a/);
  });

  it('reads SHOW CREATE output: backticks, MariaDB JSON, versioned comments, USE', () => {
    const r = parseMysqlDdl([
      'CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */',
      'USE `shop`',
      "CREATE TABLE `o` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `doc` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`doc`)),\n  `at` datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),\n  `n` int(11) DEFAULT '5',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4",
      'CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select `o`.`id` AS `id` from `o` WITH CASCADED CHECK OPTION',
    ]);
    assert.deepEqual(r.problems, []);
    const shop = r.model.schemas.find((s) => s.name === 'shop')!;
    const o = shop.tables[0]!;
    assert.deepEqual(o.columns.find((c) => c.name === 'doc')!.type, { kind: 'json', binary: false });
    assert.deepEqual(o.columns.find((c) => c.name === 'at')!.default, { kind: 'current-timestamp', precision: 3 });
    assert.deepEqual(o.columns.find((c) => c.name === 'id')!.identity, { kind: 'auto-increment', start: 7 });
    assert.deepEqual(shop.views[0], { name: 'v', query: 'select `o`.`id` AS `id` from `o`', checkOption: 'CASCADED' });
    const c = convert(['CREATE DATABASE shop', 'USE shop', o && "CREATE TABLE `o` (`id` int NOT NULL, `doc` longtext CHECK (json_valid(`doc`)), `n` int DEFAULT '5')"].join(';\n'));
    assert.match(sqlOf(c.ddl, 'table', 'o'), /doc json,\n {2}n integer DEFAULT 5\n\)/);
    assert.equal(reportOf(c.report, 'check', 'o_check').status, 'converted');
  });
});

describe('translateMysqlSql', () => {
  const cases: [string, string][] = [
    ["IFNULL(a, 'x\\'y')", "COALESCE(a, 'x''y')"],
    ['`a` <=> b || c && d', 'a IS NOT DISTINCT FROM b OR c AND d'],
    ['SELECT x FROM t LIMIT 5, 10', 'SELECT x FROM public.t LIMIT 10 OFFSET 5'],
    ['DATE_ADD(now(), INTERVAL 3 DAY)', "(now() + interval '3 days')"],
    ['CAST(`x` AS CHAR(10))', 'CAST(x AS character varying(10))'],
    ["IF(a > 1, 'big', 'small')", "CASE WHEN a > 1 THEN 'big' ELSE 'small' END"],
    ["GROUP_CONCAT(DISTINCT name ORDER BY name DESC SEPARATOR '; ')", "string_agg(DISTINCT (name)::text, '; ' ORDER BY (name)::text DESC)"],
    ['GROUP_CONCAT(a, b)', "string_agg((concat(a, b))::text, ',')"],
    ['UCASE(a) REGEXP _utf8mb4\'^X\'', "upper(a) ~* '^X'"],
    ["CURRENT_TIMESTAMP() > '2020-01-01' AND UNIX_TIMESTAMP() > 0", "CURRENT_TIMESTAMP > '2020-01-01' AND floor(extract(epoch from now()))::bigint > 0"],
    ['a DIV 2', 'a / 2'],
    ['TRUE AND NOT FALSE', 'TRUE AND NOT FALSE'],
    ["a COLLATE utf8mb4_bin = 'x'", "a  = 'x'"],
    ["YEAR(d) > 2000 AND LOCATE('x', s) > 0", "extract(year from d)::integer > 2000 AND strpos(s, 'x') > 0"],
  ];
  for (const [mysql, pg] of cases) {
    it(`${mysql} -> ${pg}`, () => {
      const t = translateMysqlSql(mysql, { ...lower, schema: 'public' });
      assert.equal(t.sql, pg);
      assert.equal(t.ok, true);
    });
  }
  it('reports what it cannot map', () => {
    for (const s of ["DATE_FORMAT(d, '%Y')", '@x + 1', "JSON_EXTRACT(j, '$.a')", 'a XOR b']) {
      const t = translateMysqlSql(s, lower);
      assert.equal(t.ok, false, s);
      assert.ok(t.issues.some((i) => i.severity === 'error'), s);
    }
  });
  it('uses the naming context for schemas, tables and columns', () => {
    const ctx: SqlTranslationContext = { schema: 'S', schemaName: (s) => `x_${s}`, tableName: (_s, t) => `t_${t}`, columnName: (_s, t, c) => `${t ?? '?'}_${c}` };
    assert.equal(translateMysqlSql('SELECT a.Col, `b` FROM S.Tab a JOIN Other ON Other.k = a.k', ctx).sql, 'SELECT a."Tab_Col", "?_b" FROM "x_S"."t_Tab" a JOIN "x_S"."t_Other" ON "t_Other"."Other_k" = a."Tab_k"');
  });
});

describe('translateMysqlSql: SHOW CREATE VIEW output', () => {
  it('resolves aliases inside parenthesized joins (MariaDB 10.11 SHOW CREATE VIEW of customer_list)', () => {
    const stmt = readFileSync(new URL('../fixtures/sakila/mariadb-show-create-view-customer_list.sql', import.meta.url), 'utf8');
    const parsed = parseMysqlDdl([stmt], { defaultSchema: 'shop' });
    assert.deepEqual(parsed.problems, []);
    const ctx: SqlTranslationContext = { schema: 'shop', schemaName: (x) => x, tableName: (_s, t) => `T_${t}`, columnName: (_s, t, c) => `${t}_${c}` };
    const t = translateMysqlSql(parsed.model.schemas[0]!.views[0]!.query, ctx);
    assert.equal(t.ok, true);
    assert.equal(
      t.sql,
      `select cu.customer_customer_id AS id,concat(cu.customer_first_name,' ',cu.customer_last_name) AS name,a.address_address AS address,a.address_postal_code AS "zip code",a.address_phone AS phone,"T_city".city_city AS city,"T_country".country_country AS country,CASE WHEN cu.customer_active THEN 'active' ELSE '' END AS notes,cu.customer_store_id AS sid from (((shop."T_customer" cu join shop."T_address" a on(cu.customer_address_id = a.address_address_id)) join shop."T_city" on(a.address_city_id = "T_city".city_city_id)) join shop."T_country" on("T_city".city_country_id = "T_country".country_country_id))`,
    );
  });
});

describe('renderPostgresType', () => {
  it('spells neutral types as format_type does', () => {
    assert.equal(renderPostgresType({ kind: 'int', bytes: 8, unsigned: true }), 'numeric(20,0)');
    assert.equal(renderPostgresType({ kind: 'int', bytes: 3, unsigned: false }), 'integer');
    assert.equal(renderPostgresType({ kind: 'timestamp', precision: 3, withTimeZone: false }), 'timestamp(3) without time zone');
    assert.equal(renderPostgresType({ kind: 'varchar', length: 0 }), 'character varying(1)');
    assert.equal(renderPostgresType({ kind: 'enum', values: ['a'], name: 'Mood' }), '"Mood"');
    assert.equal(renderPostgresType({ kind: 'json', binary: true }), 'jsonb');
    assert.throws(() => renderPostgresType({ kind: 'enum', values: ['a'] }), /needs the name/);
  });
});
