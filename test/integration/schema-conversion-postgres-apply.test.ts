/**
 * The converted Sakila schema on a real PostgreSQL: every printed statement applies in one
 * transaction, the catalog holds every table, key and index, identities and the ON UPDATE
 * triggers work, the translated views run, and converted values (enum, boolean, year) load.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { parseMysqlDdl } from '../../src/schema-conversion/mysql/parse-mysql-ddl.js';
import { printPostgresDdl } from '../../src/schema-conversion/postgres/print-postgres-ddl.js';
import { convertToPostgres } from '../../src/schema-conversion/to-postgres/convert-to-postgres.js';
import { splitStatements } from '../../src/schema-conversion/sql/tokenizer.js';
import { mariaDropDatabase, mariaExec, mariaQuery, pgConnect, pgCreateDatabase, pgDropDatabase, uniqueSuffix, withPg } from '../helpers/databases.js';

const script = readFileSync(new URL('../fixtures/sakila/mysql-sakila-schema.sql', import.meta.url), 'utf8');

describe('converted Sakila applied to PostgreSQL', () => {
  const db = `sc_apply_${uniqueSuffix()}`;
  const parsed = parseMysqlDdl(script);
  const converted = convertToPostgres(parsed.model, {});
  const ddl = printPostgresDdl(converted.model);
  const source = parsed.model.schemas[0]!;
  let c: pg.Client;

  before(async () => {
    await pgCreateDatabase(db);
    c = await pgConnect(db);
  });
  after(async () => {
    await c?.end();
    await pgDropDatabase(db);
  });

  it('applies every statement in one transaction', async () => {
    assert.deepEqual(parsed.problems, []);
    await c.query('BEGIN');
    for (const s of ddl) {
      try {
        await c.query(s.sql);
      } catch (e) {
        await c.query('ROLLBACK');
        assert.fail(`${s.objectType} ${s.name} failed: ${(e as Error).message}\n${s.sql}`);
      }
    }
    await c.query('COMMIT');
  });

  it('has every table, primary key, unique key, foreign key and index', async () => {
    const rows = async (sql: string) => (await c.query(sql)).rows.map((r) => Object.values(r).join('.'));
    const tables = await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'sakila' AND table_type = 'BASE TABLE' ORDER BY 1");
    assert.deepEqual(tables, source.tables.map((t) => t.name).sort());
    const cons = await rows("SELECT conrelid::regclass::text, contype, conname FROM pg_constraint WHERE connamespace = 'sakila'::regnamespace ORDER BY 1, 3");
    for (const t of source.tables) {
      assert.ok(cons.includes(`sakila.${t.name}.p.${t.name}_pkey`), `primary key of ${t.name}`);
      for (const fk of t.foreignKeys) assert.ok(cons.includes(`sakila.${t.name}.f.${fk.name}`), `foreign key ${fk.name}`);
      for (const k of t.uniqueKeys) assert.ok(cons.includes(`sakila.${t.name}.u.${k.name}`), `unique key ${k.name}`);
    }
    assert.equal(cons.filter((x) => x.split('.')[2] === 'f').length, 22);
    // Each source index exists on its table (under its possibly schema-unique name), with its columns.
    const idx = await rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'sakila'");
    for (const t of source.tables) {
      for (const ix of t.indexes) {
        const r = converted.report.find((x) => x.objectType === 'index' && x.name === ix.name && x.table === t.name)!;
        const row = idx.find((x) => x.startsWith(`${t.name}.${r.targetName}.`));
        assert.ok(row, `index ${ix.name} of ${t.name}`);
        for (const p of ix.parts) assert.match(row, new RegExp(`\\b${p.column}\\b`));
      }
    }
    const gin = await rows("SELECT indexdef FROM pg_indexes WHERE schemaname = 'sakila' AND indexname = 'idx_title_description'");
    assert.match(gin[0]!, /USING gin \(to_tsvector/);
  });

  it('identity columns fill themselves, enum/boolean/year/set columns take converted values', async () => {
    const lang = await c.query("INSERT INTO sakila.language (name) VALUES ('English') RETURNING language_id");
    assert.equal(lang.rows[0].language_id, '1');
    const film = await c.query(
      "INSERT INTO sakila.film (title, release_year, language_id, rating, special_features) VALUES ('ACADEMY DINOSAUR', 2006, 1, 'PG-13', 'Trailers,Deleted Scenes') RETURNING film_id, rating, rental_rate, rental_duration",
    );
    assert.deepEqual(film.rows[0], { film_id: '1', rating: 'PG-13', rental_rate: '4.99', rental_duration: 3 });
    await assert.rejects(c.query("INSERT INTO sakila.film (title, language_id, rating) VALUES ('X', 1, 'XXX')"), /invalid input value for enum/);
    await assert.rejects(c.query("INSERT INTO sakila.film (title, language_id, special_features) VALUES ('X', 1, 'Bloopers')"), /film_special_features_check/);
    await assert.rejects(c.query("INSERT INTO sakila.film (title, language_id, release_year) VALUES ('X', 1, 1800)"), /film_release_year_check/);
    await assert.rejects(c.query("INSERT INTO sakila.film (title, language_id, length) VALUES ('X', 1, -1)"), /film_length_check/);
    // A full load writes booleans as MySQL's 1/0 and timestamps as UTC with +00.
    await c.query("INSERT INTO sakila.country (country_id, country, last_update) VALUES (7, 'Chad', '2006-02-15 04:44:00+00')");
    await c.query("INSERT INTO sakila.city (city, country_id) VALUES ('N''Djamena', 7)");
    await c.query("INSERT INTO sakila.address (address, district, city_id, phone) VALUES ('1 Main', 'D', 1, '1')");
    await c.query("SET session_replication_role = replica"); // store <-> staff reference each other
    await c.query("INSERT INTO sakila.store (store_id, manager_staff_id, address_id) VALUES (1, 1, 1)");
    await c.query("INSERT INTO sakila.staff (staff_id, first_name, last_name, address_id, store_id, active, username) VALUES (1, 'Mike', 'Hillyer', 1, 1, '1', 'Mike')");
    await c.query('SET session_replication_role = origin');
    const cust = await c.query("INSERT INTO sakila.customer (store_id, first_name, last_name, address_id, active, create_date) VALUES (1, 'MARY', 'SMITH', 1, '0', '2006-02-14 22:04:36') RETURNING active");
    assert.equal(cust.rows[0].active, false);
  });

  it('ON UPDATE triggers bump last_update only when the row changes', async () => {
    await c.query("UPDATE sakila.country SET last_update = '2000-01-01 00:00:00+00' WHERE country_id = 7");
    const pinned = await c.query('SELECT last_update FROM sakila.country WHERE country_id = 7');
    assert.equal((pinned.rows[0].last_update as Date).toISOString(), '2000-01-01T00:00:00.000Z');
    await c.query('UPDATE sakila.country SET country = country WHERE country_id = 7');
    const same = await c.query('SELECT last_update FROM sakila.country WHERE country_id = 7');
    assert.equal((same.rows[0].last_update as Date).toISOString(), '2000-01-01T00:00:00.000Z');
    await c.query("UPDATE sakila.country SET country = 'Tchad' WHERE country_id = 7");
    const bumped = await c.query('SELECT last_update, now() - last_update < interval \'1 minute\' AS recent FROM sakila.country WHERE country_id = 7');
    assert.equal(bumped.rows[0].recent, true);
  });

  it('runs every translated view', async () => {
    const views = converted.model.schemas[0]!.views.map((v) => v.name);
    assert.equal(views.length, 7);
    for (const v of views) await c.query(`SELECT * FROM sakila.${v} LIMIT 1`);
    const list = await c.query('SELECT id, name, notes, "zip code" FROM sakila.customer_list');
    assert.deepEqual(list.rows, [{ id: '1', name: 'MARY SMITH', notes: '', 'zip code': null }]);
  });
});

describe('Sakila as MariaDB SHOW CREATE prints it, converted and applied to PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const mdb = `sc_src_${suffix}`;
  const pdb = `sc_dst_${suffix}`;
  after(async () => {
    await mariaDropDatabase(mdb);
    await pgDropDatabase(pdb);
  });

  it('parses the dump without problems, converts it and applies every statement', async () => {
    await mariaExec(splitStatements(script.replace(/\bsakila\b/g, mdb), 'mysql'));
    // A dump as the connector's dumpSchemaDdl gives it: CREATE DATABASE, USE, then SHOW CREATE output.
    const dump = [`CREATE DATABASE ${mdb}`, `USE ${mdb}`];
    const rels = await mariaQuery<{ n: string; t: string }>('SELECT table_name AS n, table_type AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY table_type, table_name', [mdb]);
    for (const r of rels) {
      const [row] = await mariaQuery<Record<string, string>>(`SHOW CREATE ${r.t === 'VIEW' ? 'VIEW' : 'TABLE'} ${mdb}.${r.n}`);
      dump.push(row!['Create Table'] ?? row!['Create View']!);
    }
    for (const tr of await mariaQuery<{ n: string }>('SELECT trigger_name AS n FROM information_schema.triggers WHERE trigger_schema = ?', [mdb])) {
      const [row] = await mariaQuery<Record<string, string>>(`SHOW CREATE TRIGGER ${mdb}.${tr.n}`);
      dump.push(row!['SQL Original Statement']!);
    }
    const parsed = parseMysqlDdl(dump);
    assert.deepEqual(parsed.problems, []);
    const s = parsed.model.schemas.find((x) => x.name === mdb)!;
    assert.equal(s.tables.length, 16);
    assert.equal(s.views.length, 7);
    assert.equal(s.triggers.length, 3);
    assert.deepEqual(s.tables.find((t) => t.name === 'film')!.columns.find((c) => c.name === 'last_update')!.default, { kind: 'current-timestamp' });
    const converted = convertToPostgres(parsed.model, {});
    assert.deepEqual(converted.report.filter((r) => r.status === 'manual').map((r) => r.objectType).sort(), ['trigger', 'trigger', 'trigger']);
    await pgCreateDatabase(pdb);
    await withPg(pdb, async (c) => {
      await c.query('BEGIN');
      for (const st of printPostgresDdl(converted.model)) {
        await c.query(st.sql).catch((e: Error) => assert.fail(`${st.objectType} ${st.name}: ${e.message}`));
      }
      await c.query('COMMIT');
      for (const v of converted.model.schemas[0]!.views) await c.query(`SELECT * FROM ${mdb}.${v.name} LIMIT 1`);
      const n = await c.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE connamespace = '${mdb}'::regnamespace AND contype = 'f'`);
      assert.equal(n.rows[0].n, 22);
    });
  });
});
