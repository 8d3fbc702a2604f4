/**
 * PostgreSQL -> MySQL schema conversion against the real local MariaDB: the Sakila
 * PostgreSQL schema is parsed, converted and printed, every statement is applied in order
 * to a fresh database, and the catalog must then hold every table, key and index the
 * converted model has; rows go in (AUTO_INCREMENT, ENUM), and every created view answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parsePostgresDdl } from '../../src/schema-conversion/postgres/parse-postgres-ddl.js';
import { convertToMysql } from '../../src/schema-conversion/to-mysql/convert-to-mysql.js';
import { printMysqlDdl } from '../../src/schema-conversion/mysql/print-mysql-ddl.js';
import type { ConversionResult, DdlStatement, SchemaDef } from '../../src/schema-conversion/model.js';
import { mariaDropDatabase, mariaQuery, withMaria, uniqueSuffix } from '../helpers/databases.js';

const db = `opendms_it_pg2my_${uniqueSuffix()}`;
const script = readFileSync(new URL('../fixtures/sakila/postgres-sakila-schema.sql', import.meta.url), 'utf8');

describe('PostgreSQL Sakila converted and applied to MariaDB', () => {
  let result: ConversionResult;
  let schema: SchemaDef;
  let statements: DdlStatement[];
  const failures: { sql: string; message: string }[] = [];

  before(async () => {
    const parsed = parsePostgresDdl(script);
    // The test's own database: the PostgreSQL schema is renamed before conversion, so
    // that view bodies are qualified with it too.
    const pgSchema = parsed.model.schemas[0]!;
    pgSchema.name = db;
    for (const t of pgSchema.tables) for (const fk of t.foreignKeys) fk.refSchema = db;
    const version = (await mariaQuery<{ v: string }>('SELECT version() AS v'))[0]!.v;
    result = convertToMysql(parsed.model, { targetVersion: version, targetEngine: 'mariadb' });
    schema = result.model.schemas[0]!;
    statements = printMysqlDdl(result.model);
    await withMaria(async (c) => {
      for (const s of statements) {
        try {
          await c.query(s.sql);
        } catch (e) {
          failures.push({ sql: s.sql, message: (e as Error).message });
        }
      }
    });
  });
  after(async () => {
    await mariaDropDatabase(db);
  });

  it('applies every printed statement without error', () => {
    assert.deepEqual(failures, []);
    assert.ok(statements.length > 60, `only ${statements.length} statements`);
  });

  it('creates every table with its columns and primary key', async () => {
    const tables = await mariaQuery<{ t: string }>(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1`, [db]);
    assert.deepEqual(tables.map((r) => r.t), schema.tables.map((t) => t.name).sort());
    assert.equal(tables.length, 21);
    const cols = await mariaQuery<{ t: string; c: string }>(`SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, [db]);
    for (const t of schema.tables) {
      assert.deepEqual(cols.filter((r) => r.t === t.name).map((r) => r.c), t.columns.map((c) => c.name), t.name);
    }
    const pks = await mariaQuery<{ t: string; c: string }>(
      `SELECT TABLE_NAME AS t, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND INDEX_NAME = 'PRIMARY' GROUP BY TABLE_NAME`, [db]);
    for (const t of schema.tables) {
      assert.equal(pks.find((r) => r.t === t.name)?.c, t.primaryKey?.columns.join(','), `primary key of ${t.name}`);
    }
    // Sakila: every table but the payment partitions has a primary key.
    assert.equal(pks.length, 15);
  });

  it('creates every foreign key with its actions', async () => {
    const fks = await mariaQuery<{ n: string; t: string; rt: string; d: string; u: string }>(
      `SELECT CONSTRAINT_NAME AS n, TABLE_NAME AS t, REFERENCED_TABLE_NAME AS rt, DELETE_RULE AS d, UPDATE_RULE AS u FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`, [db]);
    const expected = schema.tables.flatMap((t) => t.foreignKeys.map((fk) => ({ n: fk.name!, t: t.name, rt: fk.refTable, d: fk.onDelete, u: fk.onUpdate })));
    assert.equal(fks.length, expected.length);
    assert.equal(fks.length, script.match(/FOREIGN KEY/g)?.length);
    for (const e of expected) assert.deepEqual(fks.find((f) => f.n === e.n), e, e.n);
  });

  it('creates every index (and no others)', async () => {
    const idx = await mariaQuery<{ t: string; i: string; u: number; c: string }>(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, MIN(NON_UNIQUE) AS u, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND INDEX_NAME <> 'PRIMARY' GROUP BY TABLE_NAME, INDEX_NAME`, [db]);
    const fkNames = new Set(schema.tables.flatMap((t) => t.foreignKeys.map((f) => f.name)));
    for (const t of schema.tables) {
      for (const i of t.indexes) {
        const found = idx.find((r) => r.t === t.name && r.i === i.name);
        assert.ok(found, `index ${t.name}.${i.name}`);
        assert.equal(found.c, i.parts.map((p) => p.column).join(','));
        assert.equal(Number(found.u) === 0, i.unique, `uniqueness of ${i.name}`);
      }
      for (const u of t.uniqueKeys) assert.ok(idx.some((r) => r.t === t.name && r.i === u.name && Number(r.u) === 0), `unique key ${u.name}`);
    }
    // Anything else is an index InnoDB made for a foreign key (named after the constraint).
    const modelled = new Set(schema.tables.flatMap((t) => [...t.indexes, ...t.uniqueKeys].map((i) => `${t.name}.${i.name}`)));
    for (const r of idx) if (!modelled.has(`${r.t}.${r.i}`)) assert.ok(fkNames.has(r.i), `unexpected index ${r.t}.${r.i}`);
    // The gist index on film.fulltext (tsvector) is reported, not created.
    assert.ok(!idx.some((r) => r.i === 'film_fulltext_idx'));
    assert.equal(result.report.find((r) => r.objectType === 'index' && r.name === 'film_fulltext_idx')?.status, 'manual');
  });

  it('takes rows: AUTO_INCREMENT numbers them, ENUM accepts the labels, defaults apply', async () => {
    await withMaria(async (c) => {
      await c.query(`INSERT INTO \`${db}\`.language (name) VALUES ('English'), ('Italian')`);
      const [langs] = await c.query(`SELECT language_id, name, last_update IS NOT NULL AS stamped FROM \`${db}\`.language ORDER BY language_id`);
      assert.deepEqual((langs as { language_id: number; name: string; stamped: number }[]).map((r) => [r.language_id, r.name.trim(), Number(r.stamped)]), [[1, 'English', 1], [2, 'Italian', 1]]);
      for (const rating of ['G', 'PG', 'PG-13', 'R', 'NC-17']) {
        await c.query(`INSERT INTO \`${db}\`.film (title, language_id, rating, \`fulltext\`) VALUES (?, 1, ?, '')`, [`Film ${rating}`, rating]);
      }
      const [films] = await c.query(`SELECT film_id, rating, rental_rate, rental_duration FROM \`${db}\`.film ORDER BY film_id`);
      assert.deepEqual((films as { film_id: number; rating: string; rental_rate: string; rental_duration: number }[]).map((r) => [r.film_id, r.rating, String(r.rental_rate), r.rental_duration]), [
        [1, 'G', '4.99', 3], [2, 'PG', '4.99', 3], [3, 'PG-13', '4.99', 3], [4, 'R', '4.99', 3], [5, 'NC-17', '4.99', 3],
      ]);
      await assert.rejects(c.query(`INSERT INTO \`${db}\`.film (title, language_id, rating, \`fulltext\`) VALUES ('x', 1, 'X', '')`), /rating|truncated|Data/i);
      // The domain year's CHECK came along.
      await assert.rejects(c.query(`INSERT INTO \`${db}\`.film (title, language_id, release_year, \`fulltext\`) VALUES ('old', 1, 1800, '')`), /CONSTRAINT|check/i);
      // Foreign keys are enforced.
      await assert.rejects(c.query(`INSERT INTO \`${db}\`.film (title, language_id, \`fulltext\`) VALUES ('y', 99, '')`), /foreign key/i);
      // A payment partition without a primary key still numbers its rows.
      await c.query(`SET FOREIGN_KEY_CHECKS = 0`);
      await c.query(`INSERT INTO \`${db}\`.payment_p2007_01 (customer_id, staff_id, rental_id, amount, payment_date) VALUES (1, 1, 1, 2.99, '2007-01-15 10:00:00'), (1, 1, 2, 0.99, '2007-01-16 10:00:00')`);
      const [pays] = await c.query(`SELECT payment_id FROM \`${db}\`.payment_p2007_01 ORDER BY payment_id`);
      assert.deepEqual((pays as { payment_id: number }[]).map((r) => r.payment_id), [1, 2]);
      await assert.rejects(c.query(`INSERT INTO \`${db}\`.payment_p2007_01 (customer_id, staff_id, rental_id, amount, payment_date) VALUES (1, 1, 1, 2.99, '2007-03-15 10:00:00')`), /CONSTRAINT|check/i);
      // customer.create_date defaults to today; activebool to 1.
      await c.query(`INSERT INTO \`${db}\`.customer (store_id, first_name, last_name, address_id) VALUES (1, 'A', 'B', 1)`);
      const [cust] = await c.query(`SELECT customer_id, activebool, create_date = CURRENT_DATE AS today FROM \`${db}\`.customer`);
      assert.deepEqual((cust as { customer_id: number; activebool: number; today: number }[]).map((r) => [r.customer_id, r.activebool, Number(r.today)]), [[1, 1, 1]]);
    });
  });

  it('creates the translatable views, and each one answers', async () => {
    const views = await mariaQuery<{ v: string }>(`SELECT TABLE_NAME AS v FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 1`, [db]);
    assert.deepEqual(views.map((r) => r.v), schema.views.map((v) => v.name).sort());
    assert.deepEqual(views.map((r) => r.v), ['customer_list', 'sales_by_film_category', 'sales_by_store', 'staff_list']);
    for (const v of schema.views) {
      const rows = await mariaQuery(`SELECT * FROM \`${db}\`.\`${v.name}\``);
      assert.ok(Array.isArray(rows), v.name);
    }
    const cols = await mariaQuery<{ c: string }>(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'customer_list' ORDER BY ORDINAL_POSITION`, [db]);
    assert.deepEqual(cols.map((r) => r.c), ['id', 'name', 'address', 'zip code', 'phone', 'city', 'country', 'notes', 'sid']);
    // The views calling the user-defined aggregate group_concat are manual work, not created.
    for (const name of ['actor_info', 'film_list', 'nicer_but_slower_film_list']) {
      assert.equal(result.report.find((r) => r.objectType === 'view' && r.name === name)?.status, 'manual', name);
    }
  });
});
