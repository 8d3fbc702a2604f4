/**
 * pgoutput messages -> SourceTransactions: keeps the relations the server described (pgoutput
 * sends a Relation message before a relation's first change on the connection, and again after
 * its definition changed), gathers a transaction's changes between Begin and Commit, keeps
 * only the selected tables' changes, and turns the text values into canonical ones. Pure.
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
import { dateOfPgTimestamp, positionOfLsn } from './lsn.js';
import { unchangedToast, type PgoutputMessage, type Relation, type TupleValue } from './pgoutput.js';

type Decoder = 'text' | 'bool' | 'bytea';

/** pg_catalog's bool and bytea (their OIDs are fixed); every other type's text is its canonical value. */
const boolOid = 16;
const byteaOid = 17;

interface KnownRelation {
  readonly table: TableRef;
  readonly selected: boolean;
  readonly names: readonly string[];
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
  private readonly selected: ReadonlySet<string>;
  private current: { readonly xid: number; changes: Change[] } | undefined;

  constructor(tables: readonly TableRef[]) {
    this.selected = new Set(tables.map(keyOf));
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
      case 'relation':
        this.relations.set(msg.relation.id, this.describe(msg.relation));
        return undefined;
      case 'insert': {
        const rel = this.relationFor(msg.relationId);
        if (!rel.selected) return undefined;
        const after = pick(rel, msg.after, allIndexes(rel));
        this.add({ kind: 'insert', table: rel.table, columns: after.columns, after: after.row });
        return undefined;
      }
      case 'update': {
        const rel = this.relationFor(msg.relationId);
        if (!rel.selected) return undefined;
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
        if (!rel.selected) return undefined;
        const before = pick(rel, msg.before, msg.oldKind === 'key' ? rel.keyIndexes : allIndexes(rel));
        this.add({ kind: 'delete', table: rel.table, beforeColumns: before.columns, before: before.row });
        return undefined;
      }
      case 'truncate': {
        const tables = msg.relationIds.map((id) => this.relationFor(id)).filter((r) => r.selected).map((r) => r.table);
        if (tables.length > 0) this.add({ kind: 'truncate', tables });
        return undefined;
      }
      case 'type':
      case 'origin':
      case 'message':
        // Types: the OIDs of the relation's columns are all the decoding needs. Origins and
        // logical decoding messages carry nothing to apply.
        return undefined;
    }
  }

  private add(change: Change): void {
    if (!this.current) throw new Error(`pgoutput: a ${change.kind} outside a transaction`);
    this.current.changes.push(change);
  }

  private relationFor(id: number): KnownRelation {
    const rel = this.relations.get(id);
    if (!rel) throw new Error(`pgoutput: a change of relation ${id}, which no Relation message described`);
    return rel;
  }

  private describe(r: Relation): KnownRelation {
    const table = { schema: r.schema === '' ? 'pg_catalog' : r.schema, name: r.name };
    const keyIndexes: number[] = [];
    r.columns.forEach((c, i) => {
      if (c.key) keyIndexes.push(i);
    });
    return {
      table,
      selected: this.selected.has(keyOf(table)),
      names: r.columns.map((c) => c.name),
      decoders: r.columns.map((c) => (c.typeOid === boolOid ? 'bool' : c.typeOid === byteaOid ? 'bytea' : 'text')),
      keyIndexes,
    };
  }
}

const keyOf = (t: TableRef): string => `${t.schema}\u0000${t.name}`;

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
