/**
 * Keys of the selected PostgreSQL source tables:
 * - postgres-check-pk: what change data capture gets of a table without primary key. Its
 *   replica identity decides: DEFAULT or NOTHING without a key gives the WAL no old row, so
 *   OpenDMS publishes only its inserts and truncates (PostgreSQL would otherwise refuse the
 *   application's own UPDATEs and DELETEs on it: publications.ts) and its updates and deletes
 *   are lost; FULL (or an identity index) captures them.
 * - postgres-check-pk-lob: primary keys made of LOB types (text, bytea, json).
 * - postgres-check-table-with-array: array columns in tables without a key.
 */
import { isLob, type TableInfo } from '../../../connectors/spi/index.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, failed, passed, tableName, warning } from '../../verdict.js';
import { pgSourceApplies } from './pg-facts.js';

export const postgresCheckPk: IndividualAssessment = {
  name: 'postgres-check-pk',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const tables = (await ctx.selectedTables()).filter((t) => t.kind === 'table');
    const keyless = tables.filter((t) => t.primaryKey.length === 0);
    if (keyless.length === 0) return passed(`Every selected table has a primary key (${tables.length} checked).`);
    const rows = await (await ctx.source()).query<{ schema: string; name: string; identity: string; identity_index: boolean }>(
      `SELECT n.nspname AS schema, c.relname AS name, c.relreplident::text AS identity,
              EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident) AS identity_index
         FROM unnest($1::text[], $2::text[]) AS w(s, r)
         JOIN pg_catalog.pg_namespace n ON n.nspname = w.s
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = w.r`,
      [keyless.map((t) => t.schema), keyless.map((t) => t.name)],
      ctx.signal,
    );
    const identity = new Map(rows.map((r) => [`${r.schema}.${r.name}`, r]));
    const lost: Finding[] = [];
    const slow: Finding[] = [];
    for (const t of keyless) {
      const r = identity.get(tableName(t));
      if (r?.identity === 'f') slow.push({ object: tableName(t), detail: 'no primary key; REPLICA IDENTITY FULL: updates and deletes are captured and applied by comparing every column' });
      else if (r?.identity === 'i' && r.identity_index) slow.push({ object: tableName(t), detail: 'no primary key; REPLICA IDENTITY USING INDEX: updates and deletes are captured by that index' });
      else lost.push({ object: tableName(t), detail: `no primary key and REPLICA IDENTITY ${r?.identity === 'n' ? 'NOTHING' : 'DEFAULT'}: only inserts and truncates are captured, updates and deletes are not` });
    }
    const advice =
      'Add a primary key to each table listed, or run ALTER TABLE ... REPLICA IDENTITY FULL on it (every column is then the key: updates and deletes are captured, but applying them compares whole rows), or REPLICA IDENTITY USING INDEX on a unique index of NOT NULL columns.';
    if (lost.length > 0) {
      return failed(`${count(lost.length, 'selected table')} without primary key ${lost.length === 1 ? 'has' : 'have'} no replica identity: ${lost.length === 1 ? 'its' : 'their'} updates and deletes would not be captured.`, advice, [...lost, ...slow]);
    }
    return warning(`${count(slow.length, 'selected table')} ${slow.length === 1 ? 'has' : 'have'} no primary key; ${slow.length === 1 ? 'its' : 'their'} replica identity lets changes be captured, but applying them is slower.`, advice, slow);
  },
};

export const postgresCheckPkLob: IndividualAssessment = {
  name: 'postgres-check-pk-lob',
  applies: pgSourceApplies(),
  async run(ctx) {
    const tables = await ctx.selectedTables();
    const findings: Finding[] = [];
    for (const t of tables) {
      for (const k of t.primaryKey) {
        const c = t.columns.find((x) => x.name === k);
        if (c && isLob(c.type)) findings.push({ object: `${tableName(t)}.${c.name}`, detail: `primary key column of LOB type ${c.nativeType}` });
      }
    }
    if (findings.length === 0) return passed(`No primary key of the selected tables has a LOB column (text, bytea, json) (${tables.length} tables checked).`);
    return warning(
      `${count(findings.length, 'primary key column')} of the selected tables ${findings.length === 1 ? 'is' : 'are'} of a LOB type (text, bytea, json, jsonb).`,
      'Give the tables listed a key of bounded types (for example character varying(n) instead of text, or a surrogate integer key): LOB settings (limited LOB mode cuts values) must never apply to a key, and a MySQL target indexes only a prefix of such a key.',
      findings,
    );
  },
};

function arrayColumns(t: TableInfo): string[] {
  return t.columns.filter((c) => c.type.kind === 'array').map((c) => `${c.name} ${c.nativeType}`);
}

export const postgresCheckTableWithArray: IndividualAssessment = {
  name: 'postgres-check-table-with-array',
  applies: pgSourceApplies(),
  async run(ctx) {
    const tables = await ctx.selectedTables();
    const withArrays = tables.filter((t) => arrayColumns(t).length > 0);
    const findings: Finding[] = withArrays
      .filter((t) => t.primaryKey.length === 0 && t.uniqueKeys.length === 0)
      .map((t) => ({ object: tableName(t), detail: `array columns (${arrayColumns(t).join(', ')}) and no primary key or unique constraint` }));
    if (findings.length === 0) {
      return passed(withArrays.length === 0 ? `No selected table has an array column (${tables.length} checked).` : `Every selected table with array columns has a primary key or unique constraint (${withArrays.length} checked).`);
    }
    return warning(
      `${count(findings.length, 'selected table')} with array columns ${findings.length === 1 ? 'has' : 'have'} no primary key or unique constraint: changes to ${findings.length === 1 ? 'it' : 'them'} are found on the target by comparing whole rows, arrays included.`,
      'Add a primary key (or a unique constraint on NOT NULL columns) to each table listed on the source, or define one for the target with a define-primary-key transformation rule.',
      findings,
    );
  },
};
