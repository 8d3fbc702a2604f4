/**
 * The change appliers (spi/changes.ts ChangeApplier) against the real local PostgreSQL and
 * MariaDB: one scenario for both engines, each test in a database of its own. The oracle is
 * the target table itself, read back as text forms (normalized the same way for both
 * engines) and compared with the expected rows exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openMysqlApplier } from '../../src/connectors/mysql/mysql-applier.js';
import { openPostgresApplier } from '../../src/connectors/postgres/postgres-applier.js';
import { dataSessionSettings } from '../../src/connectors/postgres/postgres-session.js';
import { DataLoadError, type ChangeApplier, type ConnectionParams, type Row, type TableRef, type TargetChange } from '../../src/connectors/spi/index.js';
import { mariaDropDatabase, mariaExec, mariaTextValues, pgCreateDatabase, pgDropDatabase, pgExec, pgTextRows, uniqueSuffix, withMaria } from '../helpers/databases.js';

type TextRow = (string | null)[];

/** What the scenario needs of one engine. */
interface Kit {
  readonly name: string;
  readonly ddl: readonly string[];
  create(db: string): Promise<void>;
  drop(db: string): Promise<void>;
  exec(db: string, sql: string): Promise<void>;
  params(db: string): ConnectionParams;
  table(db: string, name: string): TableRef;
  open(params: ConnectionParams, signal: AbortSignal): Promise<ChangeApplier>;
  /** The rows of a query, every value as text (NULL as null). */
  rows(db: string, sql: string): Promise<TextRow[]>;
  /** SELECT of `items` with every column as normalized text, by id. */
  readonly itemsSql: string;
  /** SELECT of `bag` (keyless) as text. */
  readonly bagSql: string;
  /** Holds a lock on items row 1 from another session until released. */
  lockItem(db: string): Promise<() => Promise<void>>;
  /** How many sessions of `db` wait for a lock. */
  lockWaits(db: string): Promise<number>;
}

