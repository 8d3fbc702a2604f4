/**
 * TABLE_MAP's optional metadata (binlog_row_metadata=FULL): the column names decoded from
 * hand-built events (fields skipped by length, bounds checked), the names the rows then get
 * (binlog-columns.ts), and the prerequisite warning when the server does not write them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColumnType, TableMapMetadata, decodeTableMap, headerLength } from '../../src/connectors/mysql/cdc/binlog-events.js';
import { CaptureColumnCache, namedColumns } from '../../src/connectors/mysql/cdc/binlog-columns.js';
import type { CaptureColumn } from '../../src/connectors/mysql/cdc/binlog-values.js';
import { binlogRowMetadataWarning } from '../../src/connectors/mysql/cdc/cdc-prerequisites.js';

const lenenc = (n: number): Buffer => {
  if (n < 0xfb) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfc;
  b.writeUInt16LE(n, 1);
  return b;
};
const lstr = (s: string): Buffer => Buffer.concat([lenenc(Buffer.byteLength(s)), Buffer.from(s)]);
const field = (type: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([type]), lenenc(value.length), value]);

/** A TABLE_MAP of d.t (INT, VARCHAR(20) utf8mb4, INT) with the given optional metadata bytes. */
function tableMap(optional: Buffer): Buffer {
  const postHeader = Buffer.from([7, 0, 0, 0, 0, 0, 1, 0]); // table id 7, flags
  return Buffer.concat([
    Buffer.alloc(headerLength),
    postHeader,
    Buffer.from([1]), Buffer.from('d'), Buffer.from([0]),
    Buffer.from([1]), Buffer.from('t'), Buffer.from([0]),
    lenenc(3),
    Buffer.from([ColumnType.LONG, ColumnType.VARCHAR, ColumnType.LONG]),
    lenenc(2), Buffer.from([80, 0]), // VARCHAR(20) * 4 bytes
    Buffer.from([0b110]), // null bitmap
    optional,
  ]);
}

const names = (...n: string[]): Buffer => Buffer.concat(n.map(lstr));

describe('TABLE_MAP optional metadata', () => {
  it('decodes COLUMN_NAME among other fields, skipping unknown ones by length', () => {
    const m = decodeTableMap(
      tableMap(
        Buffer.concat([
          field(TableMapMetadata.SIGNEDNESS, Buffer.from([0b0100_0000])),
          field(TableMapMetadata.DEFAULT_CHARSET, Buffer.from([45])),
          field(TableMapMetadata.COLUMN_NAME, names('id', 'émoji 😀', 'n')),
          field(TableMapMetadata.SIMPLE_PRIMARY_KEY, Buffer.from([0])),
          field(200, Buffer.alloc(300, 1)), // unknown, with a 3-byte length
        ]),
      ),
      undefined,
    );
    assert.equal(m.tableId, 7);
    assert.equal(`${m.database}.${m.table}`, 'd.t');
    assert.deepEqual(m.columns.map((c) => c.type), [ColumnType.LONG, ColumnType.VARCHAR, ColumnType.LONG]);
    assert.deepEqual(m.columnNames, ['id', 'émoji 😀', 'n']);
  });

  it('has no names without optional metadata, without COLUMN_NAME, or with another number of them', () => {
    assert.equal(decodeTableMap(tableMap(Buffer.alloc(0)), undefined).columnNames, undefined);
    assert.equal(decodeTableMap(tableMap(field(TableMapMetadata.SIGNEDNESS, Buffer.from([0]))), undefined).columnNames, undefined);
    assert.equal(decodeTableMap(tableMap(field(TableMapMetadata.COLUMN_NAME, names('id', 'v'))), undefined).columnNames, undefined);
    assert.ok(!('columnNames' in decodeTableMap(tableMap(Buffer.alloc(0)), undefined)));
  });

  it('rejects fields that run past the event', () => {
    const cut = field(TableMapMetadata.COLUMN_NAME, names('id', 'v', 'n')).subarray(0, 5);
    assert.throws(() => decodeTableMap(tableMap(cut), undefined), /runs past/);
    // A name whose length runs past its field.
    const bad = field(TableMapMetadata.COLUMN_NAME, Buffer.from([2, 0x69, 0x64, 9, 0x76]));
    assert.throws(() => decodeTableMap(tableMap(bad), undefined), /ends early/);
  });
});

