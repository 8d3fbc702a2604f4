/**
 * PostgreSQL change capture (src/connectors/postgres/cdc/) against the real local server:
 * prerequisites, prepare (slot and publications), the stream of every kind of change with its
 * exact values, acknowledgement and resuming, a dropped slot, release, abort, back-pressure,
 * and source DDL (alter / create with watch() / drop, the event triggers' lifecycle).
 *
 * Each test has its own database and task id. Slots are cluster-wide and a leaked one keeps
 * WAL forever, so every test releases in `finally` and then drops whatever slot is left in
 * its database before dropping the database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { openPostgresChangeCapture } from '../../src/connectors/postgres/cdc/postgres-capture.js';
import { comparePositions, formatLsn, lsnOfPosition, parseLsn, parsePosition } from '../../src/connectors/postgres/cdc/lsn.js';
import { decodePgoutput, unchangedToast } from '../../src/connectors/postgres/cdc/pgoutput.js';
import type { ReplicationStream } from '../../src/connectors/postgres/cdc/replication-stream.js';
import { dataSessionSettings } from '../../src/connectors/postgres/postgres-session.js';
import type { CaptureOptions, Change, ChangeCapture, ChangeStream, ConnectionParams, Row, SourcePosition, SourceTransaction, StreamNotice, TableRef } from '../../src/connectors/spi/index.js';
import { rejectsWith } from '../helpers/connector-errors.js';
import { pgConnect, pgCreateDatabase, pgDropDatabase, pgExec, pgQuery, pgTextRows, uniqueSuffix } from '../helpers/databases.js';

const params = (database: string): ConnectionParams => ({ engineName: 'postgres', host: '127.0.0.1', port: 5432, database, username: 'postgres', ssl: { mode: 'none' } });
const signal = (): AbortSignal => AbortSignal.timeout(60_000);
const reloadHint = /reload the task's tables \(StartReplicationTask with reload-target\)/;

interface Ctx {
  readonly db: string;
  readonly taskId: string;
  readonly capture: ChangeCapture;
  /** A plain connection to the test database, for the source's own statements. */
  readonly src: pg.Client;
}

/** A database of its own with `setup` run in it, a capture on it, and everything dropped afterwards (slots first). */
async function withCapture(name: string, setup: string, use: (ctx: Ctx) => Promise<void>): Promise<void> {
  const suffix = uniqueSuffix();
  const db = `opendms_it_cdc_${name}_${suffix}`;
  // Upper case and a dash: the slot name is the lower-cased id with `_` for the rest.
  const taskId = `Task-${name}-${suffix}`;
  await pgCreateDatabase(db);
  let capture: ChangeCapture | undefined;
  let src: pg.Client | undefined;
  try {
    if (setup) await pgExec(setup, db);
    src = await pgConnect(db);
    capture = await openPostgresChangeCapture(params(db), signal());
    await use({ db, taskId, capture, src });
  } finally {
    await capture?.close();
    await src?.end();
    await dropSlotsOf(db);
    await pgDropDatabase(db);
  }
}

