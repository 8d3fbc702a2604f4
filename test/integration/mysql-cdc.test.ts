/**
 * MySQL/MariaDB change capture from the row-based binlog against the real local MariaDB:
 * prerequisites, positions, every change kind on a table of every type (oracle: what the full
 * load's read() yields for the same rows), transactions (multi-statement, rolled back), table
 * selection, source DDL (ALTER/CREATE/RENAME/DROP TABLE as DdlChanges, watching a created
 * table), column names as written when catching up past a RENAME COLUMN (TABLE_MAP names),
 * resuming from a delivered position, lost history, abort, back-pressure; and the
 * pure decoders the server cannot exercise here (MySQL's binary JSON, compressed events).
 */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { MysqlConnector } from '../../src/connectors/mysql/mysql-connector.js';
import { openMysqlChangeCapture, serverIdOf } from '../../src/connectors/mysql/cdc/mysql-capture.js';
import { checkBinlogSettings, checkReplicationGrants } from '../../src/connectors/mysql/cdc/cdc-prerequisites.js';
import { comparePositions, parsePosition } from '../../src/connectors/mysql/cdc/binlog-position.js';
import { BinlogChangeStream, truncatedTable } from '../../src/connectors/mysql/cdc/binlog-stream.js';
import { mysqlJsonText } from '../../src/connectors/mysql/cdc/binlog-json.js';
import { inet6Text, serverDouble } from '../../src/connectors/mysql/cdc/binlog-text-forms.js';
import { uncompressMariadb } from '../../src/connectors/mysql/cdc/binlog-events.js';
import {
  ConnectorError,
  type ChangeCapture,
  type ChangeStream,
  type ConnectionParams,
  type Row,
  type RowChange,
  type SourceTransaction,
  type StreamNotice,
} from '../../src/connectors/spi/index.js';
import { mariaConnect, mariaTextValues, uniqueSuffix } from '../helpers/databases.js';

const suffix = uniqueSuffix();
const db = `opendms_cdc_${suffix}`;
const base: ConnectionParams = { engineName: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', password: '', ssl: { mode: 'none' } };
const params: ConnectionParams = { ...base, database: db };
const sig = (): AbortSignal => new AbortController().signal;

const alltypes = { schema: db, name: 'alltypes' };
const t2 = { schema: db, name: 't2' };
const opts = { taskId: `cdc-test-${suffix}`, tables: [alltypes, t2] };

type Item = SourceTransaction | StreamNotice;
const isTxn = (x: Item): x is SourceTransaction => 'changes' in x;

let admin: mysql.Connection;
const q = async <T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> => (await admin.query(sql, values))[0] as T[];

/** Pulls items until `done` says so (or the time runs out: a failed assertion, not a hang). */
/**
 * The transactions of the test's own database: tables created meanwhile by tests running in
 * parallel (other databases) are reported too, since the engine's selection, not the stream,
 * decides about a CREATE.
 */
function ownTransactions(items: Item[], db: string): SourceTransaction[] {
  return items.filter(isTxn).filter((t) => !t.changes.every((c) => c.kind === 'ddl' && c.action === 'create' && c.table.schema !== db));
}

async function collect(stream: ChangeStream, done: (items: Item[]) => boolean, ms = 20_000): Promise<Item[]> {
  const items: Item[] = [];
  const it = stream[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (!done(items)) {
    const left = deadline - Date.now();
    if (left <= 0) assert.fail(`the stream did not deliver in time; got ${JSON.stringify(items.map(summary))}`);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([it.next(), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left)))]);
    clearTimeout(timer);
    if (r === 'timeout') continue;
    if (r.done) break;
    items.push(r.value);
  }
  return items;
}

function summary(x: Item): unknown {
  if (!isTxn(x)) return x.kind;
  return x.changes.map((c) =>
    c.kind === 'truncate' ? `truncate ${c.tables.map((t) => t.name).join(',')}` : c.kind === 'ddl' ? `${c.action} ${c.table.name}` : `${c.kind} ${c.table.name}`,
  );
}

/** A transaction with an insert of t2 row `id` (the marker the tests wait for). */
const hasT2Insert = (id: string) => (items: Item[]): boolean =>
  items.some((x) => isTxn(x) && x.changes.some((c) => c.kind === 'insert' && c.table.name === 't2' && c.after[0] === id));

const columnsDdl = `
  id INT PRIMARY KEY,
  b TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, zf INT(6) UNSIGNED ZEROFILL,
  d DECIMAL(65,30), dn DECIMAL(10,2), d0 DECIMAL(5,0), f FLOAT, db DOUBLE,
  bit1 BIT(1), bit13 BIT(13), y YEAR, dt DATE, tm TIME(6), tm0 TIME, dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(3) NULL DEFAULT NULL,
  c CHAR(10), cw CHAR(100), vc VARCHAR(100), vlong VARCHAR(300), l1 VARCHAR(20) CHARACTER SET latin1,
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  bn BINARY(4), vb VARBINARY(300), tb TINYBLOB, bl BLOB, lb LONGBLOB,
  e ENUM('a','b''c','x y'), st SET('r','g','b'), j JSON,
  u UUID, ip6 INET6, ip4 INET4, g POINT`;

const insertColumns = 'id, b, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, zf, d, dn, d0, f, db, bit1, bit13, y, dt, tm, tm0, dtm, dtm0, ts, c, cw, vc, vlong, l1, tt, tx, mt, lt, bn, vb, tb, bl, lb, e, st, j, u, ip6, ip4, g';

