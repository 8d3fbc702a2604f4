/**
 * PostgreSQL source DDL in the transaction assembler (pure): an `alter` when a Relation message
 * re-describes a known relation with other columns, DdlChanges from OpenDMS's event-trigger
 * messages (create of any table, alter/drop of selected ones only), and the selection growing
 * with select() and losing a dropped table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDdlMessage } from '../../src/connectors/postgres/cdc/ddl-event-triggers.js';
import type { PgoutputMessage, RelationColumn } from '../../src/connectors/postgres/cdc/pgoutput.js';
import { TransactionAssembler, type AssemblerOutput } from '../../src/connectors/postgres/cdc/transaction-assembler.js';
import type { Change, TableRef } from '../../src/connectors/spi/index.js';

const t = (name: string): TableRef => ({ schema: 'public', name });
const int4 = 23;
const text = 25;
const col = (name: string, typeOid = int4, typeModifier = -1, key = false): RelationColumn => ({ name, typeOid, typeModifier, key });
const relation = (id: number, name: string, columns: RelationColumn[]): PgoutputMessage => ({
  tag: 'relation',
  relation: { id, schema: 'public', name, replicaIdentity: 'd', columns },
});
const insert = (relationId: number, ...after: string[]): PgoutputMessage => ({ tag: 'insert', relationId, after });
const ddl = (content: unknown, opts: { transactional?: boolean; prefix?: string } = {}): PgoutputMessage => ({
  tag: 'message',
  transactional: opts.transactional ?? true,
  lsn: 1n,
  prefix: opts.prefix ?? 'opendms_ddl',
  content: Buffer.from(typeof content === 'string' ? content : JSON.stringify(content)),
});

/** Runs `messages` as one transaction; its changes (none: skipped). */
function tx(a: TransactionAssembler, ...messages: PgoutputMessage[]): readonly Change[] {
  a.push({ tag: 'begin', finalLsn: 100n, commitTime: 0n, xid: 7 });
  for (const m of messages) assert.equal(a.push(m), undefined);
  const out = a.push({ tag: 'commit', flags: 0, commitLsn: 100n, endLsn: 101n, commitTime: 0n }) as AssemblerOutput;
  return out.kind === 'transaction' ? out.transaction.changes : [];
}

describe('PostgreSQL DDL in the transaction assembler', () => {
  it('says alter when a known selected relation comes again with other columns, before the change that follows', () => {
    const a = new TransactionAssembler([t('a')]);
    // First sight: no ddl.
    assert.deepEqual(tx(a, relation(1, 'a', [col('id', int4, -1, true)]), insert(1, '1')), [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['1'] }]);
    // Again, the same columns (e.g. after ALTER TABLE ... SET STORAGE): nothing.
    assert.deepEqual(tx(a, relation(1, 'a', [col('id', int4, -1, true)]), insert(1, '2')), [{ kind: 'insert', table: t('a'), columns: ['id'], after: ['2'] }]);
    // A column added.
    assert.deepEqual(tx(a, relation(1, 'a', [col('id', int4, -1, true), col('v', text)]), insert(1, '3', 'x')), [
      { kind: 'ddl', action: 'alter', table: t('a') },
      { kind: 'insert', table: t('a'), columns: ['id', 'v'], after: ['3', 'x'] },
    ]);
    // A type changed, a type modifier changed (varchar(10) -> varchar(20)), a column renamed.
    const varchar = 1043;
    for (const columns of [
      [col('id', 20, -1, true), col('v', text)],
      [col('id', 20, -1, true), col('v', varchar, 14)],
      [col('id', 20, -1, true), col('v', varchar, 24)],
      [col('id', 20, -1, true), col('w', varchar, 24)],
    ]) {
      assert.deepEqual(tx(a, relation(1, 'a', columns))[0], { kind: 'ddl', action: 'alter', table: t('a') });
    }
    // Not selected: no ddl.
    const b = new TransactionAssembler([t('a')]);
    tx(b, relation(2, 'other', [col('id')]));
    assert.deepEqual(tx(b, relation(2, 'other', [col('id'), col('v')]), insert(2, '1', 'x')), []);
  });

  it("turns OpenDMS's event-trigger messages into DdlChanges: create of any table, alter and drop of selected ones", () => {
    const a = new TransactionAssembler([t('a')]);
    const msg = (action: string, name: string, tag: string): PgoutputMessage => ddl({ action, schema: 'public', name, tag });
    assert.deepEqual(tx(a, msg('create', 'fresh', 'CREATE TABLE')), [{ kind: 'ddl', action: 'create', table: t('fresh'), statement: 'CREATE TABLE' }]);
    assert.deepEqual(tx(a, msg('alter', 'fresh', 'ALTER TABLE'), msg('drop', 'fresh', 'DROP TABLE')), [], 'not selected');
    assert.deepEqual(tx(a, msg('alter', 'a', 'ALTER TABLE')), [{ kind: 'ddl', action: 'alter', table: t('a'), statement: 'ALTER TABLE' }]);
    // Someone else's messages, non-transactional ones, and malformed content: ignored.
    assert.deepEqual(
      tx(
        a,
        ddl({ action: 'alter', schema: 'public', name: 'a' }, { prefix: 'other' }),
        ddl({ action: 'alter', schema: 'public', name: 'a' }, { transactional: false }),
        ddl('not json'),
        ddl({ action: 'rename', schema: 'public', name: 'a' }),
      ),
      [],
    );

    // Watched: its changes and DDL come from now on.
    a.select(t('fresh'));
    tx(a, relation(5, 'fresh', [col('id')]));
    assert.deepEqual(tx(a, insert(5, '1'), msg('alter', 'fresh', 'ALTER TABLE')), [
      { kind: 'insert', table: t('fresh'), columns: ['id'], after: ['1'] },
      { kind: 'ddl', action: 'alter', table: t('fresh'), statement: 'ALTER TABLE' },
    ]);
    // Dropped: reported once, then no longer selected (a table created again under the name is new).
    assert.deepEqual(tx(a, msg('drop', 'fresh', 'DROP TABLE')), [{ kind: 'ddl', action: 'drop', table: t('fresh'), statement: 'DROP TABLE' }]);
    assert.equal(a.isSelected(t('fresh')), false);
    assert.deepEqual(tx(a, msg('alter', 'fresh', 'ALTER TABLE')), []);
  });

  it('parses only well-formed DDL messages', () => {
    assert.deepEqual(parseDdlMessage(Buffer.from('{"action":"drop","schema":"s","name":"n\\"q","tag":"DROP TABLE"}')), {
      action: 'drop',
      table: { schema: 's', name: 'n"q' },
      tag: 'DROP TABLE',
    });
    assert.equal(parseDdlMessage(Buffer.from('null')), undefined);
    assert.equal(parseDdlMessage(Buffer.from('{"action":"create","schema":1,"name":"n"}')), undefined);
  });
});