/** Terminates the readers of `db`'s slots and drops them (a logical slot is dropped from its own database). */
async function dropSlotsOf(db: string): Promise<void> {
  await pgExec(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '${db}' AND active_pid IS NOT NULL`);
  for (let attempt = 0; ; attempt++) {
    try {
      await pgExec(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '${db}'`, db);
      return;
    } catch (err) {
      if (attempt > 50) throw err;
      await sleep(100);
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls a stream one item at a time, keeping the notices it passes over. */
class Reader {
  readonly notices: StreamNotice[] = [];
  private readonly it: AsyncIterator<SourceTransaction | StreamNotice>;
  constructor(stream: ChangeStream) {
    this.it = stream[Symbol.asyncIterator]();
  }
  async next(ms = 15_000): Promise<SourceTransaction | StreamNotice> {
    const r = await within(this.it.next(), ms, 'the next item of the stream');
    if (r.done) throw new Error('the stream ended');
    return r.value;
  }
  async transaction(ms = 15_000): Promise<SourceTransaction> {
    for (;;) {
      const v = await this.next(ms);
      if ('changes' in v) return v;
      this.notices.push(v);
    }
  }
  async transactions(n: number): Promise<SourceTransaction[]> {
    const out: SourceTransaction[] = [];
    while (out.length < n) out.push(await this.transaction());
    return out;
  }
}

interface StreamCtx {
  /** The position prepare() returned, which the stream starts from. */
  readonly from: SourcePosition;
  readonly stream: ChangeStream;
  readonly reader: Reader;
}

/**
 * Prepares `opts`, opens a stream from the prepared position (with `signal`, or a fresh
 * timeout) and a Reader of it, runs `use`, then closes the stream and releases, whatever happened.
 * `beforeOpen` runs between prepare and openStream.
 */
async function withStream(
  capture: ChangeCapture,
  opts: CaptureOptions,
  use: (ctx: StreamCtx) => Promise<void>,
  { signal: streamSignal, beforeOpen }: { signal?: AbortSignal; beforeOpen?: () => Promise<void> } = {},
): Promise<void> {
  let stream: ChangeStream | undefined;
  try {
    const from = await capture.prepare(opts, signal());
    await beforeOpen?.();
    stream = await capture.openStream(opts, from, streamSignal ?? signal());
    await use({ from, stream, reader: new Reader(stream) });
  } finally {
    await stream?.close();
    await capture.release(opts, signal());
  }
}

/** The canonical form of rows read as text: bool and bytea columns converted as the capture does. */
async function canonicalRows(db: string, sql: string, decoders: Readonly<Record<number, 'bool' | 'bytea'>> = {}): Promise<Row[]> {
  const rows = await pgTextRows(db, sql, { setup: dataSessionSettings });
  return rows.map((r) =>
    r.map((v, i) => {
      if (v === null) return null;
      if (decoders[i] === 'bool') return v === 't';
      if (decoders[i] === 'bytea') return Buffer.from(v.slice(2), 'hex');
      return v;
    }),
  );
}

async function confirmedFlush(slot: string): Promise<string | undefined> {
  return (await pgQuery<{ lsn: string | null }>('postgres', 'SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1', [slot]))[0]?.lsn ?? undefined;
}

async function slotRow(slot: string): Promise<{ active: boolean } | undefined> {
  return (await pgQuery<{ active: boolean }>('postgres', 'SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]))[0];
}

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

const slotOf = (taskId: string): string => `opendms_${taskId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
const t = (name: string): TableRef => ({ schema: 'public', name });

describe('positions and pgoutput decoding (pure)', () => {
  it('parses, formats and compares LSNs as 64-bit numbers', () => {
    assert.equal(parseLsn('0/16B3748'), 0x16b3748n);
    assert.equal(parseLsn('1/0'), 1n << 32n);
    assert.equal(formatLsn(0xffffffff_0000000an), 'FFFFFFFF/A');
    assert.equal(parsePosition('0/16b3748'), 'pg:0/16B3748');
    assert.equal(parsePosition('pg:0/16B3748'), 'pg:0/16B3748');
    assert.throws(() => parsePosition('mysql:bin.000001:4'), /give an LSN such as 0\/16B3748 .* or a position such as pg:0\/16B3748/);
    assert.throws(() => parsePosition('16B3748'), /not a PostgreSQL position/);
    // Beyond 2^53: string or float comparison would get these wrong.
    assert.equal(comparePositions('pg:FFFFFFFF/FFFFFFFE', 'pg:FFFFFFFF/FFFFFFFF'), -1);
    assert.equal(comparePositions('pg:A/0', 'pg:9/FFFFFFFF'), 1);
    assert.equal(comparePositions('pg:0/10', '0/10'), 0);
    assert.equal(lsnOfPosition('pg:1/2'), (1n << 32n) + 2n);
  });

  it('decodes an Update with an old key and an unchanged TOAST column', () => {
    const tuple = (cols: (string | null | 'u')[]): Buffer[] => {
      const parts: Buffer[] = [Buffer.from([0, cols.length >> 8, cols.length & 0xff]).subarray(1)];
      for (const c of cols) {
        if (c === null) parts.push(Buffer.from('n'));
        else if (c === 'u') parts.push(Buffer.from('u'));
        else {
          const text = Buffer.from(c);
          const len = Buffer.alloc(4);
          len.writeUInt32BE(text.length);
          parts.push(Buffer.from('t'), len, text);
        }
      }
      return parts;
    };
    const rel = Buffer.alloc(4);
    rel.writeUInt32BE(16385);
    const msg = Buffer.concat([Buffer.from('U'), rel, Buffer.from('K'), ...tuple(['1', null, null]), Buffer.from('N'), ...tuple(['2', 'ä\t', 'u'])]);
    assert.deepEqual(decodePgoutput(msg), { tag: 'update', relationId: 16385, oldKind: 'key', before: ['1', null, null], after: ['2', 'ä\t', unchangedToast] });
    assert.throws(() => decodePgoutput(Buffer.from('Z')), /unknown message type "Z"/);
  });
});

describe('PostgreSQL change capture', () => {
  it('passes the prerequisites of the local server', async () => {
    await withCapture('prereq', '', async ({ capture }) => {
      await capture.checkPrerequisites(signal());
    });
  });

  it('refuses a user without the REPLICATION attribute, naming the fix', async () => {
    await withCapture('norepl', '', async ({ db }) => {
      const role = `opendms_it_norepl_${uniqueSuffix()}`;
      await pgExec(`CREATE ROLE ${role} LOGIN`);
      try {
        const capture = await openPostgresChangeCapture({ ...params(db), username: role }, signal());
        try {
          await rejectsWith(capture.checkPrerequisites(signal()), 'not-configured', new RegExp(`the user ${role} may not use replication`), new RegExp(`ALTER ROLE ${role} WITH REPLICATION`));
        } finally {
          await capture.close();
        }
      } finally {
        await pgExec(`DROP ROLE ${role}`);
      }
    });
  });

  it('prepares idempotently: the task-named slot, publications that follow the tables, a keyless table apart', async () => {
    const setup = `CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE nokey (v text);
                   CREATE TABLE full_ident (v text); ALTER TABLE full_ident REPLICA IDENTITY FULL;`;
    await withCapture('prepare', setup, async ({ db, taskId, capture }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a'), t('nokey'), t('full_ident')] };
      const slot = slotOf(taskId);
      try {
        const first = await capture.prepare(opts, signal());
        assert.match(first, /^pg:[0-9A-F]+\/[0-9A-F]+$/);
        assert.equal(first, `pg:${await confirmedFlush(slot)}`, 'the new slot decodes from the returned position');
        const members = async (): Promise<string[]> =>
          (await pgQuery<{ m: string }>(db, `SELECT pubname || ':' || tablename AS m FROM pg_publication_tables WHERE pubname LIKE $1 ORDER BY 1`, [`${slot}%`])).map((r) => r.m);
        assert.deepEqual(await members(), [`${slot}:a`, `${slot}:full_ident`, `${slot}_ins:nokey`]);
        const pubs = await pgQuery(db, 'SELECT pubname, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication ORDER BY pubname');
        assert.deepEqual(pubs, [
          { pubname: slot, pubinsert: true, pubupdate: true, pubdelete: true, pubtruncate: true },
          { pubname: `${slot}_ins`, pubinsert: true, pubupdate: false, pubdelete: false, pubtruncate: true },
        ]);
        // The source's own UPDATE and DELETE of the keyless table still work.
        await pgExec(`INSERT INTO nokey VALUES ('x'); UPDATE nokey SET v = 'y'; DELETE FROM nokey`, db);

        // Again, with other tables: same slot and position, membership updated.
        await pgExec('INSERT INTO a VALUES (1)', db);
        const second = await capture.prepare({ ...opts, tables: [t('b')] }, signal());
        assert.equal(second, first);
        assert.deepEqual(await members(), [`${slot}:b`]);
        assert.equal((await pgQuery(db, 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).length, 1);
      } finally {
        await capture.release(opts, signal());
      }
      assert.equal(await slotRow(slot), undefined, 'release dropped the slot');
      assert.deepEqual(await pgQuery(db, 'SELECT pubname FROM pg_publication'), [], 'release dropped the publications');
    });
  });

  it('refuses another decoding plugin, a SlotName that does not exist, and keeps a user slot on release', async () => {
    await withCapture('userslot', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ db, taskId, capture }) => {
      const base: CaptureOptions = { taskId, tables: [t('a')] };
      await rejectsWith(capture.prepare({ ...base, pluginName: 'test_decoding' }, signal()), 'not-configured', /PluginName is test_decoding.*pgoutput only/, /PluginName to pgoutput/);
      const userSlot = `user_slot_${uniqueSuffix()}`;
      await rejectsWith(capture.prepare({ ...base, slotName: userSlot }, signal()), 'not-configured', new RegExp(`"${userSlot}" named by the endpoint's SlotName does not exist`), /pg_create_logical_replication_slot/);
      await rejectsWith(capture.prepare({ ...base, slotName: 'Bad-Name' }, signal()), 'not-configured', /not a replication slot name/);

      const [created] = await pgQuery<{ lsn: string }>(db, `SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [userSlot]);
      const opts: CaptureOptions = { ...base, slotName: userSlot, pluginName: 'pgoutput' };
      try {
        assert.equal(await capture.prepare(opts, signal()), `pg:${created!.lsn}`);
      } finally {
        await capture.release(opts, signal());
      }
      assert.ok(await slotRow(userSlot), "release keeps the user's slot");
      assert.equal(await slotRow(slotOf(taskId)), undefined, 'no task slot was made');
    });
  });

  it('streams every kind of change with exact values, only of the selected tables, one transaction per commit', async () => {
    const setup = `
      CREATE TABLE typed (id int PRIMARY KEY, n numeric, t text, b bool, by bytea, ts timestamptz, d date, j jsonb,
                          u uuid, ia int[], ta text[], f float8, e text, big text);
      ALTER TABLE typed ALTER big SET STORAGE EXTERNAL;
      CREATE TABLE other (id int PRIMARY KEY, v text);
      CREATE TABLE keyless (a int, b text);`;
    await withCapture('changes', setup, async ({ db, taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('typed'), t('keyless')] };
      const columns = ['id', 'n', 't', 'b', 'by', 'ts', 'd', 'j', 'u', 'ia', 'ta', 'f', 'e', 'big'];
      const row = async (id: number): Promise<Row> => (await canonicalRows(db, `SELECT ${columns.join(', ')} FROM typed WHERE id = ${id}`, { 3: 'bool', 4: 'bytea' }))[0]!;
      const without = (r: Row, drop: string): Row => r.filter((_, i) => columns[i] !== drop);
      const startedAt = Date.now();
      await withStream(capture, opts, async ({ from, reader }) => {
        assert.deepEqual(await reader.next(), {
          kind: 'warning',
          message:
            'table "public"."keyless" has no primary key or replica identity: only INSERT and TRUNCATE are captured; ' +
            'ALTER TABLE "public"."keyless" REPLICA IDENTITY FULL (or add a primary key) to capture UPDATE and DELETE',
        });

        const expected: SourceTransaction['changes'][] = [];
        const typed = t('typed');
        await src.query(`INSERT INTO typed VALUES (1, 12345678901234567890.123456789, E'tab\\there\\nnew line \\\\ backslash \u{1F600} ''q''',
          true, '\\x00ff10', '2024-02-29 13:14:15.123456+02', '2024-02-29', '{"a": [1, 2, {"b": null}]}',
          'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{1,2,NULL}', '{"x y","q\\"uote",NULL}', 0.1, '', NULL)`);
        const row1 = await row(1);
        // The canonical forms themselves, not only "what SELECT says".
        assert.deepEqual(row1, [
          '1', '12345678901234567890.123456789', "tab\there\nnew line \\ backslash \u{1F600} 'q'", true, Buffer.from([0, 255, 16]),
          '2024-02-29 11:14:15.123456+00', '2024-02-29', '{"a": [1, 2, {"b": null}]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
          '{1,2,NULL}', '{"x y","q\\"uote",NULL}', '0.1', '', null,
        ]);
        expected.push([{ kind: 'insert', table: typed, columns, after: row1 }]);

        await src.query(`INSERT INTO typed (id, b, e, big) VALUES (2, false, NULL, repeat('x', 100000) || 'end')`);
        const row2 = await row(2);
        expected.push([{ kind: 'insert', table: typed, columns, after: row2 }]);

        await src.query(`UPDATE typed SET t = 'changed' WHERE id = 1`);
        expected.push([{ kind: 'update', table: typed, columns, after: await row(1) }]);

        await src.query(`UPDATE typed SET id = 10 WHERE id = 1`);
        expected.push([{ kind: 'update', table: typed, columns, after: await row(10), beforeColumns: ['id'], before: ['1'] }]);

        // big is TOASTed and untouched: PostgreSQL does not send it, so it is left out.
        await src.query(`UPDATE typed SET n = 5 WHERE id = 2`);
        expected.push([{ kind: 'update', table: typed, columns: columns.filter((c) => c !== 'big'), after: without(await row(2), 'big') }]);

        await src.query(`DELETE FROM typed WHERE id = 10`);
        expected.push([{ kind: 'delete', table: typed, beforeColumns: ['id'], before: ['10'] }]);

        await src.query('BEGIN');
        await src.query(`INSERT INTO typed (id, t) VALUES (3, 'three')`);
        const row3 = await canonicalRowIn(src, columns, 3);
        await src.query(`UPDATE typed SET t = 'THREE', b = true WHERE id = 3`);
        const row3b = await canonicalRowIn(src, columns, 3);
        await src.query(`INSERT INTO other VALUES (1, 'not selected')`);
        await src.query(`DELETE FROM typed WHERE id = 2`);
        await src.query('COMMIT');
        expected.push([
          { kind: 'insert', table: typed, columns, after: row3 },
          { kind: 'update', table: typed, columns, after: row3b },
          { kind: 'delete', table: typed, beforeColumns: ['id'], before: ['2'] },
        ]);

        await src.query('BEGIN');
        await src.query(`INSERT INTO typed (id) VALUES (4)`);
        await src.query('ROLLBACK');
        await src.query(`INSERT INTO other VALUES (2, 'not selected either')`);

        await src.query(`INSERT INTO keyless VALUES (1, 'a')`);
        expected.push([{ kind: 'insert', table: t('keyless'), columns: ['a', 'b'], after: ['1', 'a'] }]);
        // The source's own UPDATE and DELETE of the keyless table must still work; they are not captured.
        assert.equal((await src.query(`UPDATE keyless SET b = 'b'`)).rowCount, 1);
        assert.equal((await src.query(`DELETE FROM keyless`)).rowCount, 1);

        await src.query('TRUNCATE typed');
        expected.push([{ kind: 'truncate', tables: [typed] }]);

        // A last marker: whatever should not be delivered would have come before it.
        await src.query(`INSERT INTO typed (id) VALUES (5)`);
        expected.push([{ kind: 'insert', table: typed, columns, after: ['5', ...columns.slice(1).map(() => null)] }]);

        const got = await reader.transactions(expected.length);
        assert.deepEqual(got.map((tx) => tx.changes), expected);

        for (let i = 0; i < got.length; i++) {
          const tx = got[i]!;
          assert.match(tx.position, /^pg:[0-9A-F]+\/[0-9A-F]+$/);
          if (i > 0) assert.ok(comparePositions(got[i - 1]!.position, tx.position) < 0, 'positions increase');
          assert.ok(comparePositions(from, tx.position) < 0, 'after the prepared position');
          assert.match(tx.xid ?? '', /^\d+$/);
          assert.ok(tx.commitTime.getTime() >= startedAt - 2_000 && tx.commitTime.getTime() <= Date.now() + 2_000, `commit time ${tx.commitTime.toISOString()}`);
        }
        assert.ok(reader.notices.every((n) => n.kind === 'idle'), 'no other warnings');
      });
    });
  });

  it('REPLICA IDENTITY FULL: the whole old row comes, and an unchanged TOAST value is taken from it', async () => {
    const setup = `CREATE TABLE f (id int, note text, big text); ALTER TABLE f REPLICA IDENTITY FULL; ALTER TABLE f ALTER big SET STORAGE EXTERNAL;
                   INSERT INTO f VALUES (1, 'one', repeat('y', 50000))`;
    await withCapture('full', setup, async ({ taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('f')] };
      await withStream(capture, opts, async ({ reader }) => {
        await src.query(`UPDATE f SET note = 'uno'`);
        await src.query(`DELETE FROM f`);
        const [upd, del] = await reader.transactions(2);
        const big = 'y'.repeat(50000);
        assert.deepEqual(upd!.changes, [
          { kind: 'update', table: t('f'), columns: ['id', 'note', 'big'], after: ['1', 'uno', big], beforeColumns: ['id', 'note', 'big'], before: ['1', 'one', big] },
        ]);
        assert.deepEqual(del!.changes, [{ kind: 'delete', table: t('f'), beforeColumns: ['id', 'note', 'big'], before: ['1', 'uno', big] }]);
        assert.deepEqual(reader.notices.filter((n) => n.kind === 'warning'), [], 'a table with REPLICA IDENTITY FULL is captured whole');
      });
    });
  });

  it('acknowledges (confirmed_flush_lsn follows, never backwards), resumes after an acknowledged position, and reports idle positions', async () => {
    const setup = 'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE other (id int PRIMARY KEY)';
    await withCapture('ack', setup, async ({ taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const slot = slotOf(taskId);
      const streams: ChangeStream[] = [];
      try {
        const from = await capture.prepare(opts, signal());
        const s1 = await capture.openStream(opts, from, signal());
        streams.push(s1);
        const r1 = new Reader(s1);
        await src.query('INSERT INTO a VALUES (1)');
        await src.query('INSERT INTO a VALUES (2)');
        const [txA, txB] = await r1.transactions(2);
        await s1.acknowledge(txA!.position);
        await eventually(async () => `pg:${await confirmedFlush(slot)}` === txA!.position, 5_000, `confirmed_flush_lsn reaches ${txA!.position}`);

        // Changes of other tables only: the stream tells the server's newer position.
        await src.query('INSERT INTO other VALUES (1)');
        for (;;) {
          const v = await r1.next(20_000);
          assert.ok(!('changes' in v), 'no transaction of the other table');
          if (v.kind === 'idle' && comparePositions(v.position, txB!.position) > 0) {
            assert.ok(Math.abs(v.sourceTime.getTime() - Date.now()) < 60_000);
            break;
          }
        }
        await s1.acknowledge(txB!.position);
        await s1.acknowledge(txA!.position); // older: nothing moves back
        await sleep(300);
        assert.equal(`pg:${await confirmedFlush(slot)}`, txB!.position);
        await s1.acknowledge(txA!.position);
        await s1.close();
        await eventually(async () => (await slotRow(slot))?.active === false, 5_000, 'the slot is free again');

        // Resume after A (older than confirmed B: PostgreSQL starts at B, which is fine, A is never repeated).
        const s2 = await capture.openStream(opts, txA!.position, signal());
        streams.push(s2);
        const r2 = new Reader(s2);
        await src.query('INSERT INTO a VALUES (3)');
        const next = await r2.transaction();
        assert.deepEqual(next.changes, [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['3'] }]);
        await s2.close();

        // Resume exactly after B on a fresh slot position: only later transactions.
        const s3 = await capture.openStream(opts, next.position, signal());
        streams.push(s3);
        const r3 = new Reader(s3);
        await src.query('INSERT INTO a VALUES (4)');
        const last = await r3.transaction();
        assert.deepEqual(last.changes, [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['4'] }]);
      } finally {
        for (const s of streams) await s.close();
        await capture.release(opts, signal());
      }
    });
  });

  it('says history-lost when the slot was dropped', async () => {
    await withCapture('lost', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ taskId, capture }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const slot = slotOf(taskId);
      try {
        const from = await capture.prepare(opts, signal());
        await pgExec(`SELECT pg_drop_replication_slot('${slot}')`);
        await rejectsWith(capture.openStream(opts, from, signal()), 'history-lost', new RegExp(`"${slot}"`), reloadHint);
      } finally {
        await capture.release(opts, signal());
      }
    });
  });

  it('release ends a running stream of the task, drops its slot and publications', async () => {
    await withCapture('release', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ db, taskId, capture }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const slot = slotOf(taskId);
      await withStream(capture, opts, async ({ reader }) => {
        const pending = reader.transaction(15_000);
        pending.catch(() => undefined);
        assert.equal((await slotRow(slot))?.active, true);
        await capture.release(opts, signal());
        assert.equal(await slotRow(slot), undefined);
        assert.deepEqual(await pgQuery(db, 'SELECT pubname FROM pg_publication'), []);
        await rejectsWith(pending, 'network', /ended the replication connection of slot ".*": terminating connection due to administrator command/);
      });
    });
  });

  it('ends promptly when its signal aborts: the iteration rejects with the reason and the connection closes', async () => {
    await withCapture('abort', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ taskId, capture }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const slot = slotOf(taskId);
      const controller = new AbortController();
      await withStream(
        capture,
        opts,
        async ({ from, reader }) => {
          // Waits for a transaction (none comes): a keepalive's idle notice would settle next() first.
          const pending = reader.transaction(10_000);
          pending.catch(() => undefined);
          assert.equal((await slotRow(slot))?.active, true);
          const reason = new Error('stop now');
          const t0 = Date.now();
          controller.abort(reason);
          await assert.rejects(pending, (e: unknown) => e === reason);
          assert.ok(Date.now() - t0 < 1_000, 'promptly');
          await eventually(async () => (await slotRow(slot))?.active === false, 5_000, 'the walsender is gone');
          // And an openStream with an aborted signal does not start.
          await assert.rejects(capture.openStream(opts, from, controller.signal), (e: unknown) => e === reason);
        },
        { signal: controller.signal },
      );
    });
  });

  it('pauses the socket while the consumer does not pull (bounded memory), and delivers everything once it does', async () => {
    await withCapture('pressure', 'CREATE TABLE big (id int PRIMARY KEY, v text)', async ({ taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('big')] };
      const count = 40;
      await withStream(capture, opts, async ({ stream, reader }) => {
        // 40 transactions of 1 MB each (pgoutput sends the values whole).
        for (let i = 1; i <= count; i++) await src.query(`INSERT INTO big VALUES ($1::int, repeat(md5($1::int::text), 32768))`, [i]);
        const rs = stream as ReplicationStream;
        await eventually(async () => rs.isPaused, 15_000, 'the socket is paused');
        await sleep(500);
        assert.ok(rs.bufferedBytes < 12 * 1024 * 1024, `buffered ${rs.bufferedBytes} bytes`);
        const got = await reader.transactions(count);
        assert.deepEqual(
          got.map((tx) => tx.changes[0]!.kind === 'insert' && tx.changes[0]!.after[0]),
          Array.from({ length: count }, (_, i) => String(i + 1)),
        );
        assert.equal(((got[7]!.changes[0] as { after: Row }).after[1] as string).length, 32 * 32768);
        assert.equal(rs.isPaused, false);
      });
    });
  });
});

describe('PostgreSQL change capture: source DDL', () => {
  const eventTriggers = async (db: string): Promise<string[]> =>
    (await pgQuery<{ evtname: string }>(db, `SELECT evtname FROM pg_event_trigger WHERE evtname LIKE 'opendms%' ORDER BY 1`)).map((r) => r.evtname);
  const ddlFunction = async (db: string): Promise<number> =>
    (await pgQuery(db, `SELECT 1 FROM pg_proc WHERE proname = 'opendms_intercept_ddl'`)).length;
  const alter = (name: string, statement?: string): Change => ({ kind: 'ddl', action: 'alter', table: t(name), ...(statement ? { statement } : {}) });

  it('ALTER TABLE of a selected table: an alter at the DDL (event trigger) and before the next change (new Relation), which has the new columns', async () => {
    await withCapture('ddlalter', 'CREATE TABLE a (id int PRIMARY KEY, v varchar(10)); CREATE TABLE other (id int PRIMARY KEY)', async ({ db, taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const installed = async (): Promise<void> =>
        assert.deepEqual(await eventTriggers(db), ['opendms_intercept_ddl_drop', 'opendms_intercept_ddl_end'], 'prepare installed the event triggers');
      await withStream(
        capture,
        opts,
        async ({ reader }) => {
          await src.query(`INSERT INTO a VALUES (1, 'x')`);
          await src.query('ALTER TABLE a ADD COLUMN extra int DEFAULT 7');
          await src.query(`INSERT INTO a VALUES (2, 'y', 8)`);
          await src.query('ALTER TABLE a ALTER COLUMN v TYPE text');
          await src.query(`INSERT INTO a VALUES (3, 'z', 9)`);
          await src.query('ALTER TABLE a RENAME COLUMN extra TO renamed');
          // Not selected: nothing.
          await src.query('ALTER TABLE other ADD COLUMN w text');
          await src.query(`INSERT INTO other VALUES (1, 'w')`);
          // Rolled back: nothing either.
          await src.query('BEGIN');
          await src.query('ALTER TABLE a ADD COLUMN gone int');
          await src.query('ROLLBACK');
          await src.query(`INSERT INTO a VALUES (4, 'marker', 10)`);
          const got = await reader.transactions(7);
          assert.deepEqual(
            got.map((tx) => tx.changes),
            [
              [{ kind: 'insert', table: t('a'), columns: ['id', 'v'], after: ['1', 'x'] }],
              [alter('a', 'ALTER TABLE')],
              [alter('a'), { kind: 'insert', table: t('a'), columns: ['id', 'v', 'extra'], after: ['2', 'y', '8'] }],
              [alter('a', 'ALTER TABLE')],
              [alter('a'), { kind: 'insert', table: t('a'), columns: ['id', 'v', 'extra'], after: ['3', 'z', '9'] }],
              [alter('a', 'ALTER TABLE')],
              [alter('a'), { kind: 'insert', table: t('a'), columns: ['id', 'v', 'renamed'], after: ['4', 'marker', '10'] }],
            ],
          );
          assert.deepEqual(reader.notices.filter((n) => n.kind === 'warning'), [], 'a superuser: no warning');
        },
        { beforeOpen: installed },
      );
    });
  });

  it('CREATE TABLE: a create of any table; after watch() its changes stream (a keyless one insert-only, with a warning)', async () => {
    await withCapture('ddlcreate', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ db, taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      const slot = slotOf(taskId);
      await withStream(capture, opts, async ({ stream, reader }) => {
        assert.equal(typeof stream.watch, 'function');
        await src.query('CREATE TABLE fresh (id int PRIMARY KEY, v text)');
        await src.query(`INSERT INTO fresh VALUES (1, 'before watch')`);
        await src.query('CREATE TEMP TABLE scratch (id int)');
        await src.query('BEGIN');
        await src.query('CREATE TABLE never (id int)');
        await src.query('ROLLBACK');
        await src.query('CREATE TABLE copied AS SELECT 1 AS id');
        await src.query('CREATE TABLE nokey (v text)');
        const created = await reader.transactions(3);
        assert.deepEqual(
          created.map((tx) => tx.changes),
          [
            [{ kind: 'ddl', action: 'create', table: t('fresh'), statement: 'CREATE TABLE' }],
            [{ kind: 'ddl', action: 'create', table: t('copied'), statement: 'CREATE TABLE AS' }],
            [{ kind: 'ddl', action: 'create', table: t('nokey'), statement: 'CREATE TABLE' }],
          ],
        );

        assert.deepEqual(await stream.watch!(t('fresh'), signal()), { snapshot: true });
        assert.deepEqual(await stream.watch!(t('fresh'), signal()), { snapshot: true }, 'again: nothing changes');
        assert.deepEqual(await stream.watch!(t('nokey'), signal()), { snapshot: true });
        const members = await pgQuery<{ m: string }>(db, `SELECT pubname || ':' || tablename AS m FROM pg_publication_tables WHERE pubname LIKE $1 ORDER BY 1`, [`${slot}%`]);
        assert.deepEqual(members.map((r) => r.m), [`${slot}:a`, `${slot}:fresh`, `${slot}_ins:nokey`]);

        await src.query(`INSERT INTO fresh VALUES (2, 'after watch')`);
        await src.query(`UPDATE fresh SET v = 'updated' WHERE id = 1`);
        await src.query(`INSERT INTO nokey VALUES ('k')`);
        await src.query('ALTER TABLE fresh ADD COLUMN n int');
        const after = await reader.transactions(4);
        assert.deepEqual(
          after.map((tx) => tx.changes),
          [
            [{ kind: 'insert', table: t('fresh'), columns: ['id', 'v'], after: ['2', 'after watch'] }],
            [{ kind: 'update', table: t('fresh'), columns: ['id', 'v'], after: ['1', 'updated'] }],
            [{ kind: 'insert', table: t('nokey'), columns: ['v'], after: ['k'] }],
            [alter('fresh', 'ALTER TABLE')],
          ],
        );
        assert.deepEqual(
          reader.notices.filter((n) => n.kind === 'warning').map((n) => n.kind === 'warning' && n.message),
          [
            'table "public"."nokey" has no primary key or replica identity: only INSERT and TRUNCATE are captured; ' +
              'ALTER TABLE "public"."nokey" REPLICA IDENTITY FULL (or add a primary key) to capture UPDATE and DELETE',
          ],
        );
      });
    });
  });

  it('DROP TABLE of a selected table: a drop (of other tables: nothing)', async () => {
    const setup = 'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE other (id int); CREATE SCHEMA s; CREATE TABLE s.c (id int PRIMARY KEY)';
    await withCapture('ddldrop', setup, async ({ taskId, capture, src }) => {
      const c: TableRef = { schema: 's', name: 'c' };
      const opts: CaptureOptions = { taskId, tables: [t('a'), t('b'), c] };
      await withStream(capture, opts, async ({ reader }) => {
        await src.query('INSERT INTO a VALUES (1)');
        await src.query('DROP TABLE a');
        await src.query('DROP TABLE other');
        await src.query('BEGIN');
        await src.query('DROP TABLE b');
        await src.query('ROLLBACK');
        // A table dropped with its schema is dropped too.
        await src.query('DROP SCHEMA s CASCADE');
        await src.query('INSERT INTO b VALUES (1)');
        const got = await reader.transactions(4);
        assert.deepEqual(
          got.map((tx) => tx.changes),
          [
            [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['1'] }],
            [{ kind: 'ddl', action: 'drop', table: t('a'), statement: 'DROP TABLE' }],
            [{ kind: 'ddl', action: 'drop', table: c, statement: 'DROP TABLE' }],
            [{ kind: 'insert', table: t('b'), columns: ['id'], after: ['1'] }],
          ],
        );
      });
    });
  });

  it('a stream reopened with the first options (a reconnect) keeps the watched tables and leaves out a dropped one', async () => {
    await withCapture('ddlreopen', 'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)', async ({ db, taskId, capture, src }) => {
      const opts: CaptureOptions = { taskId, tables: [t('a'), t('b')] };
      const slot = slotOf(taskId);
      const streams: ChangeStream[] = [];
      try {
        const from = await capture.prepare(opts, signal());
        const s1 = await capture.openStream(opts, from, signal());
        streams.push(s1);
        const r1 = new Reader(s1);
        await src.query('CREATE TABLE fresh (id int PRIMARY KEY)');
        const [created] = await r1.transactions(1);
        await s1.watch!(t('fresh'), signal());
        await src.query('DROP TABLE a');
        const [dropped] = await r1.transactions(1);
        assert.deepEqual(dropped!.changes, [{ kind: 'ddl', action: 'drop', table: t('a'), statement: 'DROP TABLE' }]);
        await s1.close();
        await eventually(async () => (await slotRow(slot))?.active === false, 5_000, 'the slot is free again');

        // From before the DROP: it comes again (the table is still selected), then the new rows.
        const s2 = await capture.openStream(opts, created!.position, signal());
        streams.push(s2);
        const r2 = new Reader(s2);
        const members = await pgQuery<{ m: string }>(db, `SELECT pubname || ':' || tablename AS m FROM pg_publication_tables WHERE pubname LIKE $1 ORDER BY 1`, [`${slot}%`]);
        assert.deepEqual(members.map((r) => r.m), [`${slot}:b`, `${slot}:fresh`]);
        await src.query('INSERT INTO fresh VALUES (1)');
        await src.query('INSERT INTO b VALUES (1)');
        const got = await r2.transactions(3);
        assert.deepEqual(
          got.map((tx) => tx.changes),
          [
            [{ kind: 'ddl', action: 'drop', table: t('a'), statement: 'DROP TABLE' }],
            [{ kind: 'insert', table: t('fresh'), columns: ['id'], after: ['1'] }],
            [{ kind: 'insert', table: t('b'), columns: ['id'], after: ['1'] }],
          ],
        );
        assert.deepEqual(
          r2.notices.filter((n) => n.kind === 'warning').map((n) => n.kind === 'warning' && n.message),
          ['table "public"."a" selected for change capture does not exist any more (dropped on the source): nothing to capture'],
        );
      } finally {
        for (const s of streams) await s.close();
        await capture.release(opts, signal());
      }
    });
  });

  it('release drops the event triggers and their function with the last task of the database only', async () => {
    await withCapture('ddlrelease', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ db, taskId, capture }) => {
      const first: CaptureOptions = { taskId, tables: [t('a')] };
      const second: CaptureOptions = { taskId: `${taskId}-second`, tables: [t('a')] };
      try {
        await capture.prepare(first, signal());
        // An older body (an earlier OpenDMS) is replaced by the next prepare.
        await pgExec(`CREATE OR REPLACE FUNCTION public.opendms_intercept_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$`, db);
        await capture.prepare(second, signal());
        assert.equal((await eventTriggers(db)).length, 2);
        const [fn] = await pgQuery<{ src: string; secdef: boolean; config: string[] }>(
          db,
          `SELECT prosrc AS src, prosecdef AS secdef, proconfig AS config FROM pg_proc WHERE proname = 'opendms_intercept_ddl'`,
        );
        assert.match(fn!.src, /pg_logical_emit_message/);
        assert.equal(fn!.secdef, true);
        assert.deepEqual(fn!.config, ['search_path=pg_catalog']);
        await capture.release(first, signal());
        assert.equal((await eventTriggers(db)).length, 2, 'the other task still uses them');
        assert.equal(await ddlFunction(db), 1);
        await capture.release(second, signal());
        assert.deepEqual(await eventTriggers(db), [], 'the last task took them away');
        assert.equal(await ddlFunction(db), 0);
        // A second release finds nothing to do.
        await capture.release(second, signal());
      } finally {
        await capture.release(first, signal());
        await capture.release(second, signal());
      }
    });
  });

  it('without a superuser: a warning once, and column changes still come from the Relation message', async () => {
    await withCapture('ddlnosuper', 'CREATE TABLE a (id int PRIMARY KEY)', async ({ db, taskId, src }) => {
      const role = `opendms_it_repl_${uniqueSuffix()}`;
      await pgExec(`CREATE ROLE ${role} LOGIN REPLICATION`);
      await pgExec(`GRANT CREATE ON DATABASE ${db} TO ${role}; ALTER TABLE a OWNER TO ${role}`, db);
      const opts: CaptureOptions = { taskId, tables: [t('a')] };
      let capture: ChangeCapture | undefined;
      let stream: ChangeStream | undefined;
      try {
        capture = await openPostgresChangeCapture({ ...params(db), username: role }, signal());
        const from = await capture.prepare(opts, signal());
        assert.deepEqual(await eventTriggers(db), [], 'nothing installed');
        stream = await capture.openStream(opts, from, signal());
        const reader = new Reader(stream);
        const first = await reader.next();
        assert.ok('kind' in first && first.kind === 'warning', 'a warning first');
        assert.match(
          first.message,
          new RegExp(`^tables created or dropped on the source are not captured \\(.*event triggers need a superuser, and ${role} is not one\\); column changes of captured tables still are`),
        );
        await src.query('INSERT INTO a VALUES (1)');
        await src.query('ALTER TABLE a ADD COLUMN v text');
        await src.query('CREATE TABLE unseen (id int)');
        await src.query(`INSERT INTO a VALUES (2, 'two')`);
        const got = await reader.transactions(2);
        assert.deepEqual(
          got.map((tx) => tx.changes),
          [
            [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['1'] }],
            [alter('a'), { kind: 'insert', table: t('a'), columns: ['id', 'v'], after: ['2', 'two'] }],
          ],
        );
        assert.deepEqual(reader.notices.filter((n) => n.kind === 'warning'), [], 'the warning came once');
      } finally {
        await stream?.close();
        await capture?.release(opts, signal());
        await capture?.close();
        await dropSlotsOf(db);
        await pgExec(`DROP OWNED BY ${role}`, db);
        await pgExec(`DROP ROLE ${role}`);
      }
    });
  });
});

/** One row of `typed` as the open transaction on `client` sees it, canonical. */
async function canonicalRowIn(client: pg.Client, columns: readonly string[], id: number): Promise<Row> {
  await client.query(dataSessionSettings);
  const r = await client.query({ text: `SELECT ${columns.join(', ')} FROM typed WHERE id = ${id}`, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
  return (r.rows[0] as (string | null)[]).map((v, i) => (v === null ? null : i === 3 ? v === 't' : i === 4 ? Buffer.from(v.slice(2), 'hex') : v));
}