const all = Array.from({ length: 256 }, (_, k) => k.toString(16).padStart(2, '0')).join('');
const rowValues = [
  `(1, 1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 42,
    '-12345678901234567890123456789012345.123456789012345678901234567890', '-12345678.99', '-99999', 0.1, 0.1,
    b'1', b'1000000000001', 1901, '2024-02-29', '-838:59:59.000000', '-00:00:01', '9999-12-31 23:59:59.999999', '2000-01-01 12:34:56', '2038-01-19 03:14:07.999',
    'ab', REPEAT('😀', 100), '😀 émoji \\t tab', REPEAT('é😀', 150), 'café ÿ',
    '', 'line1\\nline2\\\\back', REPEAT('m😀', 3000), REPEAT('x😀', 1000),
    UNHEX('00FF0000'), UNHEX('${all}'), UNHEX('000100'), UNHEX('${all}'), UNHEX(REPEAT('${all}', 300)),
    'b''c', 'r,b', '{"b": [1, 2.5, "x"], "a": null}',
    '123e4567-e89b-12d3-a456-426614174000', '2001:db8::1', '10.0.0.1', ST_GeomFromText('POINT(1.5 -2.25)'))`,
  `(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '0', '0', '0', 3.40282e38, 1.7976931348623157e308,
    b'0', b'0', 0, '1000-01-01', '838:59:59.999999', '00:00:00', '1000-01-01 00:00:00', '1000-01-01 00:00:00', '1970-01-01 00:00:01',
    '', '', '', '', '', '', '', '', '', UNHEX(''), UNHEX(''), UNHEX(''), UNHEX(''), UNHEX(''), '', '', '[]',
    '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0', ST_GeomFromText('POINT(0 0)'))`,
  `(3, ${Array.from({ length: 47 }, () => 'NULL').join(', ')})`,
  `(4, 5, 127, 1, 32767, 1, 8388607, 1, 2147483647, 1, 9223372036854775807, 1, 999999,
    '0.000000000000000000000000000001', '0.01', '1', 1.17549e-38, 5e-324,
    b'1', b'1111111111111', 2155, '2000-01-01', '25:00:00.5', '100:00:00', '2000-01-01 00:00:00.000001', '2024-06-30 23:59:59', '2024-01-01 10:00:00.5',
    'Z', 'Z', 'A', 'A', 'A', 'a', 'a', 'a', 'a', UNHEX('01'), UNHEX('00'), UNHEX('00'), UNHEX('01'), UNHEX('01'),
    'x y', 'r,g,b', '"str"',
    'ffffffff-ffff-ffff-ffff-ffffffffffff', '::ffff:1.2.3.4', '255.255.255.255', ST_GeomFromText('POINT(1e300 -1e-300)', 4326))`,
];