const pgKit: Kit = {
  name: 'PostgreSQL',
  ddl: [
    `CREATE TABLE items (id int PRIMARY KEY, n numeric(10,2), t text, b boolean, "by" bytea, ts timestamptz, d date, j jsonb, u uuid,
       note varchar(20) CHECK (note <> 'bad'), req text NOT NULL DEFAULT 'dflt')`,
    `CREATE TABLE pairs (a int, b text, v text, PRIMARY KEY (a, b))`,
    // No key; json has no equality operator: matched by its text form.
    `CREATE TABLE bag (x int, y text, z json)`,
    // A key in the source, no unique index in the target.
    `CREATE TABLE nokey (id int, v text, w text)`,
  ],
  create: (db) => pgCreateDatabase(db),
  drop: (db) => pgDropDatabase(db),
  exec: (db, sql) => pgExec(sql, db),
  params: (db) => ({ engineName: 'postgres', host: '127.0.0.1', port: 5432, database: db, username: 'postgres', ssl: { mode: 'none' } }),
  table: (_db, name) => ({ schema: 'public', name }),
  open: openPostgresApplier,
  rows: (db, sql) => pgTextRows(db, sql, { setup: dataSessionSettings }),
  itemsSql: `SELECT id::text, n::text, t, CASE WHEN b THEN '1' WHEN NOT b THEN '0' END, encode("by", 'hex'),
               to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), d::text, j::text, u::text, note, req FROM items ORDER BY id`,
  bagSql: `SELECT x::text, y, z::text FROM bag ORDER BY x NULLS FIRST, y NULLS FIRST, z::text NULLS FIRST`,
  async lockItem(db) {
    const { pgConnect } = await import('../helpers/databases.js');
    const c = await pgConnect(db);
    await c.query('BEGIN');
    await c.query('SELECT 1 FROM items WHERE id = 1 FOR UPDATE');
    return async () => {
      await c.query('ROLLBACK');
      await c.end();
    };
  },
  async lockWaits(db) {
    const rows = await pgTextRows(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    return Number(rows[0]?.[0]);
  },
};

const mariaKit: Kit = {
  name: 'MariaDB',
  ddl: [
    `CREATE TABLE items (id int PRIMARY KEY, n decimal(10,2), t text, b tinyint(1), \`by\` blob, ts datetime(6), d date, j json, u char(36),
       note varchar(20) CHECK (note <> 'bad'), req varchar(10) NOT NULL DEFAULT 'dflt') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE pairs (a int, b varchar(50), v text, PRIMARY KEY (a, b)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    // No key; FLOAT compares equal to a literal only once the literal is cast to FLOAT.
    `CREATE TABLE bag (x int, y text, z float) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE nokey (id int, v text, w text) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  ],
  create: (db) => mariaExec(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
  drop: (db) => mariaDropDatabase(db),
  exec: (db, sql) => mariaExec(sql, { database: db }),
  params: (db) => ({ engineName: 'mariadb', host: '127.0.0.1', port: 3306, database: db, username: 'root', password: '', ssl: { mode: 'none' } }),
  table: (db, name) => ({ schema: db, name }),
  open: openMysqlApplier,
  rows: (db, sql) =>
    withMaria(async (c) => {
      const [rows] = await c.query({ sql, rowsAsArray: true });
      return (rows as unknown[][]).map((r) => r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))));
    }, { ...mariaTextValues, database: db }),
  itemsSql: `SELECT CAST(id AS CHAR), CAST(n AS CHAR), t, CAST(b AS CHAR), LOWER(HEX(\`by\`)), DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'),
               CAST(d AS CHAR), j, u, note, req FROM items ORDER BY id`,
  bagSql: `SELECT CAST(x AS CHAR), y, CAST(z AS CHAR) FROM bag ORDER BY x IS NOT NULL, x, y IS NOT NULL, y, z`,
  async lockItem(db) {
    const { mariaConnect } = await import('../helpers/databases.js');
    const c = await mariaConnect({ database: db });
    await c.query('START TRANSACTION');
    await c.query('SELECT 1 FROM items WHERE id = 1 FOR UPDATE');
    return async () => {
      await c.query('ROLLBACK');
      await c.end();
    };
  },
  async lockWaits(db) {
    const rows = await mariaKit.rows(
      db,
      "SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()",
    );
    return Number(rows[0]?.[0]);
  },
};

