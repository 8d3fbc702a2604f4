/**
 * The DDL a MySQL/MariaDB binlog statement implies (ddl-statement.ts): every table DDL form
 * change capture reports, written the ways clients and the server write them (comments,
 * executable comments, backquotes, qualified names, any case, line breaks), and the
 * statements that are not table DDL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ddlOf, droppedDatabase, identifiersOf, startsTransaction, truncatedTable } from '../../src/connectors/mysql/cdc/ddl-statement.js';

/** The changes as `action schema.name` (+ `*` when the table may hold rows already). */
const of = (sql: string, db = 'd'): string[] => ddlOf(sql, db).map((c) => `${c.action} ${c.table.schema}.${c.table.name}${c.existingRows ? ' *' : ''}`);

describe('MySQL DDL statements: ALTER TABLE', () => {
  it('is an alter of the table, whatever its clauses', () => {
    assert.deepEqual(of('ALTER TABLE t ADD COLUMN x INT'), ['alter d.t']);
    assert.deepEqual(of('alter table `s`.`t` drop column x, add y varchar(10) default \'a,b\''), ['alter s.t']);
    assert.deepEqual(of('ALTER ONLINE IGNORE TABLE IF EXISTS s.t MODIFY x BIGINT'), ['alter s.t']);
    assert.deepEqual(of('ALTER OFFLINE TABLE t ENGINE=InnoDB'), ['alter d.t']);
    assert.deepEqual(of('ALTER TABLE t NOWAIT ADD x INT'), ['alter d.t']);
    assert.deepEqual(of('  alter\n\ttable\n  t\n  add x int'), ['alter d.t']);
    assert.deepEqual(of('ALTER TABLE "ansi"."t" ADD x INT'), ['alter ansi.t']);
    assert.deepEqual(of('ALTER TABLE `we``ird` ADD x INT'), ['alter d.we`ird']);
  });

  it('keeps the statement for the log', () => {
    assert.deepEqual(ddlOf('  ALTER TABLE t ADD x INT ', 'd'), [{ kind: 'ddl', action: 'alter', table: { schema: 'd', name: 't' }, statement: 'ALTER TABLE t ADD x INT' }]);
  });

  it('renaming columns and indexes is an alter; renaming the table is a drop and a create', () => {
    assert.deepEqual(of('ALTER TABLE t RENAME COLUMN a TO b'), ['alter d.t']);
    assert.deepEqual(of('ALTER TABLE t RENAME INDEX i TO j, RENAME KEY k TO l'), ['alter d.t']);
    assert.deepEqual(of('ALTER TABLE t RENAME TO t2'), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of('ALTER TABLE t RENAME AS t2'), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of('ALTER TABLE t RENAME t2'), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of('alter table t add column z int, rename to other.t2'), ['drop d.t', 'create other.t2 *']);
    assert.deepEqual(of('ALTER TABLE t RENAME TO `t 2`, ADD x INT'), ['drop d.t', 'create d.t 2 *']);
    assert.deepEqual(of('ALTER TABLE t RENAME COLUMN a TO b, RENAME TO t2'), ['drop d.t', 'create d.t2 *']);
    // A RENAME inside parentheses or a string is no clause of the ALTER.
    assert.deepEqual(of("ALTER TABLE t ADD c VARCHAR(10) COMMENT ', RENAME TO x', ADD CHECK (c <> 'rename')"), ['alter d.t']);
    // A column backquoted as `rename` is not the keyword.
    assert.deepEqual(of('ALTER TABLE t CHANGE `rename` `to` INT'), ['alter d.t']);
  });
});

