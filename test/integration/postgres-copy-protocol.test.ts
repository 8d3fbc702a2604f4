/**
 * COPY at the protocol level (postgres-copy-protocol.ts) against a real PostgreSQL, with
 * pg-copy-streams (an independent implementation) as the oracle for what the server sent:
 * rows split across socket reads, binary header and trailer, empty tables, a server error
 * in the middle of the rows, a refused COPY IN, and a reader stopped early. After each, the
 * connection must still answer queries (the socket went back to pg's parser).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { CopyChunk } from '../../src/connectors/spi/index.js';
import { binaryCopyHeader, binaryCopyTrailer } from '../../src/connectors/spi/index.js';
import { CopyIn, copyOut } from '../../src/connectors/postgres/postgres-copy-protocol.js';
import { pgConnect, pgCreateDatabase, pgDropDatabase, uniqueSuffix } from '../helpers/databases.js';

const db = `copyproto_${uniqueSuffix()}`;
let client: pg.Client;

before(async () => {
  await pgCreateDatabase(db);
  client = await pgConnect(db);
  await client.query(`
    CREATE TABLE t (id int PRIMARY KEY, note text, big text, n numeric, at timestamptz);
    INSERT INTO t SELECT i, 'row ' || i || E' tab\\there', CASE WHEN i % 50 = 0 THEN repeat('x', 300000 + i) END,
      i * 1.5, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
      FROM generate_series(1, 3000) i;
    CREATE TABLE empty (id int);
    CREATE TABLE dst (LIKE t);`);
});

after(async () => {
  await client?.end();
  await pgDropDatabase(db);
});

/** What pg-copy-streams reads for `sql`: the rows' bytes, as the server formatted them. */
async function oracle(sql: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The payloads of CopyData messages, joined. */
function unframe(chunks: readonly CopyChunk[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    assert.equal(c.encoding.framing, 'messages');
    let rows = 0;
    for (let pos = 0; pos < c.bytes.length; rows++) {
      assert.equal(c.bytes[pos], 0x64, 'a CopyData message');
      const end = pos + 1 + c.bytes.readUInt32BE(pos + 1);
      parts.push(c.bytes.subarray(pos + 5, end));
      pos = end;
    }
    assert.equal(rows, c.rows, 'a chunk counts its messages as rows');
  }
  return Buffer.concat(parts);
}

async function collect(sql: string, format: 'text' | 'binary', columns: number): Promise<CopyChunk[]> {
  const chunks: CopyChunk[] = [];
  for await (const c of copyOut(client, sql, { format, columns, signal: new AbortController().signal })) chunks.push(c);
  return chunks;
}

const stillUsable = async (): Promise<void> => assert.equal((await client.query<{ v: number }>('SELECT 41 + 1 AS v')).rows[0]!.v, 42);

describe('COPY at the protocol level', () => {
  it('text: the same bytes as pg-copy-streams reads, one row per message, rows far larger than a socket read', async () => {
    const sql = 'COPY t TO STDOUT';
    const chunks = await collect(sql, 'text', 5);
    assert.equal(chunks.reduce((n, c) => n + c.rows, 0), 3000);
    assert.ok(chunks.length > 1, 'the rows came in several chunks');
    assert.deepEqual(unframe(chunks), await oracle(sql));
    await stillUsable();
  });

  it('binary: the tuples without the file header and trailer', async () => {
    const sql = 'COPY t TO STDOUT (FORMAT binary)';
    const chunks = await collect(sql, 'binary', 5);
    assert.equal(chunks.reduce((n, c) => n + c.rows, 0), 3000);
    const whole = await oracle(sql);
    assert.deepEqual(Buffer.concat([binaryCopyHeader, unframe(chunks), binaryCopyTrailer]), whole);
    await stillUsable();
  });

  it('an empty table yields nothing and ends (binary: header and trailer in one message)', async () => {
    assert.deepEqual(await collect('COPY empty TO STDOUT (FORMAT binary)', 'binary', 1), []);
    assert.deepEqual(await collect('COPY empty TO STDOUT', 'text', 1), []);
    await stillUsable();
  });

  it('a server error after some rows rejects with it, and the connection stays usable', async () => {
    let rows = 0;
    await assert.rejects(
      (async () => {
        for await (const c of copyOut(client, 'COPY (SELECT i, 1 / (i - 2500) FROM generate_series(1, 3000) i) TO STDOUT', { format: 'text', columns: 2, signal: new AbortController().signal })) rows += c.rows;
      })(),
      (err: Error & { code?: string }) => err.code === '22012' && /division by zero/.test(err.message),
    );
    assert.ok(rows <= 2499, `at most the rows before the error (${rows})`);
    await stillUsable();
  });

  it('a bad query rejects before any row', async () => {
    await assert.rejects(collect('COPY no_such_table TO STDOUT', 'text', 1), /no_such_table/);
    await stillUsable();
  });

  it('CopyIn takes framed binary chunks straight from copyOut, and plain text chunks', async () => {
    // Read first, then write: one connection runs one statement at a time.
    const chunks = await collect('COPY t TO STDOUT (FORMAT binary)', 'binary', 5);
    await client.query('BEGIN');
    const bin = CopyIn.start(client, 'COPY dst FROM STDIN (FORMAT binary)', 'binary');
    for (const c of chunks) await bin.write(c);
    await bin.end();
    const text = CopyIn.start(client, 'COPY dst FROM STDIN', 'text');
    await text.write(Buffer.from('9001\tplain\t\\N\t1.25\t2024-05-01 00:00:00+00\n'));
    await text.end();
    await client.query('COMMIT');
    const diff = await client.query<{ n: string }>('SELECT count(*) AS n FROM ((TABLE t EXCEPT ALL SELECT * FROM dst WHERE id <> 9001) UNION ALL (SELECT * FROM dst WHERE id <> 9001 EXCEPT ALL TABLE t)) x');
    assert.equal(diff.rows[0]!.n, '0');
    assert.equal((await client.query('SELECT note FROM dst WHERE id = 9001')).rows[0].note, 'plain');
    await client.query('TRUNCATE dst');
  });

  it('a refused COPY IN rejects the write or end with the server error, and the connection stays usable', async () => {
    await client.query('BEGIN');
    const copy = CopyIn.start(client, 'COPY dst FROM STDIN', 'text');
    const bad = (async () => {
      await copy.write(Buffer.from('1\tok\t\\N\t1\t2024-01-01 00:00:00+00\n'));
      await copy.write(Buffer.from('not a number\tx\t\\N\t1\t2024-01-01 00:00:00+00\n'));
      await copy.end();
    })();
    await assert.rejects(bad, (err: Error & { code?: string }) => err.code === '22P02');
    await client.query('ROLLBACK');
    await stillUsable();
  });

  it('a reader stopped after its first chunk leaves a connection that closes without hanging', async () => {
    const c2 = await pgConnect(db);
    let first: CopyChunk | undefined;
    for await (const c of copyOut(c2, 'COPY t TO STDOUT', { format: 'text', columns: 5, signal: new AbortController().signal })) {
      first = c;
      break;
    }
    assert.ok(first && first.rows > 0);
    await Promise.race([c2.end(), new Promise((_, reject) => setTimeout(() => reject(new Error('end() hung')), 5000))]);
  });

  it('an aborted read rejects with the abort reason', async () => {
    const c2 = await pgConnect(db);
    c2.on('error', () => undefined);
    const ac = new AbortController();
    try {
      await assert.rejects(
        (async () => {
          for await (const c of copyOut(c2, 'COPY t TO STDOUT', { format: 'text', columns: 5, signal: ac.signal })) {
            void c;
            ac.abort(new Error('stopped by the test'));
          }
        })(),
        /stopped by the test/,
      );
    } finally {
      c2.connection.stream.destroy();
    }
  });
});