const itemColumns = ['id', 'n', 't', 'b', 'by', 'ts', 'd', 'j', 'u', 'note', 'req'];
const awkward = 'emoji 😀𝄞 tab\there back\\slash \\N \\. newline\nend';
const r1: Row = ['1', '12.50', awkward, true, Buffer.from([0x00, 0xff, 0x10]), '2024-02-29 13:14:15.123456+00', '2024-02-29', '{"a": [1, "ü😀"]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '', 'r'];
const r2: Row = ['2', '-0.01', '', false, Buffer.alloc(0), '1970-01-01 00:00:00+00', '0001-01-01', '[]', '00000000-0000-0000-0000-000000000000', 'ok', ''];
const r3: Row = ['3', null, null, null, null, null, null, null, null, null, 'z'];
/** The normalized text row `itemsSql` reads for a canonical row. */
const text1: TextRow = ['1', '12.50', awkward, '1', '00ff10', '2024-02-29 13:14:15.123456', '2024-02-29', '{"a": [1, "ü😀"]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '', 'r'];
const text2: TextRow = ['2', '-0.01', '', '0', '', '1970-01-01 00:00:00.000000', '0001-01-01', '[]', '00000000-0000-0000-0000-000000000000', 'ok', ''];
const text3: TextRow = ['3', null, null, null, null, null, null, null, null, null, 'z'];

for (const kit of [pgKit, mariaKit]) {
  describe(`${kit.name} change applier`, () => {
    /** A fresh database with the scenario's tables, an open applier, and cleanup afterwards. */
    async function withTarget(tag: string, work: (t: { db: string; applier: ChangeApplier; tbl: (name: string) => TableRef }) => Promise<void>): Promise<void> {
      const db = `opendms_it_apply_${tag}_${uniqueSuffix()}`;
      await kit.create(db);
      try {
        for (const sql of kit.ddl) await kit.exec(db, sql);
        const applier = await kit.open(kit.params(db), new AbortController().signal);
        try {
          await work({ db, applier, tbl: (name) => kit.table(db, name) });
        } finally {
          await applier.close();
        }
      } finally {
        await kit.drop(db);
      }
    }

    const go = (applier: ChangeApplier, changes: TargetChange[]): Promise<void> => applier.apply(changes, new AbortController().signal);

    it('inserts every type exactly, and the same inserts again change nothing', async () => {
      await withTarget('ins', async ({ db, applier, tbl }) => {
        const items = tbl('items');
        const inserts: TargetChange[] = [r1, r2, r3].map((row) => ({ kind: 'upsert', table: items, columns: itemColumns, key: ['id'], row }));
        await go(applier, inserts);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), [text1, text2, text3]);
        await go(applier, inserts);
        await go(applier, [...inserts, ...inserts]);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), [text1, text2, text3]);
      });
    });

    it('updates only the given columns, inserts a partial row with defaults, and ignores a missing delete', async () => {
      await withTarget('upd', async ({ db, applier, tbl }) => {
        const items = tbl('items');
        await go(applier, [r1, r2].map((row) => ({ kind: 'upsert', table: items, columns: itemColumns, key: ['id'], row })));
        await go(applier, [
          { kind: 'upsert', table: items, columns: ['id', 't', 'note'], key: ['id'], row: ['1', 'changed', null] },
          // Two changes of one key in one run: the later one wins.
          { kind: 'upsert', table: items, columns: ['id', 't', 'note'], key: ['id'], row: ['2', 'first', 'a'] },
          { kind: 'upsert', table: items, columns: ['id', 't', 'note'], key: ['id'], row: ['2', 'second', 'b'] },
          { kind: 'upsert', table: items, columns: ['id', 't', 'note'], key: ['id'], row: ['4', 'new', 'n'] },
          { kind: 'delete', table: items, key: ['id'], keyValues: ['99'] },
        ]);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), [
          [...text1.slice(0, 2), 'changed', ...text1.slice(3, 9), null, 'r'],
          [...text2.slice(0, 2), 'second', ...text2.slice(3, 9), 'b', ''],
          ['4', null, 'new', null, null, null, null, null, null, 'n', 'dflt'],
        ]);
      });
    });

    it('keeps the order of kinds: key change, upsert then delete, delete then upsert, truncate then inserts', async () => {
      await withTarget('ord', async ({ db, applier, tbl }) => {
        const items = tbl('items');
        const up = (row: Row): TargetChange => ({ kind: 'upsert', table: items, columns: itemColumns, key: ['id'], row });
        const del = (id: string): TargetChange => ({ kind: 'delete', table: items, key: ['id'], keyValues: [id] });
        await go(applier, [up(r1), up(r2), up(r3)]);
        // Key 2 -> 20 (delete + upsert); 3 upserted then deleted; 1 deleted then upserted.
        const r20: Row = ['20', ...r2.slice(1)];
        await go(applier, [del('2'), up(r20), up(['5', ...r3.slice(1)]), up(r3), del('3'), del('5'), del('1'), up(r1)]);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), [text1, ['20', ...text2.slice(1)]]);
        // Truncate inside the transaction, followed by inserts of the same batch.
        await go(applier, [up(r3), { kind: 'truncate', table: items }, up(r2)]);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), [text2]);
      });
    });

    it('applies a composite key', async () => {
      await withTarget('pair', async ({ db, applier, tbl }) => {
        const pairs = tbl('pairs');
        const up = (a: string, b: string, v: string | null): TargetChange => ({ kind: 'upsert', table: pairs, columns: ['a', 'b', 'v'], key: ['a', 'b'], row: [a, b, v] });
        const del = (a: string, b: string): TargetChange => ({ kind: 'delete', table: pairs, key: ['a', 'b'], keyValues: [a, b] });
        const batch = [up('1', 'x', 'one'), up('1', 'y', 'two'), up('2', 'x', 'three'), up('2', "y'\\", null)];
        await go(applier, batch);
        await go(applier, batch);
        await go(applier, [up('1', 'y', 'TWO'), del('2', 'x'), del('2', 'x'), del('9', 'x'), del('1', 'x'), up('1', 'x', 'back')]);
        assert.deepEqual(await kit.rows(db, "SELECT CONCAT(a, ''), b, v FROM pairs ORDER BY a, b"), [
          ['1', 'x', 'back'],
          ['1', 'y', 'TWO'],
          ['2', "y'\\", null],
        ]);
      });
    });

    it('matches a keyless table by every column, NULL-safe, one row at a time', async () => {
      await withTarget('bag', async ({ db, applier, tbl }) => {
        const bag = tbl('bag');
        const third = kit === pgKit ? '{"k": [1, 2]}' : '1.1';
        const cols = ['x', 'y', 'z'];
        const up = (row: Row): TargetChange => ({ kind: 'upsert', table: bag, columns: cols, key: cols, row });
        const del = (row: Row): TargetChange => ({ kind: 'delete', table: bag, key: cols, keyValues: row });
        await go(applier, [up(['1', 'a', third]), up(['1', 'a', third]), up([null, 'a', null]), up(['2', '', third])]);
        await go(applier, [up(['1', 'a', third]), up([null, 'a', null]), up(['2', null, third])]);
        assert.deepEqual(await kit.rows(db, kit.bagSql), [
          [null, 'a', null],
          ['1', 'a', third],
          ['2', null, third],
          ['2', '', third],
        ]);
        // Two equal rows (the full load copied both): one delete removes exactly one.
        await kit.exec(db, `INSERT INTO bag (x, y, z) VALUES (5, 'dup', NULL), (5, 'dup', NULL)`);
        await go(applier, [del(['5', 'dup', null]), del([null, 'a', null]), del(['1', 'a', third]), del(['7', 'missing', null]), del(['2', null, third])]);
        assert.deepEqual(await kit.rows(db, kit.bagSql), [
          ['2', '', third],
          ['5', 'dup', null],
        ]);
      });
    });

    it('updates and inserts by a key the target has no unique index for', async () => {
      await withTarget('nokey', async ({ db, applier, tbl }) => {
        const nokey = tbl('nokey');
        const up = (id: string, v: string | null): TargetChange => ({ kind: 'upsert', table: nokey, columns: ['id', 'v'], key: ['id'], row: [id, v] });
        await go(applier, [up('1', 'a'), up('2', 'b'), up('1', 'a2')]);
        await kit.exec(db, `UPDATE nokey SET w = 'kept'`);
        await go(applier, [up('2', 'b2'), up('3', null), { kind: 'delete', table: nokey, key: ['id'], keyValues: ['1'] }, up('4', 'd')]);
        assert.deepEqual(await kit.rows(db, "SELECT CONCAT(id, ''), v, w FROM nokey ORDER BY id"), [
          ['2', 'b2', 'kept'],
          ['3', null, null],
          ['4', 'd', null],
        ]);
      });
    });

    it('refuses a change: names its index, keeps nothing of the batch, stays usable', async () => {
      await withTarget('ref', async ({ db, applier, tbl }) => {
        const items = tbl('items');
        const pairs = tbl('pairs');
        const up = (id: string, note: string | null, req: string | null = 'r'): TargetChange => ({ kind: 'upsert', table: items, columns: ['id', 'note', 'req'], key: ['id'], row: [id, note, req] });
        await go(applier, [up('1', 'one')]);
        const before = await kit.rows(db, kit.itemsSql);
        // CHECK violation inside a multi-row run, after other runs of the batch.
        const batch: TargetChange[] = [
          { kind: 'upsert', table: pairs, columns: ['a', 'b', 'v'], key: ['a', 'b'], row: ['1', 'x', 'v'] },
          { kind: 'delete', table: items, key: ['id'], keyValues: ['1'] },
          up('10', 'fine'),
          up('11', 'fine'),
          up('12', 'bad'),
          up('13', 'fine'),
        ];
        const err = await go(applier, batch).then(
          () => assert.fail('the CHECK violation was not refused'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof DataLoadError, String(err));
        assert.equal(err.rowIndex, 4);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), before);
        assert.deepEqual(await kit.rows(db, 'SELECT a FROM pairs'), []);
        // NOT NULL, after a truncate of the same batch: the truncate is undone too.
        const err2 = await go(applier, [{ kind: 'truncate', table: items }, up('20', 'x'), up('21', 'y', null)]).then(
          () => assert.fail('the NULL was not refused'),
          (e: unknown) => e,
        );
        assert.ok(err2 instanceof DataLoadError, String(err2));
        assert.equal(err2.rowIndex, 2);
        assert.deepEqual(await kit.rows(db, kit.itemsSql), before);
        // A value too long, alone.
        const err3 = await go(applier, [up('30', 'x'.repeat(21))]).then(
          () => assert.fail('the long value was not refused'),
          (e: unknown) => e,
        );
        assert.ok(err3 instanceof DataLoadError && err3.rowIndex === 0, String(err3));
        // Still usable.
        await go(applier, [up('10', 'fine'), up('12', 'good')]);
        assert.deepEqual(
          (await kit.rows(db, kit.itemsSql)).map((r) => [r[0], r[9], r[10]]),
          [
            ['1', 'one', 'r'],
            ['10', 'fine', 'r'],
            ['12', 'good', 'r'],
          ],
        );
      });
    });

    it('aborts: rejects with the reason at once, keeps nothing, and refuses further use', async () => {
      await withTarget('abort', async ({ db, applier, tbl }) => {
        const items = tbl('items');
        const up = (id: string): TargetChange => ({ kind: 'upsert', table: items, columns: ['id', 'note'], key: ['id'], row: [id, 'x'] });
        await go(applier, [up('1')]);
        const already = new AbortController();
        already.abort(new Error('stopped before'));
        await assert.rejects(applier.apply([up('2')], already.signal), /stopped before/);
        const release = await kit.lockItem(db);
        try {
          const ctl = new AbortController();
          const started = Date.now();
          const pending = applier.apply([up('3'), up('1')], ctl.signal);
          setTimeout(() => ctl.abort(new Error('task stopped')), 300);
          await assert.rejects(pending, /task stopped/);
          assert.ok(Date.now() - started < 3_000, `abort took ${Date.now() - started} ms`);
          // The server side stops waiting too (its transaction rolled back), lock still held.
          let waits = await kit.lockWaits(db);
          for (let i = 0; i < 30 && waits > 0; i++) {
            await new Promise((r) => setTimeout(r, 100));
            waits = await kit.lockWaits(db);
          }
          assert.equal(waits, 0, 'the aborted statement still waits on the server');
        } finally {
          await release();
        }
        assert.deepEqual((await kit.rows(db, "SELECT CONCAT(id, '') FROM items ORDER BY id")).flat(), ['1']);
        await assert.rejects(go(applier, [up('4')]));
      });
    });
  });
}