describe('MySQL DDL statements: CREATE TABLE', () => {
  it('is a create of the table, in every form', () => {
    assert.deepEqual(of('CREATE TABLE t (id INT PRIMARY KEY)'), ['create d.t']);
    assert.deepEqual(of('create table `s`.`t`(id int)'), ['create s.t']);
    assert.deepEqual(of('CREATE TABLE t LIKE s.other'), ['create d.t']);
    assert.deepEqual(of('CREATE TABLE t AS SELECT * FROM u'), ['create d.t']);
    assert.deepEqual(of('CREATE TABLE t (id INT PRIMARY KEY) SELECT id FROM u'), ['create d.t']);
    // How MariaDB logs CREATE ... SELECT, and MySQL 8.0.21+ (atomic).
    assert.deepEqual(of('CREATE TABLE `b` (\n  `id` int(11) NOT NULL,\n  `v` varchar(10) DEFAULT NULL\n)'), ['create d.b']);
    assert.deepEqual(of('CREATE TABLE `b` (`id` int NOT NULL) START TRANSACTION'), ['create d.b']);
  });

  it('IF NOT EXISTS may leave a table with rows; OR REPLACE drops the old one first', () => {
    assert.deepEqual(of('CREATE TABLE IF NOT EXISTS t (id INT)'), ['create d.t *']);
    assert.deepEqual(of('CREATE OR REPLACE TABLE s.t (id INT)'), ['drop s.t', 'create s.t']);
  });

  it('ignores temporary tables and other objects', () => {
    assert.deepEqual(of('CREATE TEMPORARY TABLE t (id INT)'), []);
    assert.deepEqual(of('CREATE OR REPLACE TEMPORARY TABLE t (id INT)'), []);
    assert.deepEqual(of('CREATE INDEX i ON t (x)'), []);
    assert.deepEqual(of('CREATE UNIQUE INDEX i ON t (x)'), []);
    assert.deepEqual(of('CREATE VIEW v AS SELECT * FROM t'), []);
    assert.deepEqual(of('CREATE DEFINER=`root`@`%` VIEW v AS SELECT * FROM t'), []);
    assert.deepEqual(of('CREATE DATABASE x'), []);
    assert.deepEqual(of('CREATE PROCEDURE p() BEGIN SELECT 1; END'), []);
    assert.deepEqual(of('CREATE SEQUENCE s'), []);
    assert.deepEqual(of('CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.x = 1'), []);
  });

  it('tells the CREATE that opens its own transaction (MySQL 8.0.21+ CREATE ... SELECT)', () => {
    assert.equal(startsTransaction('CREATE TABLE `b` (`id` int NOT NULL) START TRANSACTION'), true);
    assert.equal(startsTransaction('CREATE TABLE `b` (`id` int NOT NULL) start transaction;'), true);
    assert.equal(startsTransaction('CREATE TABLE `b` (`id` int NOT NULL)'), false);
    assert.equal(startsTransaction('START TRANSACTION'), false);
    assert.equal(startsTransaction("CREATE TABLE b (c VARCHAR(20) COMMENT 'START TRANSACTION')"), false);
  });
});

describe('MySQL DDL statements: DROP and RENAME TABLE', () => {
  it('drops every table named', () => {
    assert.deepEqual(of('DROP TABLE t'), ['drop d.t']);
    assert.deepEqual(of('DROP TABLE IF EXISTS a, `b`, s.c RESTRICT'), ['drop d.a', 'drop d.b', 'drop s.c']);
    assert.deepEqual(of('drop tables a cascade'), ['drop d.a']);
    // As the server logs it.
    assert.deepEqual(of('DROP TABLE `a3`,`b2`,`c` /* generated by server */'), ['drop d.a3', 'drop d.b2', 'drop d.c']);
    assert.deepEqual(of('DROP TABLE IF EXISTS `d`,`nonexist` /* generated by server */'), ['drop d.d', 'drop d.nonexist']);
    assert.deepEqual(of('DROP TABLE IF EXISTS /* COMMENT TO SAVE */ t NOWAIT'), ['drop d.t']);
  });

  it('ignores temporary tables (also in an executable comment) and other objects', () => {
    assert.deepEqual(of('DROP TEMPORARY TABLE IF EXISTS t'), []);
    assert.deepEqual(of('DROP /*!40005 TEMPORARY */ TABLE IF EXISTS `t`'), []);
    assert.deepEqual(of('DROP INDEX i ON t'), []);
    assert.deepEqual(of('DROP VIEW v'), []);
    assert.deepEqual(of('DROP DATABASE d'), []);
  });

  it('a rename is a drop of the old name and a create of the new one, pair by pair', () => {
    assert.deepEqual(of('RENAME TABLE a TO b'), ['drop d.a', 'create d.b *']);
    assert.deepEqual(of('rename table a to b, s.c to `s2`.`d`'), ['drop d.a', 'create d.b *', 'drop s.c', 'create s2.d *']);
    assert.deepEqual(of('RENAME TABLES IF EXISTS a WAIT 5 TO b'), ['drop d.a', 'create d.b *']);
    assert.deepEqual(of('RENAME USER a TO b'), []);
    assert.deepEqual(of('RENAME TABLE a b'), []);
  });

  it('tells the database a DROP DATABASE drops', () => {
    assert.equal(droppedDatabase('DROP DATABASE IF EXISTS `x y`'), 'x y');
    assert.equal(droppedDatabase('drop schema s'), 's');
    assert.equal(droppedDatabase('DROP TABLE s'), undefined);
  });
});

