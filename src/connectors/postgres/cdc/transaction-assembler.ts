/**
 * pgoutput messages -> SourceTransactions: keeps the relations the server described (pgoutput
 * sends a Relation message before a relation's first change on the connection, and again after
 * its definition changed), gathers a transaction's changes between Begin and Commit, keeps
 * only the selected tables' changes, and turns the text values into canonical ones. Pure.
 *
 * Source DDL becomes DdlChanges at its place in the transaction:
 * - a Relation message for a relation already described on this connection whose columns
 *   (names, types, type modifiers, count) differ: `alter` of that table, before the change that
 *   follows. The first description on a connection says nothing (the engine checks drift itself
 *   when a stream starts);
 * - a transactional logical decoding message of OpenDMS's event trigger (ddl-event-triggers.ts):
 *   `create` of any table (the engine decides whether the selection includes it), `alter` and
 *   `drop` of selected tables.
 * The selection grows when the engine watches a new table (select()) and loses a dropped one.
 *
 * Values: pgoutput sends each column as its type's output text (not COPY-escaped), in the
 * walsender session's settings, which replication-stream.ts sets to the canonical ones (UTC,
 * ISO dates, extra_float_digits 3, hex bytea): so, as in postgres-values.ts, NULL -> null,
 * bool 't'/'f' -> boolean, bytea '\x..' -> Buffer, and every other text is the value as is.
 *
 * Unchanged TOAST values: an UPDATE that leaves a large out-of-line ("TOASTed") value alone
 * does not log it, and pgoutput sends the column as "unchanged" without a value. Such a column
 * is LEFT OUT of the update's `columns`/`after` (the target keeps what it has), unless the
 * old row came whole (REPLICA IDENTITY FULL), which has the value.
 */
import type { Change, SourceTransaction } from '../../spi/changes.js';
import type { Row, TableRef, Value } from '../../spi/data-types.js';
import { ddlMessagePrefix, parseDdlMessage } from './ddl-event-triggers.js';
import { dateOfPgTimestamp, positionOfLsn } from './lsn.js';
import { unchangedToast, type PgoutputMessage, type Relation, type TupleValue } from './pgoutput.js';

type Decoder = 'text' | 'bool' | 'bytea';

/** pg_catalog's bool and bytea (their OIDs are fixed); every other type's text is its canonical value. */
const boolOid = 16;
const byteaOid = 17;

interface KnownRelation {
  readonly table: TableRef;
  /** keyOf(table), for the selection lookups of every change. */
  readonly key: string;
  readonly names: readonly string[];
  /** Per column `<type oid>:<type modifier>`: what a definition change may alter besides names. */
  readonly types: readonly string[];
  readonly decoders: readonly Decoder[];
  /** Indexes of the replica identity's columns (what a `key` old tuple carries). */
  readonly keyIndexes: readonly number[];
}

export type AssemblerOutput =
  | { readonly kind: 'transaction'; readonly transaction: SourceTransaction }
  /** A transaction none of whose changes concern the selected tables: its position, nothing to apply. */
  | { readonly kind: 'skipped'; readonly position: string; readonly commitTime: Date };

export class TransactionAssembler {
  private readonly relations = new Map<number, KnownRelation>();
  private readonly selected: Set<string>;
  private current: { readonly xid: number; changes: Change[] } | undefined;

  constructor(tables: readonly TableRef[]) {
    this.selected = new Set(tables.map(keyOf));
  }

  /** Captures `table`'s changes from now on too (a table the engine watches). */
  select(table: TableRef): void {
    this.selected.add(keyOf(table));
  }

  /** Stops capturing `table`'s changes (undoes a select() whose publication change failed). */
  unselect(table: TableRef): void {
    this.selected.delete(keyOf(table));
  }

  isSelected(table: TableRef): boolean {
    return this.selected.has(keyOf(table));
  }

  /** Between a Begin and its Commit. */
  get inTransaction(): boolean {
    return this.current !== undefined;
  }