describe('PostgreSQL change applier, types that need care', () => {
  it('casts without type modifiers (char, bit), takes enums, domains and arrays (sent as a VALUES list)', async () => {
    const db = `opendms_it_apply_types_${uniqueSuffix()}`;
    await pgCreateDatabase(db);
    try {
      await pgExec(
        `CREATE TYPE mood AS ENUM ('sad', 'happy');
         CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
         CREATE TABLE typed (id int PRIMARY KEY, c5 char(5), b4 bit(4), vb varbit(8), e mood, p posint, r real);
         CREATE TABLE arr (k text[] PRIMARY KEY, ints int[], grid int[][], boxes box[]);
         CREATE TABLE arr_bag (ints int[], pt point);`,
        db,
      );
      const applier = await openPostgresApplier(pgKit.params(db), new AbortController().signal);
      const t = (name: string): TableRef => ({ schema: 'public', name });
      const typedCols = ['id', 'c5', 'b4', 'vb', 'e', 'p', 'r'];
      try {
        const typed = (row: Row): TargetChange => ({ kind: 'upsert', table: t('typed'), columns: typedCols, key: ['id'], row });
        await applier.apply([typed(['1', 'abc', '1010', '101', 'happy', '7', '1.1']), typed(['2', null, null, null, null, null, null])], new AbortController().signal);
        await applier.apply([typed(['2', 'xy', '0001', '', 'sad', '1', '-0'])], new AbortController().signal);
        assert.deepEqual(await pgTextRows(db, 'SELECT id, c5, b4, vb, e, p, r FROM typed ORDER BY id', { setup: dataSessionSettings }), [
          ['1', 'abc  ', '1010', '101', 'happy', '7', '1.1'],
          ['2', 'xy   ', '0001', '', 'sad', '1', '-0'],
        ]);
        // A domain's CHECK refuses like any constraint; a bit string of the wrong length too.
        for (const bad of [typed(['3', null, null, null, null, '0', null]), typed(['3', null, '10101', null, null, null, null])]) {
          const err = await applier.apply([typed(['4', null, null, null, null, null, null]), bad], new AbortController().signal).then(
            () => assert.fail('not refused'),
            (e: unknown) => e,
          );
          assert.ok(err instanceof DataLoadError && err.rowIndex === 1, String(err));
        }
        const arrCols = ['k', 'ints', 'grid', 'boxes'];
        const arr = (row: Row): TargetChange => ({ kind: 'upsert', table: t('arr'), columns: arrCols, key: ['k'], row });
        const a1: Row = ['{a,"b c"}', '{1,NULL,3}', '{{1,2},{3,4}}', '{(1,1),(0,0);(2,2),(1,1)}'];
        const a2: Row = ['{}', '{}', null, null];
        await applier.apply([arr(a1), arr(a2), arr(a1)], new AbortController().signal);
        await applier.apply([arr(['{}', '{9}', '{{5}}', null]), { kind: 'delete', table: t('arr'), key: ['k'], keyValues: ['{x}'] }], new AbortController().signal);
        assert.deepEqual(await pgTextRows(db, 'SELECT k::text, ints::text, grid::text, boxes::text FROM arr ORDER BY k::text COLLATE "C"', { setup: dataSessionSettings }), [
          ['{a,"b c"}', '{1,NULL,3}', '{{1,2},{3,4}}', '{(1,1),(0,0);(2,2),(1,1)}'],
          ['{}', '{9}', '{{5}}', null],
        ]);
        await applier.apply([{ kind: 'delete', table: t('arr'), key: ['k'], keyValues: ['{a,"b c"}'] }], new AbortController().signal);
        assert.deepEqual(await pgTextRows(db, 'SELECT k::text FROM arr'), [['{}']]);
        // Keyless with an array and a point (no `=`: compared by text form).
        const bagCols = ['ints', 'pt'];
        const bag = (kind: 'upsert' | 'delete', row: Row): TargetChange =>
          kind === 'upsert' ? { kind, table: t('arr_bag'), columns: bagCols, key: bagCols, row } : { kind, table: t('arr_bag'), key: bagCols, keyValues: row };
        await applier.apply([bag('upsert', ['{1,2}', '(1,2)']), bag('upsert', ['{1,2}', '(1,2)']), bag('upsert', [null, '(0,0)'])], new AbortController().signal);
        await applier.apply([bag('upsert', ['{1,2}', '(1,2)']), bag('delete', [null, '(0,0)'])], new AbortController().signal);
        assert.deepEqual(await pgTextRows(db, 'SELECT ints::text, pt::text FROM arr_bag'), [['{1,2}', '(1,2)']]);
      } finally {
        await applier.close();
      }
    } finally {
      await pgDropDatabase(db);
    }
  });
});

