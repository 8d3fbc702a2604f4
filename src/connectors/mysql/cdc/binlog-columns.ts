/**
 * The columns of captured tables, from the catalog (the binlog's row images have no names,
 * signedness, character sets or ENUM/SET members), cached per table and read again when a
 * TABLE_MAP no longer matches what the cache holds (the table was altered). When the TABLE_MAP
 * carries the column names of its time (binlog_row_metadata=FULL), the rows get those names.
 */
import type { TableRef } from '../../spi/data-types.js';
import { listMysqlTables } from '../mysql-catalog.js';
import type { MysqlSession } from '../mysql-session.js';
import { ColumnType, type MappedColumn, type TableMap } from './binlog-events.js';
import type { CaptureColumn } from './binlog-values.js';

/** The binlog column types a catalog DATA_TYPE may show up as (old and new temporal formats). */
const binlogTypes: Readonly<Record<string, readonly number[]>> = {
  tinyint: [ColumnType.TINY],
  smallint: [ColumnType.SHORT],
  mediumint: [ColumnType.INT24],
  int: [ColumnType.LONG],
  bigint: [ColumnType.LONGLONG],
  float: [ColumnType.FLOAT],
  double: [ColumnType.DOUBLE],
  decimal: [ColumnType.NEWDECIMAL, ColumnType.DECIMAL],
  date: [ColumnType.DATE, ColumnType.NEWDATE],
  time: [ColumnType.TIME2, ColumnType.TIME],
  datetime: [ColumnType.DATETIME2, ColumnType.DATETIME],
  timestamp: [ColumnType.TIMESTAMP2, ColumnType.TIMESTAMP],
  year: [ColumnType.YEAR],
  char: [ColumnType.STRING],
  binary: [ColumnType.STRING],
  enum: [ColumnType.STRING, ColumnType.ENUM],
  set: [ColumnType.STRING, ColumnType.SET],
  varchar: [ColumnType.VARCHAR, ColumnType.VAR_STRING],
  varbinary: [ColumnType.VARCHAR, ColumnType.VAR_STRING],
  bit: [ColumnType.BIT],
  json: [ColumnType.JSON, ColumnType.BLOB],
  uuid: [ColumnType.STRING],
  inet4: [ColumnType.STRING],
  inet6: [ColumnType.STRING],
};
for (const t of ['tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob']) {
  (binlogTypes as Record<string, readonly number[]>)[t] = [ColumnType.BLOB, ColumnType.TINY_BLOB, ColumnType.MEDIUM_BLOB, ColumnType.LONG_BLOB];
}
for (const t of ['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']) {
  (binlogTypes as Record<string, readonly number[]>)[t] = [ColumnType.GEOMETRY];
}

/** True when the binlog type is one the catalog column can have (unknown types pass). */
function typeFits(m: MappedColumn, column: CaptureColumn): boolean {
  const expected = binlogTypes[column.dataType];
  return !expected || expected.includes(m.type);
}

/** True when every mapped column has a binlog type the catalog column can have (unknown types pass). */
export function columnsMatch(mapped: readonly MappedColumn[], columns: readonly CaptureColumn[]): boolean {
  if (mapped.length !== columns.length) return false;
  return mapped.every((m, i) => typeFits(m, columns[i]!));
}

/**
 * The columns of a TABLE_MAP that carries its column names: each named as the TABLE_MAP says,
 * with the catalog's facts (type, charset ...) of the catalog column of that name (MySQL
 * compares column names without letter case) when its type still fits. A name no longer in
 * the catalog (renamed since) takes the facts of the catalog column at the same position, if
 * the catalog still matches the TABLE_MAP by position (a rename keeps a column's place and
 * type; columns added at the end are allowed). Else undefined: the column was dropped, or
 * the table reshaped, since the event. Such a column is not decoded from the TABLE_MAP's type
 * alone: signedness, character sets and ENUM/SET members would then have to come from the
 * other optional metadata fields, a second decoding path for a rare case; the existing drift
 * error (reload the table) is the simpler correct answer.
 */
export function namedColumns(map: TableMap, names: readonly string[], columns: readonly CaptureColumn[]): CaptureColumn[] | undefined {
  const prefix = columns.slice(0, map.columns.length);
  const positional = prefix.length === map.columns.length && columnsMatch(map.columns, prefix);
  // The usual case, once per row event: the catalog has the binlog's columns, names and all.
  if (positional && prefix.every((c, i) => c.name === names[i])) return prefix;
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const out: CaptureColumn[] = [];
  for (let i = 0; i < map.columns.length; i++) {
    const m = map.columns[i]!;
    const name = names[i]!;
    let col = byName.get(name.toLowerCase());
    if (!col || !typeFits(m, col)) col = positional ? prefix[i] : undefined;
    if (!col) return undefined;
    out.push(col.name === name ? col : { ...col, name });
  }
  return out;
}

interface CharsetRow {
  COLUMN_NAME: string;
  DATA_TYPE: string;
  CHARACTER_SET_NAME: string | null;
}

/** Reads one table's columns (in ordinal order); undefined when the table is gone. */
export async function loadCaptureColumns(s: MysqlSession, table: TableRef): Promise<CaptureColumn[] | undefined> {
  const [info] = await listMysqlTables(s, undefined, table);
  if (!info) return undefined;
  const rows = await s.query<CharsetRow>(
    `SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table.schema, table.name],
  );
  const byName = new Map(rows.map((r) => [r.COLUMN_NAME, r]));
  return info.columns.map((c) => {
    const r = byName.get(c.name);
    return {
      name: c.name,
      type: c.type,
      nativeType: c.nativeType,
      dataType: String(r?.DATA_TYPE ?? '').toLowerCase(),
      charset: r?.CHARACTER_SET_NAME ?? null,
    };
  });
}

/** The column cache of one stream: refreshed when a TABLE_MAP's columns differ from it. */
export class CaptureColumnCache {
  private readonly cache = new Map<string, CaptureColumn[]>();

  constructor(private readonly load: (table: TableRef) => Promise<CaptureColumn[] | undefined>) {}

  /**
   * The columns for a TABLE_MAP. When the catalog no longer matches the binlog (the table was
   * altered after these events), its leading columns are used if they still match (columns
   * added at the end); otherwise an Error says why.
   */
  async columnsFor(map: TableMap): Promise<CaptureColumn[]> {
    const key = `${map.database}\u0000${map.table}`;
    const names = map.columnNames;
    let cols = this.cache.get(key);
    let named = cols && names ? namedColumns(map, names, cols) : undefined;
    if (!cols || (names ? !named : !columnsMatch(map.columns, cols))) {
      cols = await this.load({ schema: map.database, name: map.table });
      if (!cols) throw new Error(`table ${map.database}.${map.table} of the binlog no longer exists in the catalog, so its row images cannot be decoded`);
      this.cache.set(key, cols);
      named = names ? namedColumns(map, names, cols) : undefined;
    }
    if (names) {
      if (named) return named;
    } else {
      if (columnsMatch(map.columns, cols)) return cols;
      const prefix = cols.slice(0, map.columns.length);
      if (prefix.length === map.columns.length && columnsMatch(map.columns, prefix)) return prefix;
    }
    throw new Error(
      `table ${map.database}.${map.table} has changed since these binlog events were written (the binlog has ${map.columns.length} columns of other types${names ? ' or names' : ''} than the catalog's ${cols.length}): its row images cannot be decoded; reload the task's tables`,
    );
  }

  forget(table: TableRef): void {
    this.cache.delete(`${table.schema}\u0000${table.name}`);
  }
}