describe('MySQL/MariaDB change capture (row-based binlog)', () => {
  let capture: ChangeCapture;
  let columnNames: string[];
  /** What read() yields for the rows inserted, by id. */
  const readRows = new Map<string, Row>();
  /** The transactions of the main test, in order, for the resume test. */
  let delivered: SourceTransaction[] = [];
  let start: string;

  before(async () => {
    admin = await mariaConnect(mariaTextValues);
    await q(`SET SESSION time_zone = '+00:00'`);
    await q(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await q(`CREATE TABLE \`${db}\`.alltypes (${columnsDdl})`);
    await q(`CREATE TABLE \`${db}\`.t2 (id INT PRIMARY KEY, v VARCHAR(20))`);
    await q(`CREATE TABLE \`${db}\`.not_selected (id INT PRIMARY KEY, v VARCHAR(20))`);
    capture = await openMysqlChangeCapture(params, sig());
  });

  after(async () => {
    await capture?.close();
    await q(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
  });

  it('passes the prerequisites on a server set up for capture', async () => {
    await capture.checkPrerequisites(sig());
  });

  it('refuses binlog_format=STATEMENT (and other wrong settings) naming the setting, its value and the fix', () => {
    const good = { log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: 1 };
    assert.equal(checkBinlogSettings(good, 'MariaDB at h:3306'), undefined);
    const e = checkBinlogSettings({ ...good, binlog_format: 'STATEMENT' }, 'MariaDB at h:3306');
    assert.ok(e);
    assert.equal(e.kind, 'not-configured');
    assert.match(e.message, /MariaDB at h:3306/);
    assert.match(e.message, /binlog_format is STATEMENT but must be ROW/);
    assert.match(e.hint, /my\.cnf, \[mysqld\] section, set binlog_format = ROW/);
    assert.match(e.hint, /restart the server/);
    const several = checkBinlogSettings({ log_bin: 0, binlog_format: 'MIXED', binlog_row_image: 'MINIMAL', server_id: 0 }, 'MySQL at h:3306');
    assert.ok(several);
    for (const v of ['log_bin is OFF but must be ON', 'binlog_row_image is MINIMAL but must be FULL', 'server_id is 0', 'binlog_format is MIXED']) assert.ok(several.message.includes(v), several.message);
    const compressed = checkBinlogSettings({ ...good, binlog_transaction_compression: 'ON' }, 'MySQL at h');
    assert.match(compressed?.message ?? '', /binlog_transaction_compression is ON but must be OFF/);
  });

  it('checks the replication privileges in SHOW GRANTS (MySQL and MariaDB 10.5+ names)', () => {
    const where = 'MariaDB at h';
    assert.equal(checkReplicationGrants(['GRANT ALL PRIVILEGES ON *.* TO `root`@`%` WITH GRANT OPTION'], where, true), undefined);
    assert.equal(checkReplicationGrants(['GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO `u`@`%`', 'GRANT SELECT ON `d`.* TO `u`@`%`'], where, true), undefined);
    assert.equal(checkReplicationGrants(['GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`'], 'MySQL at h', false), undefined);
    const none = checkReplicationGrants(['GRANT USAGE ON *.* TO `u`@`%`', 'GRANT ALL PRIVILEGES ON `d`.* TO `u`@`%`'], where, true);
    assert.equal(none?.kind, 'not-configured');
    assert.match(none?.message ?? '', /REPLICATION SLAVE and BINLOG MONITOR privileges/);
    assert.match(none?.hint ?? '', /GRANT REPLICATION SLAVE, BINLOG MONITOR ON \*\.\*/);
    const half = checkReplicationGrants(['GRANT REPLICATION SLAVE ON *.* TO `u`@`%`'], 'MySQL at h', false);
    assert.match(half?.message ?? '', /lacks the REPLICATION CLIENT privilege/);
  });

  it('parses and orders positions', () => {
    assert.equal(capture.parsePosition('mysql-bin.000003:1234'), 'mysql:mysql-bin.000003:1234');
    assert.equal(capture.parsePosition('mysql:mysql-bin.000003:1234'), 'mysql:mysql-bin.000003:1234');
    for (const bad of ['pg:0/16B3748', 'mysql-bin.000003', 'mysql-bin.000003:abc', '', 'a:b:c:1']) {
      assert.throws(() => capture.parsePosition(bad), /file:pos.*mysql:file:pos/);
    }
    assert.ok(comparePositions('mysql:b.000002:4', 'mysql:b.000010:4') < 0);
    assert.ok(comparePositions('mysql:b.000010:400', 'mysql:b.000010:4') > 0);
    assert.equal(comparePositions('mysql:b.000010:400', parsePosition('b.000010:400')), 0);
    assert.ok(comparePositions('mysql:b.999999:9', 'mysql:b.1000000:4') < 0);
    const id = serverIdOf('task-1');
    assert.equal(serverIdOf('task-1'), id);
    assert.ok(id >= 1_000_000 && id <= 4_000_000_000);
    assert.notEqual(serverIdOf('task-1', id), id);
  });

  it('prepare returns the current binlog position', async () => {
    start = await capture.prepare(opts, sig());
    const [status] = await q<{ File: string; Position: string | number }>('SHOW MASTER STATUS');
    assert.match(start, /^mysql:[^:]+\.\d+:\d+$/);
    assert.ok(status);
    assert.ok(comparePositions(start, `mysql:${status.File}:${status.Position}`) <= 0);
  });

  it('streams every change kind with the values read() yields, transactions whole, only selected tables', async () => {
    const stream = await capture.openStream(opts, start, sig());
    try {
      for (const [k, v] of rowValues.entries()) {
        // Row 2's ENUM '' (index 0, the error value) needs a non-strict session.
        if (k === 1) await q(`SET SESSION sql_mode = ''`);
        await q(`INSERT INTO \`${db}\`.alltypes (${insertColumns}) VALUES ${v}`);
        if (k === 1) await q('SET SESSION sql_mode = DEFAULT');
      }
      // TIMESTAMP is stored in UTC: given in +05:00 it reads 5 hours earlier.
      await q(`SET SESSION time_zone = '+05:00'`);
      await q(`INSERT INTO \`${db}\`.alltypes (id, ts, tm) VALUES (5, '2024-01-01 10:00:00.5', '-00:00:00.5')`);
      await q(`SET SESSION time_zone = '+00:00'`);

      // The oracle: the full load's read() of the same rows.
      const source = await new MysqlConnector().openSource(params, sig());
      try {
        const [info] = (await source.listTables(sig())).filter((t) => t.name === 'alltypes');
        assert.ok(info);
        columnNames = info.columns.map((c) => c.name);
        for await (const batch of source.read({ table: alltypes, columns: columnNames, filters: [], batchRows: 100 }, sig())) {
          for (const row of batch) readRows.set(String(row[0]), row);
        }
      } finally {
        await source.close();
      }
      assert.equal(readRows.size, 5);

      await q(`UPDATE \`${db}\`.alltypes SET id = 10, vc = 'moved' WHERE id = 1`);
      await q(`DELETE FROM \`${db}\`.alltypes WHERE id = 2`);
      await q('START TRANSACTION');
      await q(`INSERT INTO \`${db}\`.t2 VALUES (1, 'in txn')`);
      await q(`UPDATE \`${db}\`.alltypes SET dn = 1.5 WHERE id = 4`);
      await q(`INSERT INTO \`${db}\`.not_selected VALUES (1, 'x')`);
      await q('COMMIT');
      await q('START TRANSACTION');
      await q(`INSERT INTO \`${db}\`.alltypes (id) VALUES (999)`);
      await q(`INSERT INTO \`${db}\`.t2 VALUES (999, 'rolled back')`);
      await q('ROLLBACK');
      await q(`INSERT INTO \`${db}\`.not_selected VALUES (2, 'y')`);
      await q(`TRUNCATE TABLE \`${db}\`.t2`);
      await q(`INSERT INTO \`${db}\`.t2 VALUES (-1, 'marker')`);

      const items = await collect(stream, hasT2Insert('-1'));
      // Tables created meanwhile by tests running in parallel (other databases) are reported
      // too: the engine's selection decides about a CREATE, not the stream.
      const txns = ownTransactions(items, db);
      delivered = txns;
      const changes = txns.flatMap((t) => t.changes);
      const rowChanges = changes.filter((c): c is RowChange => c.kind !== 'truncate' && c.kind !== 'ddl');

      // Only the selected tables, nothing of the rolled-back transaction.
      assert.ok(rowChanges.every((c) => c.table.name !== 'not_selected'), 'a change of a table not selected was delivered');
      assert.ok(!rowChanges.some((c) => (c.kind === 'delete' ? c.before : c.after)[0] === '999'), 'a rolled-back change was delivered');

      // Inserts: every column in table order, values exactly as read() yields them.
      const inserts = rowChanges.filter((c) => c.kind === 'insert' && c.table.name === 'alltypes');
      assert.equal(inserts.length, 5);
      for (const ins of inserts) {
        assert.ok(ins.kind === 'insert');
        assert.deepEqual(ins.columns, columnNames);
        const id = String(ins.after[0]);
        const expected = readRows.get(id);
        assert.ok(expected, `row ${id} was read`);
        for (let k = 0; k < columnNames.length; k++) {
          assert.deepEqual(ins.after[k], expected[k], `row ${id} column ${columnNames[k]}: binlog ${show(ins.after[k])} vs read() ${show(expected[k])}`);
        }
      }
      // A few canonical forms spelled out (read() is the oracle, but both could be wrong alike).
      const r1 = readRows.get('1')!;
      const col = (r: Row, name: string) => r[columnNames.indexOf(name)];
      assert.equal(col(r1, 'b'), true);
      assert.equal(col(r1, 'biu'), '18446744073709551615');
      assert.equal(col(r1, 'zf'), '000042');
      assert.equal(col(r1, 'd'), '-12345678901234567890123456789012345.123456789012345678901234567890');
      assert.equal(col(r1, 'bit13'), '1000000000001');
      assert.equal(col(r1, 'tm'), '-838:59:59.000000');
      assert.equal(col(r1, 'ts'), '2038-01-19 03:14:07.999+00');
      assert.deepEqual(col(r1, 'bn'), Buffer.from('00ff0000', 'hex'));
      assert.equal(col(r1, 'st'), 'r,b');
      assert.equal(col(readRows.get('4')!, 'tm'), '25:00:00.500000');
      assert.equal(col(readRows.get('5')!, 'ts'), '2024-01-01 05:00:00.500+00');
      assert.equal(col(readRows.get('5')!, 'tm'), '-00:00:00.500000');
      assert.equal(col(readRows.get('2')!, 'tx'), '');
      assert.equal(col(readRows.get('3')!, 'tx'), null);

      // Update with a key change: the whole before image and the whole after image.
      const update = rowChanges.find((c) => c.kind === 'update' && c.after[0] === '10');
      assert.ok(update && update.kind === 'update');
      assert.deepEqual(update.beforeColumns, columnNames);
      assert.deepEqual(update.before, readRows.get('1'));
      const moved = [...readRows.get('1')!];
      moved[0] = '10';
      moved[columnNames.indexOf('vc')] = 'moved';
      assert.deepEqual(update.after, moved);

      const del = rowChanges.find((c) => c.kind === 'delete');
      assert.ok(del && del.kind === 'delete');
      assert.deepEqual(del.beforeColumns, columnNames);
      assert.deepEqual(del.before, readRows.get('2'));

      // The multi-statement transaction: one SourceTransaction, its changes in order.
      const multi = txns.find((t) => t.changes.some((c) => c.kind === 'insert' && c.table.name === 't2' && c.after[0] === '1'));
      assert.ok(multi);
      assert.deepEqual(summary(multi), ['insert t2', 'update alltypes']);
      const upd = multi.changes[1];
      assert.ok(upd?.kind === 'update');
      assert.equal(upd.after[columnNames.indexOf('dn')], '1.50');
      assert.equal(upd.before?.[columnNames.indexOf('dn')], '0.01');

      const truncate = changes.find((c) => c.kind === 'truncate');
      assert.deepEqual(truncate, { kind: 'truncate', tables: [t2] });

      // Positions: after the start, strictly increasing; commit times from the server's clock.
      let previous = start;
      for (const t of txns) {
        assert.ok(comparePositions(t.position, previous) > 0, `${t.position} after ${previous}`);
        previous = t.position;
        assert.ok(Math.abs(t.commitTime.getTime() - Date.now()) < 10 * 60_000, String(t.commitTime));
      }
      assert.equal(txns.length, 10, JSON.stringify(txns.map(summary)));
    } finally {
      await stream.close();
    }
  });

  it('resumes after a delivered transaction with only the later ones', async () => {
    assert.ok(delivered.length >= 3);
    const from = delivered[1]!.position;
    const stream = await capture.openStream(opts, from, sig());
    try {
      const items = await collect(stream, hasT2Insert('-1'));
      const txns = ownTransactions(items, db);
      assert.deepEqual(
        txns.map((t) => t.position),
        delivered.slice(2).map((t) => t.position),
      );
      assert.deepEqual(txns[0]!.changes, delivered[2]!.changes);
    } finally {
      await stream.close();
    }
  });

  it('sends idle notices with the current position while nothing changes', async () => {
    const last = delivered[delivered.length - 1]!.position;
    const stream = await capture.openStream(opts, last, sig());
    try {
      // Changes of other tables move the position on without delivering anything.
      await q(`INSERT INTO \`${db}\`.not_selected VALUES (3, 'z')`);
      const idleAfter = (x: Item): x is Extract<StreamNotice, { kind: 'idle' }> => !isTxn(x) && x.kind === 'idle' && comparePositions(x.position, last) > 0;
      const items = await collect(stream, (xs) => xs.some(idleAfter), 10_000);
      assert.deepEqual(ownTransactions(items, db), [], 'no transaction for a table not selected');
      const idle = items.find(idleAfter);
      assert.ok(idle);
      assert.ok(idle.sourceTime instanceof Date);
    } finally {
      await stream.close();
    }
  });

  it('captures non-transactional (MyISAM) changes, committed by a QUERY COMMIT event', async () => {
    await q(`CREATE TABLE \`${db}\`.myisam_t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=MyISAM`);
    const table = { schema: db, name: 'myisam_t' };
    const o = { taskId: `${opts.taskId}-myisam`, tables: [table] };
    const from = await capture.prepare(o, sig());
    const stream = await capture.openStream(o, from, sig());
    try {
      await q(`INSERT INTO \`${db}\`.myisam_t VALUES (1, 'a'), (2, 'b')`);
      await q(`UPDATE \`${db}\`.myisam_t SET v = 'c' WHERE id = 2`);
      const items = await collect(stream, (xs) => ownTransactions(xs, db).length >= 2);
      const txns = ownTransactions(items, db);
      assert.deepEqual(txns[0]!.changes, [
        { kind: 'insert', table, columns: ['id', 'v'], after: ['1', 'a'] },
        { kind: 'insert', table, columns: ['id', 'v'], after: ['2', 'b'] },
      ]);
      assert.deepEqual(txns[1]!.changes, [{ kind: 'update', table, columns: ['id', 'v'], after: ['2', 'c'], beforeColumns: ['id', 'v'], before: ['2', 'b'] }]);
      assert.ok(comparePositions(txns[1]!.position, txns[0]!.position) > 0);
    } finally {
      await stream.close();
    }
  });

  it('reports source DDL in stream order: ALTER before the rows with the new columns, CREATE (rows once watched), RENAME, DROP', async () => {
    const table = (name: string) => ({ schema: db, name });
    const ddlT = table('ddl_t');
    await q(`CREATE TABLE \`${db}\`.ddl_t (id INT PRIMARY KEY, a VARCHAR(10))`);
    await q(`CREATE TABLE \`${db}\`.ddl_other (id INT PRIMARY KEY)`);
    const o = { taskId: `${opts.taskId}-ddl`, tables: [ddlT] };
    const from = await capture.prepare(o, sig());
    const stream = await capture.openStream(o, from, sig());
    const items: Item[] = [];
    /** Pulls on until a transaction satisfies `done` (nothing after it is pulled). */
    const until = async (done: (t: SourceTransaction) => boolean): Promise<void> => {
      items.push(...(await collect(stream, (xs) => xs.some((x) => isTxn(x) && done(x)))));
    };
    const has = (kind: string, name: string) => (t: SourceTransaction) =>
      t.changes.some((c) => (c.kind === 'ddl' ? c.action : c.kind) === kind && c.kind !== 'truncate' && c.table.name === name);
    const inserted = (name: string, id: string) => (t: SourceTransaction) => t.changes.some((c) => c.kind === 'insert' && c.table.name === name && c.after[0] === id);
    try {
      // Each step is read before the next DDL of its table runs: the catalog the stream reads
      // column names from is the table as it is now (the race binlog-stream.ts describes).
      await q(`INSERT INTO \`${db}\`.ddl_t VALUES (1, 'one')`);
      await until(inserted('ddl_t', '1'));
      await q(`ALTER TABLE \`${db}\`.ddl_t ADD COLUMN extra INT`);
      await q(`ALTER TABLE \`${db}\`.ddl_other ADD COLUMN w INT`);
      await q(`INSERT INTO \`${db}\`.ddl_t VALUES (2, 'two', 42)`);
      await until(inserted('ddl_t', '2'));
      await q(`USE \`${db}\``);
      await q('alter table ddl_t /* unqualified: the session database */ rename column a to a2');
      await q(`INSERT INTO \`${db}\`.ddl_t VALUES (3, 'three', 43)`);
      await until(inserted('ddl_t', '3'));

      // Created tables: the row of ddl_new is in the binlog before its CREATE is delivered, but
      // not decoded until the consumer pulls on, so watching it then misses nothing.
      await q(`CREATE TABLE \`${db}\`.ddl_new (id INT PRIMARY KEY, v VARCHAR(10))`);
      await q(`INSERT INTO \`${db}\`.ddl_new VALUES (1, 'new')`);
      await q(`CREATE TABLE \`${db}\`.ddl_ctas SELECT * FROM \`${db}\`.ddl_new`);
      await q(`CREATE TABLE \`${db}\`.ddl_unwatched (id INT PRIMARY KEY)`);
      await q(`INSERT INTO \`${db}\`.ddl_unwatched VALUES (7)`);
      await until(has('create', 'ddl_new'));
      assert.deepEqual(await stream.watch!(table('ddl_new'), sig()), { snapshot: false });
      await until(has('create', 'ddl_unwatched'));

      await q(`RENAME TABLE \`${db}\`.ddl_new TO \`${db}\`.ddl_renamed`);
      await q(`INSERT INTO \`${db}\`.ddl_renamed VALUES (2, 'renamed')`);
      await q(`DROP TABLE \`${db}\`.ddl_t, \`${db}\`.ddl_other`);
      await until(has('create', 'ddl_renamed'));
      // Its rows were written under the old name: the engine copies it.
      assert.deepEqual(await stream.watch!(table('ddl_renamed'), sig()), { snapshot: true });
      await until(has('drop', 'ddl_t'));

      const txns = ownTransactions(items, db);
      assert.deepEqual(txns.map(summary), [
        ['insert ddl_t'],
        ['alter ddl_t'],
        ['insert ddl_t'],
        ['alter ddl_t'],
        ['insert ddl_t'],
        ['create ddl_new'],
        ['insert ddl_new'],
        // CREATE ... SELECT: the CREATE, then its rows, in one transaction.
        ['create ddl_ctas', 'insert ddl_ctas'],
        // Reported (the engine decides), but its rows are not: nobody watched it.
        ['create ddl_unwatched'],
        ['drop ddl_new', 'create ddl_renamed'],
        ['insert ddl_renamed'],
        // ddl_other was never selected: neither its ALTER nor its DROP is reported.
        ['drop ddl_t'],
      ]);
      assert.deepEqual(txns.find(has('alter', 'ddl_t'))?.changes, [
        { kind: 'ddl', action: 'alter', table: ddlT, statement: `ALTER TABLE \`${db}\`.ddl_t ADD COLUMN extra INT` },
      ]);
      assert.deepEqual(txns[txns.length - 1]!.changes, [
        { kind: 'ddl', action: 'drop', table: ddlT, statement: `DROP TABLE \`ddl_t\`,\`ddl_other\` /* generated by server */` },
      ]);
      const rows = txns.flatMap((t) => t.changes).filter((c) => c.kind === 'insert');
      const row = (name: string, id: string) => rows.find((c) => c.table.name === name && c.after[0] === id);
      assert.deepEqual(row('ddl_t', '1'), { kind: 'insert', table: ddlT, columns: ['id', 'a'], after: ['1', 'one'] });
      assert.deepEqual(row('ddl_t', '2'), { kind: 'insert', table: ddlT, columns: ['id', 'a', 'extra'], after: ['2', 'two', '42'] });
      assert.deepEqual(row('ddl_t', '3'), { kind: 'insert', table: ddlT, columns: ['id', 'a2', 'extra'], after: ['3', 'three', '43'] });
      assert.deepEqual(row('ddl_new', '1')?.after, ['1', 'new']);
      assert.deepEqual(row('ddl_ctas', '1'), { kind: 'insert', table: table('ddl_ctas'), columns: ['id', 'v'], after: ['1', 'new'] });
      assert.deepEqual(row('ddl_renamed', '2')?.after, ['2', 'renamed']);
      assert.ok(items.every((x) => isTxn(x) || x.kind === 'idle'), JSON.stringify(items.filter((x) => !isTxn(x))));
      let previous = from;
      for (const t of txns) {
        assert.ok(comparePositions(t.position, previous) > 0, `${t.position} after ${previous}`);
        previous = t.position;
      }

      // Catching up: rows of a table dropped since they were written cannot be decoded (the
      // catalog no longer has it); they are skipped with a warning, and the DROP follows.
      await q(`CREATE TABLE \`${db}\`.ddl_late (id INT PRIMARY KEY)`);
      await q(`INSERT INTO \`${db}\`.ddl_late VALUES (1)`);
      await q(`DROP TABLE \`${db}\`.ddl_late`);
      const before = items.length;
      await until(has('create', 'ddl_late'));
      assert.deepEqual(await stream.watch!(table('ddl_late'), sig()), { snapshot: false });
      await until(has('drop', 'ddl_late'));
      const late = items.slice(before).filter((x) => (isTxn(x) && ownTransactions([x], db).length > 0) || (!isTxn(x) && x.kind === 'warning'));
      assert.deepEqual(late.map((x) => (isTxn(x) ? summary(x) : x.kind)), [['create ddl_late'], 'warning', ['drop ddl_late']]);
      assert.match(JSON.stringify(late[1]), /ddl_late .*no longer exists on the source/);
    } finally {
      await stream.close();
    }
  });

  it('names the columns of rows read while catching up as they were written (TABLE_MAP column names, binlog_row_metadata=FULL)', async () => {
    const rdb = `${db}_rename`;
    await q(`CREATE DATABASE \`${rdb}\``);
    const t = { schema: rdb, name: 'ren' };
    const o = { taskId: `${opts.taskId}-rename`, tables: [t] };
    const cap = await openMysqlChangeCapture({ ...base, database: rdb }, sig());
    try {
      assert.equal((await q<{ v: string }>('SELECT @@global.binlog_row_metadata AS v'))[0]!.v, 'FULL', 'npm run services:setup sets binlog_row_metadata = FULL');
      await q(`CREATE TABLE \`${rdb}\`.ren (id INT PRIMARY KEY, old_name VARCHAR(20), n INT UNSIGNED)`);
      const from = await cap.prepare(o, sig());
      const stream = await cap.openStream(o, from, sig());
      try {
        // Everything is written before the stream is read: it decodes the first rows after
        // the RENAME COLUMN has reached the catalog (catching up).
        await q(`INSERT INTO \`${rdb}\`.ren VALUES (1, 'before', 4294967295)`);
        await q(`UPDATE \`${rdb}\`.ren SET old_name = 'before2' WHERE id = 1`);
        await q(`ALTER TABLE \`${rdb}\`.ren RENAME COLUMN old_name TO new_name`);
        await q(`INSERT INTO \`${rdb}\`.ren VALUES (2, 'after', 7)`);
        const items = await collect(stream, (xs) => xs.some((x) => isTxn(x) && x.changes.some((c) => c.kind === 'insert' && c.after[0] === '2')));
        const rows = ownTransactions(items, rdb)
          .flatMap((x) => x.changes)
          .filter((c): c is RowChange => c.kind === 'insert' || c.kind === 'update' || c.kind === 'delete');
        assert.equal(items.filter((x) => !isTxn(x) && x.kind === 'warning').length, 0);
        assert.deepEqual(
          rows.map((c) => [c.kind, c.kind === 'delete' ? c.beforeColumns : c.columns, c.kind === 'delete' ? c.before : c.after]),
          [
            ['insert', ['id', 'old_name', 'n'], ['1', 'before', '4294967295']],
            ['update', ['id', 'old_name', 'n'], ['1', 'before2', '4294967295']],
            ['insert', ['id', 'new_name', 'n'], ['2', 'after', '7']],
          ],
        );
        const update = rows[1]!;
        assert.ok(update.kind === 'update');
        assert.deepEqual(update.beforeColumns, ['id', 'old_name', 'n']);
      } finally {
        await stream.close();
      }
    } finally {
      await cap.close();
      await q(`DROP DATABASE IF EXISTS \`${rdb}\``);
    }
  });

  it('follows the server into its next binlog file (ROTATE)', async () => {
    const from = await capture.prepare(opts, sig());
    const stream = await capture.openStream(opts, from, sig());
    try {
      await q(`INSERT INTO \`${db}\`.t2 VALUES (100, 'before rotate')`);
      await q('FLUSH BINARY LOGS');
      await q(`INSERT INTO \`${db}\`.t2 VALUES (101, 'after rotate')`);
      const txns = ownTransactions(await collect(stream, hasT2Insert('101')), db);
      const [a, b] = txns.slice(-2);
      assert.ok(a && b);
      assert.equal(a.changes[0]?.kind === 'insert' && a.changes[0].after[0], '100');
      const fileOf = (p: string) => p.split(':')[1];
      assert.notEqual(fileOf(b.position), fileOf(a.position));
      assert.ok(comparePositions(b.position, a.position) > 0);
      // Resuming from the last transaction of the old file reads on into the new one.
      const again = await capture.openStream(opts, a.position, sig());
      try {
        const next = ownTransactions(await collect(again, hasT2Insert('101')), db);
        assert.deepEqual(next.map((t) => t.position), [b.position]);
      } finally {
        await again.close();
      }
    } finally {
      await stream.close();
    }
  });

  it('gives the start of the newest binlog for a time, and history-lost before the oldest', async () => {
    const [status] = await q<{ File: string }>('SHOW MASTER STATUS');
    assert.equal(await capture.positionAt!(new Date(Date.now() + 60_000), sig()), `mysql:${status!.File}:4`);
    await assert.rejects(capture.positionAt!(new Date(0), sig()), (e: unknown) => e instanceof ConnectorError && e.kind === 'history-lost');
  });

  it('rejects a position in a purged or missing binlog, or past its end, with history-lost', async () => {
    const lost = (e: unknown): boolean => {
      assert.ok(e instanceof ConnectorError, String(e));
      assert.equal(e.kind, 'history-lost');
      assert.match(e.hint, /reload-target/);
      return true;
    };
    const [status] = await q<{ File: string; Position: string | number }>('SHOW MASTER STATUS');
    const stem = status!.File.replace(/\.\d+$/, '');
    await assert.rejects(capture.openStream(opts, `mysql:${stem}.000000:4`, sig()), lost);
    await assert.rejects(capture.openStream(opts, 'mysql:no-such-binlog.000001:4', sig()), lost);
    // A file that is there, from beyond its end: the server's own error 1236 on the stream.
    const stream = await capture.openStream(opts, `mysql:${status!.File}:${Number(status!.Position) + 100_000_000}`, sig());
    try {
      await assert.rejects(collect(stream, () => false, 10_000), lost);
    } finally {
      await stream.close();
    }
  });

  it('ends the stream promptly on abort and closes its replication connection', async () => {
    const dumps = async (): Promise<Set<number>> =>
      new Set((await q<{ Id: number; Command: string }>('SHOW PROCESSLIST')).filter((p) => /binlog dump/i.test(p.Command)).map((p) => Number(p.Id)));
    const beforeOpen = await dumps();
    const ac = new AbortController();
    const stream = await capture.openStream({ ...opts, taskId: `${opts.taskId}-abort` }, start, ac.signal);
    let ours: number[] = [];
    for (let k = 0; k < 50 && ours.length === 0; k++) {
      ours = [...(await dumps())].filter((id) => !beforeOpen.has(id));
      if (ours.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ours.length, 1, 'the stream has a replication connection');
    const it = stream[Symbol.asyncIterator]();
    // Drain what is there, then wait on a pull that has nothing to return.
    const pending = (async () => {
      for (;;) {
        const r = await it.next();
        if (r.done) return 'done';
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    ac.abort(new Error('stop now'));
    await assert.rejects(pending, /stop now/);
    assert.ok(Date.now() - t0 < 1000, 'the pull ended promptly');
    let gone = false;
    for (let k = 0; k < 50 && !gone; k++) {
      gone = !(await dumps()).has(ours[0]!);
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(gone, 'the replication connection is closed on the server');
  });

  it('pauses the connection when the consumer does not pull (bounded memory), resumes when it does', async () => {
    const calls: string[] = [];
    const stream = new BinlogChangeStream(
      { from: { file: 'x.000001', pos: 4 }, tables: [], mariadb: true, loadColumns: async () => undefined, classify: (e) => e as Error, maxQueuedBytes: 10_000 },
      sig(),
    );
    stream.attach({ checksum: 0, pause: () => calls.push('pause'), resume: () => calls.push('resume'), destroy: () => calls.push('destroy') });
    // Events the stream skips (type 0x7f unknown): 1000 bytes each.
    const event = Buffer.alloc(1000);
    event[4] = 0x7f;
    event.writeUInt32LE(1000, 9);
    for (let k = 0; k < 30; k++) stream.handler.onEvent(event);
    assert.deepEqual(calls, ['pause']);
    stream.handler.onEnd();
    const items = await collect(stream, () => false, 5_000);
    assert.deepEqual(items, []);
    assert.deepEqual(calls, ['pause', 'resume']);
    await stream.close();
    assert.deepEqual(calls, ['pause', 'resume', 'destroy']);
  });

  it('decodes MySQL binary JSON into the text MySQL prints', () => {
    // {"a": 1, "b": [true, "x"]}: a small object, an inlined int16, a small array holding an inlined literal and a string.
    const arr = Buffer.from([2, 0, 12, 0, 0x04, 0x01, 0x00, 0x0c, 10, 0, 1, 0x78]);
    const obj = Buffer.concat([
      Buffer.from([2, 0, 32, 0]),
      Buffer.from([18, 0, 1, 0, 19, 0, 1, 0]),
      Buffer.from([0x05, 1, 0, 0x02, 20, 0]),
      Buffer.from('ab'),
      arr,
    ]);
    assert.equal(mysqlJsonText(Buffer.concat([Buffer.from([0x00]), obj])), '{"a": 1, "b": [true, "x"]}');
    const dbl = Buffer.alloc(9);
    dbl[0] = 0x0b;
    dbl.writeDoubleLE(1, 1);
    assert.equal(mysqlJsonText(dbl), '1.0');
    assert.equal(mysqlJsonText(Buffer.from([0x0c, 3, 0x61, 0x22, 0x0a])), '"a\\"\\n"');
    assert.equal(mysqlJsonText(Buffer.alloc(0)), 'null');
  });

  it('prints doubles, INET6 and TRUNCATE targets the way the server does', () => {
    // As MariaDB's ST_AsText printed them.
    const doubles: [number, string][] = [
      [1e300, '1e300'], [-1e-300, '-1e-300'], [1.5, '1.5'], [1e-5, '0.00001'], [1234567890123456789, '1.2345678901234568e18'],
      [123456789.123456789, '123456789.12345679'], [1e15, '1e15'], [1000000, '1000000'], [1.5e-15, '0.0000000000000015'], [1.234e-20, '1.234e-20'], [123e20, '1.23e22'],
    ];
    for (const [x, s] of doubles) assert.equal(serverDouble(x), s);
    const ip = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
    assert.equal(inet6Text(ip('0001:0000:0000:0001:0000:0000:0000:0001')), '1:0:0:1::1');
    assert.equal(inet6Text(ip('0001:0002:0003:0004:0005:0006:0000:0008')), '1:2:3:4:5:6::8');
    assert.equal(inet6Text(ip('0000:0000:0000:0000:0000:0000:0000:0100')), '::100');
    assert.equal(inet6Text(ip('0000:0000:0000:0000:0000:ffff:0000:0001')), '::ffff:0.0.0.1');
    assert.equal(inet6Text(ip('0001:0000:0000:0000:0001:0000:0000:0000')), '1::1:0:0:0');
    assert.deepEqual(truncatedTable('TRUNCATE TABLE `d`.`t``x`', 'other'), { schema: 'd', name: 't`x' });
    assert.deepEqual(truncatedTable('truncate t', 'd'), { schema: 'd', name: 't' });
    assert.deepEqual(truncatedTable('/* before */ TRUNCATE TABLE t /* after */ -- end', 'd'), { schema: 'd', name: 't' });
    assert.equal(truncatedTable('TRUNCATE TABLE t; DROP TABLE u', 'd'), undefined);
  });

  it("inflates MariaDB's compressed event payloads (log_bin_compress)", () => {
    const data = Buffer.from('row images '.repeat(50));
    const z = deflateSync(data);
    const framed = Buffer.concat([Buffer.from([0x82, data.length >> 8, data.length & 0xff]), z]);
    assert.deepEqual(uncompressMariadb(framed), data);
    assert.throws(() => uncompressMariadb(Buffer.concat([Buffer.from([0x82, 0, 1]), z])), /inflates to/);
  });
});

function show(v: unknown): string {
  return Buffer.isBuffer(v) ? `<${v.toString('hex').slice(0, 40)}>` : JSON.stringify(v);
}