describe('PostgreSQL change applier, truncate of related tables', () => {
  it('truncates consecutive tables in one statement, so a referenced table can go with its referencing one', async () => {
    const db = `opendms_it_apply_fk_${uniqueSuffix()}`;
    await pgCreateDatabase(db);
    try {
      await pgExec(
        `CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE child (id int PRIMARY KEY, parent int REFERENCES parent);
         INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (10, 1);`,
        db,
      );
      const applier = await openPostgresApplier(pgKit.params(db), new AbortController().signal);
      const t = (name: string): TableRef => ({ schema: 'public', name });
      try {
        await applier.apply(
          [{ kind: 'truncate', table: t('parent') }, { kind: 'truncate', table: t('child') }, { kind: 'upsert', table: t('parent'), columns: ['id'], key: ['id'], row: ['3'] }],
          new AbortController().signal,
        );
      } finally {
        await applier.close();
      }
      assert.deepEqual(await pgTextRows(db, 'SELECT (SELECT string_agg(id::text, \',\') FROM parent), (SELECT count(*) FROM child)'), [['3', '0']]);
    } finally {
      await pgDropDatabase(db);
    }
  });
});

describe('PostgreSQL change applier, many statement shapes', () => {
  it('keeps applying when more shapes come than it keeps prepared', async () => {
    const db = `opendms_it_apply_shapes_${uniqueSuffix()}`;
    await pgCreateDatabase(db);
    try {
      const names = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
      await pgExec(`CREATE TABLE wide (id int PRIMARY KEY, ${names.map((n) => `${n} int`).join(', ')})`, db);
      const applier = await openPostgresApplier(pgKit.params(db), new AbortController().signal);
      const table = { schema: 'public', name: 'wide' };
      const expected = new Map<number, (string | null)[]>();
      try {
        // 100 column subsets: more than the 64 prepared statements kept, then the first ones again.
        for (const mask of [...Array.from({ length: 100 }, (_, i) => i + 1), 1, 2, 3]) {
          const columns = ['id', ...names.filter((_, b) => (mask & (1 << b)) !== 0)];
          const id = mask % 10;
          const row = expected.get(id) ?? [String(id), ...names.map(() => null)];
          const values = columns.map((c) => (c === 'id' ? String(id) : String(mask)));
          columns.forEach((c, i) => (row[c === 'id' ? 0 : names.indexOf(c) + 1] = values[i]!));
          expected.set(id, row);
          await applier.apply([{ kind: 'upsert', table, columns, key: ['id'], row: values }], new AbortController().signal);
        }
      } finally {
        await applier.close();
      }
      const want = [...expected.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      assert.deepEqual(await pgTextRows(db, `SELECT id, ${names.join(', ')} FROM wide ORDER BY id`), want);
    } finally {
      await pgDropDatabase(db);
    }
  });
});

describe('PostgreSQL change applier throughput', () => {
  it('upserts 20,000 rows in batches of 1,000 (printed, not asserted)', async () => {
    const db = `opendms_it_apply_bench_${uniqueSuffix()}`;
    await pgCreateDatabase(db);
    try {
      await pgExec('CREATE TABLE bench (id int PRIMARY KEY, a int, s text, n numeric(12,2), ts timestamptz, f boolean)', db);
      const applier = await openPostgresApplier(pgKit.params(db), new AbortController().signal);
      const table = { schema: 'public', name: 'bench' };
      const columns = ['id', 'a', 's', 'n', 'ts', 'f'];
      const batchesOf = (version: number): TargetChange[][] => {
        const batches: TargetChange[][] = [];
        for (let b = 0; b < 20; b++) {
          const batch: TargetChange[] = [];
          for (let i = 0; i < 1000; i++) {
            const id = b * 1000 + i;
            batch.push({ kind: 'upsert', table, columns, key: ['id'], row: [String(id), String(id * 7 + version), `row ${id} text value ${version}`, `${id}.25`, '2024-01-02 03:04:05.678901+00', id % 2 === 0] });
          }
          batches.push(batch);
        }
        return batches;
      };
      try {
        // First upserts that insert, then upserts of the same keys that update.
        for (const [what, version] of [['inserting', 1], ['updating', 2]] as const) {
          const batches = batchesOf(version);
          const started = process.hrtime.bigint();
          for (const batch of batches) await applier.apply(batch, new AbortController().signal);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          console.log(`PostgreSQL applier: 20000 upserts (${what}) in batches of 1000: ${ms.toFixed(0)} ms = ${Math.round(20000 / (ms / 1000))} rows/s`);
        }
      } finally {
        await applier.close();
      }
      assert.deepEqual(await pgTextRows(db, "SELECT count(*), count(*) FILTER (WHERE s LIKE '% 2') FROM bench"), [['20000', '20000']]);
    } finally {
      await pgDropDatabase(db);
    }
  });
});