  /** Takes the next message; returns what a Commit completed. */
  push(msg: PgoutputMessage): AssemblerOutput | undefined {
    switch (msg.tag) {
      case 'begin':
        if (this.current) throw new Error('pgoutput: Begin inside a transaction');
        this.current = { xid: msg.xid, changes: [] };
        return undefined;
      case 'commit': {
        const tx = this.current;
        if (!tx) throw new Error('pgoutput: Commit without Begin');
        this.current = undefined;
        const position = positionOfLsn(msg.endLsn);
        const commitTime = dateOfPgTimestamp(msg.commitTime);
        if (tx.changes.length === 0) return { kind: 'skipped', position, commitTime };
        return { kind: 'transaction', transaction: { changes: tx.changes, position, commitTime, xid: String(tx.xid) } };
      }
      case 'relation': {
        const before = this.relations.get(msg.relation.id);
        const rel = describe(msg.relation);
        this.relations.set(msg.relation.id, rel);
        if (before && this.current && this.selected.has(rel.key) && !sameColumns(before, rel)) {
          this.add({ kind: 'ddl', action: 'alter', table: rel.table });
        }
        return undefined;
      }
      case 'insert': {
        const rel = this.relationFor(msg.relationId);
        if (!this.selected.has(rel.key)) return undefined;
        const after = pick(rel, msg.after, allIndexes(rel));
        this.add({ kind: 'insert', table: rel.table, columns: after.columns, after: after.row });
        return undefined;
      }
      case 'update': {
        const rel = this.relationFor(msg.relationId);
        if (!this.selected.has(rel.key)) return undefined;
        // An unchanged TOAST value is in a whole old row (REPLICA IDENTITY FULL): take it from there.
        const newValues =
          msg.oldKind === 'full' && msg.before ? msg.after.map((v, i) => (v === unchangedToast ? msg.before![i]! : v)) : msg.after;
        const after = pick(rel, newValues, allIndexes(rel));
        if (msg.oldKind && msg.before) {
          const before = pick(rel, msg.before, msg.oldKind === 'key' ? rel.keyIndexes : allIndexes(rel));
          this.add({ kind: 'update', table: rel.table, columns: after.columns, after: after.row, beforeColumns: before.columns, before: before.row });
        } else {
          this.add({ kind: 'update', table: rel.table, columns: after.columns, after: after.row });
        }
        return undefined;
      }
      case 'delete': {
        const rel = this.relationFor(msg.relationId);
        if (!this.selected.has(rel.key)) return undefined;
        const before = pick(rel, msg.before, msg.oldKind === 'key' ? rel.keyIndexes : allIndexes(rel));
        this.add({ kind: 'delete', table: rel.table, beforeColumns: before.columns, before: before.row });
        return undefined;
      }
      case 'truncate': {
        const tables = msg.relationIds.map((id) => this.relationFor(id)).filter((r) => this.selected.has(r.key)).map((r) => r.table);
        if (tables.length > 0) this.add({ kind: 'truncate', tables });
        return undefined;
      }
      case 'message':
        this.message(msg);
        return undefined;
      case 'type':
      case 'origin':
        // Types: the OIDs of the relation's columns are all the decoding needs. Origins carry
        // nothing to apply.
        return undefined;
    }
  }

  private add(change: Change): void {
    if (!this.current) throw new Error(`pgoutput: a ${change.kind} outside a transaction`);
    this.current.changes.push(change);
  }

  /** OpenDMS's DDL messages; any other logical decoding message (another prefix, non-transactional) is someone else's. */
  private message(msg: Extract<PgoutputMessage, { tag: 'message' }>): void {
    if (!msg.transactional || msg.prefix !== ddlMessagePrefix || !this.current) return;
    const ddl = parseDdlMessage(msg.content);
    if (!ddl) return;
    const key = keyOf(ddl.table);
    if (ddl.action !== 'create' && !this.selected.has(key)) return;
    this.add({ kind: 'ddl', action: ddl.action, table: ddl.table, ...(ddl.tag ? { statement: ddl.tag } : {}) });
    // A table created again under that name is captured only once the engine watches it.
    if (ddl.action === 'drop') this.selected.delete(key);
  }

  private relationFor(id: number): KnownRelation {
    const rel = this.relations.get(id);
    if (!rel) throw new Error(`pgoutput: a change of relation ${id}, which no Relation message described`);
    return rel;
  }
}

const keyOf = (t: TableRef): string => `${t.schema}\u0000${t.name}`;

function describe(r: Relation): KnownRelation {
  const table = { schema: r.schema === '' ? 'pg_catalog' : r.schema, name: r.name };
  const keyIndexes: number[] = [];
  r.columns.forEach((c, i) => {
    if (c.key) keyIndexes.push(i);
  });
  return {
    table,
    key: keyOf(table),
    names: r.columns.map((c) => c.name),
    types: r.columns.map((c) => `${c.typeOid}:${c.typeModifier}`),
    decoders: r.columns.map((c) => (c.typeOid === boolOid ? 'bool' : c.typeOid === byteaOid ? 'bytea' : 'text')),
    keyIndexes,
  };
}

/** Same column names and types in the same order (a Relation message also comes after changes that leave the columns alone). */
function sameColumns(a: KnownRelation, b: KnownRelation): boolean {
  return a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i] && a.types[i] === b.types[i]);
}

function allIndexes(rel: KnownRelation): readonly number[] {
  return rel.names.map((_, i) => i);
}

/** The columns at `indexes` that have a value (unchanged TOAST ones are left out). */
function pick(rel: KnownRelation, values: readonly TupleValue[], indexes: readonly number[]): { columns: string[]; row: Row } {
  if (values.length !== rel.names.length) {
    throw new Error(`pgoutput: a tuple of ${values.length} columns for ${rel.table.schema}.${rel.table.name}, which has ${rel.names.length}`);
  }
  const columns: string[] = [];
  const row: Value[] = [];
  for (const i of indexes) {
    const v = values[i]!;
    if (v === unchangedToast) continue;
    columns.push(rel.names[i]!);
    row.push(canonical(v, rel.decoders[i]!, rel, i));
  }
  return { columns, row };
}

function canonical(v: string | null, d: Decoder, rel: KnownRelation, i: number): Value {
  if (v === null) return null;
  switch (d) {
    case 'bool':
      return v === 't';
    case 'bytea':
      if (!v.startsWith('\\x')) {
        throw new Error(`pgoutput: bytea column ${rel.names[i]} of ${rel.table.schema}.${rel.table.name} is not in hex output (bytea_output must be hex)`);
      }
      return Buffer.from(v.slice(2), 'hex');
    default:
      return v;
  }
}