const col = (name: string, dataType: string, charset: string | null = null): CaptureColumn => ({
  name,
  type: dataType === 'int' ? { kind: 'int', bytes: 4, unsigned: false } : { kind: 'string', length: 20 },
  nativeType: dataType === 'int' ? 'int(11)' : 'varchar(20)',
  dataType,
  charset,
} as unknown as CaptureColumn);

describe('column names of the TABLE_MAP', () => {
  const map = decodeTableMap(tableMap(field(TableMapMetadata.COLUMN_NAME, names('id', 'old', 'n'))), undefined);

  it('takes the names of the TABLE_MAP, the facts of the catalog column of that name, else of that place', () => {
    // Renamed since (old -> new): the column at its place, named as the binlog says.
    const renamed = [col('id', 'int'), col('new', 'varchar', 'utf8mb4'), col('n', 'int')];
    assert.deepEqual(namedColumns(map, map.columnNames!, renamed)?.map((c) => [c.name, c.charset]), [['id', null], ['old', 'utf8mb4'], ['n', null]]);
    // Reordered since: matched by name (letter case aside), a column added at the end ignored.
    const moved = [col('N', 'int'), col('old', 'varchar', 'latin1'), col('id', 'int'), col('added', 'int')];
    assert.deepEqual(namedColumns(map, map.columnNames!, moved)?.map((c) => [c.name, c.charset]), [['id', null], ['old', 'latin1'], ['n', null]]);
    // Dropped since (the catalog no longer matches by place either): undefined.
    assert.equal(namedColumns(map, map.columnNames!, [col('id', 'int'), col('n', 'int')]), undefined);
  });

  it('the cache keeps columns the names fit, reads the catalog again when forgotten, and says when nothing fits', async () => {
    let catalog = [col('id', 'int'), col('other', 'varchar'), col('n', 'int')];
    let loads = 0;
    const cache = new CaptureColumnCache(async () => {
      loads++;
      return catalog;
    });
    assert.deepEqual((await cache.columnsFor(map)).map((c) => c.name), ['id', 'old', 'n']);
    assert.equal(loads, 1);
    assert.deepEqual((await cache.columnsFor(map)).map((c) => c.name), ['id', 'old', 'n']);
    assert.equal(loads, 1);
    // A column dropped (the stream forgets the table at the DDL): read again, nothing fits.
    catalog = [col('id', 'int'), col('n', 'int')];
    cache.forget({ schema: 'd', name: 't' });
    await assert.rejects(cache.columnsFor(map), /has changed since these binlog events were written .*names/);
    assert.equal(loads, 2);
    // Without names: the catalog's, as before.
    const plain = decodeTableMap(tableMap(Buffer.alloc(0)), undefined);
    catalog = [col('id', 'int'), col('v', 'varchar'), col('n', 'int')];
    cache.forget({ schema: 'd', name: 't' });
    assert.deepEqual((await cache.columnsFor(plain)).map((c) => c.name), ['id', 'v', 'n']);
  });

  it('warns (does not fail) when the server could write the names but does not', () => {
    assert.match(binlogRowMetadataWarning({ log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: 1, binlog_row_metadata: 'NO_LOG' }, 'MariaDB at x') ?? '', /binlog_row_metadata=NO_LOG, not FULL.*renamed/);
    assert.equal(binlogRowMetadataWarning({ log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: 1, binlog_row_metadata: 'full' }, 'x'), undefined);
    assert.equal(binlogRowMetadataWarning({ log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL', server_id: 1 }, 'x'), undefined);
  });
});