describe('MySQL DDL statements: comments, other statements', () => {
  it('reads through comments of every kind', () => {
    assert.deepEqual(of('/* lead */ ALTER /* mid */ TABLE -- line\n t # hash\n ADD x INT'), ['alter d.t']);
    assert.deepEqual(of('ALTER TABLE t ADD c INT DEFAULT 1 -- , RENAME TO t2'), ['alter d.t']);
    assert.deepEqual(of("ALTER TABLE t ADD c VARCHAR(5) DEFAULT '#', RENAME TO t2"), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of("ALTER TABLE t ADD c VARCHAR(5) DEFAULT '--x', RENAME TO t2"), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of("ALTER TABLE t ADD c VARCHAR(5) DEFAULT 'it\\'s /*', RENAME TO t2"), ['drop d.t', 'create d.t2 *']);
    assert.deepEqual(of('/*!50100 ALTER TABLE t ADD x INT */'), ['alter d.t']);
    assert.deepEqual(of('CREATE /*M!100100 OR REPLACE */ TABLE t (id INT)'), ['drop d.t', 'create d.t']);
    // `--` without a space after it is no comment (x--1 is x - -1).
    assert.deepEqual(of('ALTER TABLE t ADD c INT DEFAULT (1--1), RENAME TO t2'), ['drop d.t', 'create d.t2 *']);
  });

  it('is nothing for other statements and for text that does not scan', () => {
    for (const sql of [
      'INSERT INTO t VALUES (1)',
      'UPDATE t SET x = 1',
      'GRANT SELECT ON d.t TO u',
      'TRUNCATE TABLE t',
      'FLUSH TABLES',
      'ANALYZE TABLE t',
      'BEGIN',
      'SELECT 1',
      '',
      "ALTER TABLE t ADD c VARCHAR(5) DEFAULT 'unterminated",
      'ALTER TABLE t /* unterminated',
      'ALTER TABLE',
      'DROP TABLE a,',
      'ALTER VIEW v AS SELECT 1',
      'ALTER DATABASE d CHARACTER SET utf8mb4',
    ]) {
      assert.deepEqual(ddlOf(sql, 'd'), [], sql);
    }
  });

  it('finds TRUNCATE targets, alone in their statement', () => {
    assert.deepEqual(truncatedTable('TRUNCATE TABLE `d`.`t``x`', 'other'), { schema: 'd', name: 't`x' });
    assert.deepEqual(truncatedTable('truncate t', 'd'), { schema: 'd', name: 't' });
    assert.deepEqual(truncatedTable('/* before */ TRUNCATE TABLE t /* after */ -- end', 'd'), { schema: 'd', name: 't' });
    assert.deepEqual(truncatedTable('TRUNCATE TABLE t;', 'd'), { schema: 'd', name: 't' });
    assert.equal(truncatedTable('TRUNCATE TABLE t; DROP TABLE u', 'd'), undefined);
    assert.equal(truncatedTable('DROP TABLE u', 'd'), undefined);
  });

  it('lists the identifiers a statement mentions (not those in strings or comments)', () => {
    const ids = identifiersOf("UPDATE `Shop`.Orders /* t2 */ SET v = 'items' WHERE id = 1");
    assert.ok(ids);
    assert.ok(ids.has('orders') && ids.has('shop') && ids.has('v'));
    assert.ok(!ids.has('t2') && !ids.has('items'));
    assert.equal(identifiersOf("SELECT 'open"), undefined);
  });
});
