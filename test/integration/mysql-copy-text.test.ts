/**
 * MariaDB -> PostgreSQL through COPY text the source server formats (mysql-copy-text.ts),
 * against the row-by-row path as the oracle: the same values loaded both ways must land
 * identical, column by column, including the values COPY text must escape; and a row the
 * target refuses is found and handled by the replay as in the row path.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EngineHarness, TestDb, includeAll } from './engine-helpers.js';

const harness = new EngineHarness();
/** The task log says, at DEBUG, which segments pass COPY text through. */
const debugLoad = { enabled: true, components: { TARGET_LOAD: 'LOGGER_SEVERITY_DEBUG' as const } };
after(() => harness.close());

const columns = `id int PRIMARY KEY, flag tinyint(1), n bigint unsigned, d decimal(65,30), y year, dt date, tm time(3),
  ts datetime(6), tz timestamp(3) NULL, s varchar(40), t longtext, l varchar(20) CHARACTER SET latin1, e enum('a','b\\\\c'), st set('x','y'),
  j json, b varbinary(16), bl longblob`;

const values = `
  (1, 1, 18446744073709551615, 12345678901234567890.123456789012345678901234567890, 2006, '2024-02-29', '23:59:59.999', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123', 'plain', 'tab\\there', 'café', 'a', 'x,y', '{"k": [1, "\\\\\\\\"]}', 0x005C0A0D09FF, ''),
  (2, 0, 0, -0.5, 1901, '1000-01-01', '00:00:00.5', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '', 'line\\nbreak\\r\\nand \\\\ backslash', '', 'b\\\\c', '', 'null', '', 0x5C4E),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 1, 42, 0, 2155, '2000-01-01', '12:00:00', '2000-01-01 00:00:00', NULL, '\\\\N', '\\\\N', 'x', 'a', 'y', '[]', 0x5C, 0x00),
  (5, 0, 7, 1, 2000, '2001-01-01', '01:02:03', '2001-01-01 01:02:03', '2038-01-19 03:14:07', '😀 4-byte', '😀 \\\\t literal', 'Ã', 'b\\\\c', 'x', '"😀"', 0xFFFF, REPEAT(0xAB, 1000))`;

describe('MariaDB -> PostgreSQL through COPY text formatted by the source', () => {
  it('lands every value exactly as the row path does, and passes the text through', async () => {
    const src = await TestDb.create('mariadb', 'cts');
    const dst = await TestDb.create('postgres', 'ctt');
    try {
      // `fast`: every column can be formatted by the server; `slow`: the same plus a FLOAT,
      // which only the row path reads: the oracle.
      await src.exec(`CREATE TABLE fast (${columns}) CHARACTER SET utf8mb4;
        CREATE TABLE slow (${columns}, f float) CHARACTER SET utf8mb4;
        SET time_zone = '+00:00';
        INSERT INTO fast VALUES ${values};
        INSERT INTO slow SELECT fast.*, 1.5 FROM fast;`);
      const run = harness.start({ source: src, target: dst, rules: [includeAll(src.schema)], settings: { targetSchema: dst.schema, logging: debugLoad } });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.match(run.log(), /Table .*"fast": segment all rows passes COPY text through unparsed/);
      assert.doesNotMatch(run.log(), /Table .*"slow": segment .* passes COPY text through/);
      const cols = 'id, flag, n, d, y, dt, tm, ts, tz, s, t, l, e::text, st, j::text, b, bl';
      const fast = await dst.rows(`SELECT ${cols} FROM ${dst.q('fast')} ORDER BY id`);
      const slow = await dst.rows(`SELECT ${cols} FROM ${dst.q('slow')} ORDER BY id`);
      assert.equal(fast.length, 5, run.log());
      assert.deepEqual(fast, slow);
      // And what the escapes must keep: NULL vs '' vs the string \N, tabs, newlines, backslashes, latin1.
      const picked = await dst.rows(`SELECT id, s, t, l, encode(b, 'hex') FROM ${dst.q('fast')} WHERE id IN (2, 3, 4) ORDER BY id`);
      assert.deepEqual(picked, [
        ['2', '', 'line\nbreak\r\nand \\ backslash', '', ''],
        ['3', null, null, null, null],
        ['4', '\\N', '\\N', 'x', '5c'],
      ]);
      assert.deepEqual(await dst.rows(`SELECT l FROM ${dst.q('fast')} WHERE id = 1`), [['café']]);
    } finally {
      await src.drop();
      await dst.drop();
    }
  });

  it('finds a row the target refuses in the raw text and applies the error policy to it alone', async () => {
    const src = await TestDb.create('mariadb', 'crs');
    const dst = await TestDb.create('postgres', 'crt');
    try {
      await src.exec(`CREATE TABLE items (id int PRIMARY KEY, v varchar(20)) CHARACTER SET utf8mb4;
        INSERT INTO items SELECT seq, CONCAT('v', seq) FROM seq_1_to_500;`);
      await dst.exec(`CREATE TABLE ${dst.q('items')} (id integer PRIMARY KEY, v varchar(20), CONSTRAINT no_77 CHECK (id <> 77))`);
      const run = harness.start({
        source: src,
        target: dst,
        rules: [includeAll(src.schema)],
        settings: { targetSchema: dst.schema, targetTablePrepMode: 'DO_NOTHING', commitRate: 100, logging: debugLoad },
      });
      assert.equal((await run.finished).kind, 'stopped', run.log());
      assert.match(run.log(), /passes COPY text through unparsed/);
      assert.deepEqual(await dst.rows(`SELECT count(*), count(*) FILTER (WHERE id = 77), min(v), max(id) FROM ${dst.q('items')}`), [['499', '0', 'v1', '500']]);
      assert.match(run.log(), /77/);
    } finally {
      await src.drop();
      await dst.drop();
    }
  });
});
