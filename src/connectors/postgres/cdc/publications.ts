/**
 * The names of a task's slot and publications, and keeping the publications' membership equal
 * to the task's tables.
 *
 * Two publications, because of what a publication does to the source: a table in a
 * publication that publishes UPDATE and DELETE must have a replica identity, or PostgreSQL
 * refuses the user's own UPDATEs and DELETEs on it ("cannot update table ... because it does
 * not have a replica identity and publishes updates"). Tables without one (no primary key
 * and REPLICA IDENTITY DEFAULT, or REPLICA IDENTITY NOTHING, or an identity index that is
 * gone) therefore go into `<name>_ins`, which publishes only INSERT and TRUNCATE; the stream
 * warns that their updates and deletes are not captured.
 *
 * A table the engine starts watching while the stream runs (created on the source) joins the
 * publication that fits it alone (addToPublications), the others left as they are.
 */
import type pg from 'pg';
import { ConnectorError } from '../../spi/connection-error.js';
import type { TableRef } from '../../spi/data-types.js';
import { qualifiedName, quoteIdent } from '../postgres-types.js';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
const maxNameLength = 63;
const insertOnlySuffix = '_ins';

/** `opendms_` + the task id lower-cased, anything outside [a-z0-9_] as `_`, at most 63 characters. */
export function slotNameOf(taskId: string): string {
  return baseNameOf(taskId).slice(0, maxNameLength);
}

/** The task's publications: the same name as its slot (shortened so that the `_ins` one fits too). */
export function publicationNamesOf(taskId: string): { readonly full: string; readonly insertOnly: string } {
  const full = baseNameOf(taskId).slice(0, maxNameLength - insertOnlySuffix.length);
  return { full, insertOnly: `${full}${insertOnlySuffix}` };
}

function baseNameOf(taskId: string): string {
  return `opendms_${taskId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** What each publication holds after syncPublications. */
export interface PublicationPlan {
  /** Tables whose every change is published. */
  readonly full: readonly TableRef[];
  /** Tables without replica identity: INSERT and TRUNCATE only. */
  readonly insertOnly: readonly TableRef[];
  /** Selected relations a publication cannot hold (views, foreign tables, unlogged tables ...): nothing captured; `why` says what it is. */
  readonly unpublishable: readonly (TableRef & { readonly why: string })[];
  /** Selected tables that do not exist (dropped since), when syncPublications was told to skip them. */
  readonly missing: readonly TableRef[];
}

interface TableFacts {
  readonly schema: string;
  readonly name: string;
  readonly relkind: string | null;
  readonly relpersistence: string | null;
  readonly relreplident: string | null;
  readonly has_pk: boolean | null;
  readonly has_identity_index: boolean | null;
}

/**
 * Creates the task's two publications, or changes them, so that they hold exactly `tables`
 * (split by replica identity) with the right `publish` option. One transaction: a concurrent
 * reader of the publications sees the old membership or the new one. A selected table that
 * does not exist is an error, or with `missing: 'skip'` left out (a stream reopening after
 * the source dropped a captured table).
 */
export async function syncPublications(
  client: pg.Client,
  names: { readonly full: string; readonly insertOnly: string },
  selection: readonly TableRef[],
  target: string,
  missing: 'fail' | 'skip' = 'fail',
): Promise<PublicationPlan> {
  const plan = await classify(client, selection, target, missing);
  const { full, insertOnly } = plan;
  const viaRoot = await publishesViaRoot(client);
  await client.query('BEGIN');
  try {
    await syncOne(client, names.full, { insert: true, update: true, delete: true, truncate: true }, full, viaRoot);
    await syncOne(client, names.insertOnly, { insert: true, update: false, delete: false, truncate: true }, insertOnly, viaRoot);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return plan;
}

/**
 * Adds `table` to the publication that fits it (moving it out of the other one when it is
 * there), leaving the other members alone: a table the engine starts to watch. The plan says
 * where it went (unpublishable: nowhere).
 */
export async function addToPublications(
  client: pg.Client,
  names: { readonly full: string; readonly insertOnly: string },
  table: TableRef,
  target: string,
): Promise<PublicationPlan> {
  const plan = await classify(client, [table], target, 'fail');
  const into = plan.full.length > 0 ? names.full : plan.insertOnly.length > 0 ? names.insertOnly : undefined;
  if (into === undefined) return plan;
  const other = into === names.full ? names.insertOnly : names.full;
  await client.query('BEGIN');
  try {
    const memberOf = new Set(
      (
        await client.query<{ pubname: string }>(
          `SELECT p.pubname
             FROM pg_publication_rel pr
             JOIN pg_publication p ON p.oid = pr.prpubid
             JOIN pg_class c ON c.oid = pr.prrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND p.pubname = ANY($3)`,
          [table.schema, table.name, [names.full, names.insertOnly]],
        )
      ).rows.map((r) => r.pubname),
    );
    if (memberOf.has(other)) await client.query(`ALTER PUBLICATION ${quoteIdent(other)} DROP TABLE ${qualifiedName(table)}`);
    if (!memberOf.has(into)) await client.query(`ALTER PUBLICATION ${quoteIdent(into)} ADD TABLE ${qualifiedName(table)}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return plan;
}

/** Splits the tables by what a publication can capture of them; a table that does not exist is an error. */
async function classify(client: pg.Client, selection: readonly TableRef[], target: string, onMissing: 'fail' | 'skip'): Promise<PublicationPlan> {
  const tables = [...new Map(selection.map((t) => [`${t.schema}\u0000${t.name}`, t])).values()];
  const facts = (
    await client.query<TableFacts>(
      `SELECT t.schema, t.name, c.relkind::text AS relkind, c.relpersistence::text AS relpersistence, c.relreplident::text AS relreplident,
              EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary) AS has_pk,
              EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisreplident) AS has_identity_index
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(schema, name, i)
         LEFT JOIN pg_namespace n ON n.nspname = t.schema
         LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name
        ORDER BY t.i`,
      [tables.map((t) => t.schema), tables.map((t) => t.name)],
    )
  ).rows;
  const full: TableRef[] = [];
  const insertOnly: TableRef[] = [];
  const unpublishable: (TableRef & { why: string })[] = [];
  const missing: TableRef[] = [];
  for (const f of facts) {
    const table = { schema: f.schema, name: f.name };
    if (f.relkind === null && onMissing === 'skip') {
      missing.push(table);
      continue;
    }
    if (f.relkind === null) {
      throw new ConnectorError({
        kind: 'other',
        message: `PostgreSQL at ${target}: the table ${qualifiedName(table)} selected for change capture does not exist`,
        hint: "Check the task's table mappings; the table may have been dropped or renamed since the task started.",
      });
    }
    if (f.relkind !== 'r' && f.relkind !== 'p') unpublishable.push({ ...table, why: `is not a table (relkind ${f.relkind})` });
    // Unlogged and temporary tables write no WAL: PostgreSQL refuses them in a publication.
    else if (f.relpersistence !== 'p') unpublishable.push({ ...table, why: `is ${f.relpersistence === 'u' ? 'an unlogged' : 'a temporary'} table (it writes no WAL)` });
    else if (hasReplicaIdentity(f)) full.push(table);
    else insertOnly.push(table);
  }
  return { full, insertOnly, unpublishable, missing };
}

/** Partitions' changes under the partitioned table's name, as the full load reads it (13+). */
async function publishesViaRoot(client: pg.Client): Promise<boolean> {
  const version = Number((await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v);
  return version >= 130000;
}

/** Drops the task's publications (nothing when they are gone already). */
export async function dropPublications(client: pg.Client, names: { readonly full: string; readonly insertOnly: string }): Promise<void> {
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(names.full)}, ${quoteIdent(names.insertOnly)}`);
}

function hasReplicaIdentity(f: TableFacts): boolean {
  switch (f.relreplident) {
    case 'f':
      return true;
    case 'd':
      return f.has_pk === true;
    case 'i':
      return f.has_identity_index === true;
    default:
      return false; // 'n': REPLICA IDENTITY NOTHING
  }
}

interface Publish {
  readonly insert: boolean;
  readonly update: boolean;
  readonly delete: boolean;
  readonly truncate: boolean;
}

async function syncOne(client: pg.Client, name: string, publish: Publish, tables: readonly TableRef[], viaRoot: boolean): Promise<void> {
  const ops = (['insert', 'update', 'delete', 'truncate'] as const).filter((op) => publish[op]).join(', ');
  const options = `publish = '${ops}'${viaRoot ? ', publish_via_partition_root = true' : ''}`;
  const list = tables.map(qualifiedName).join(', ');
  const existing = (await client.query<Record<string, unknown>>('SELECT * FROM pg_publication WHERE pubname = $1', [name])).rows[0];
  if (!existing) {
    await client.query(`CREATE PUBLICATION ${quoteIdent(name)}${tables.length > 0 ? ` FOR TABLE ${list}` : ''} WITH (${options})`);
    return;
  }
  const same =
    existing['pubinsert'] === publish.insert &&
    existing['pubupdate'] === publish.update &&
    existing['pubdelete'] === publish.delete &&
    existing['pubtruncate'] === publish.truncate &&
    (!viaRoot || existing['pubviaroot'] === true);
  if (!same) await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET (${options})`);
  const members = (
    await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_publication_rel pr
         JOIN pg_publication p ON p.oid = pr.prpubid
         JOIN pg_class c ON c.oid = pr.prrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE p.pubname = $1`,
      [name],
    )
  ).rows;
  const key = (t: TableRef): string => `${t.schema}\u0000${t.name}`;
  const now = new Set(members.map(key));
  const wanted = new Set(tables.map(key));
  if (now.size === wanted.size && [...wanted].every((k) => now.has(k))) return;
  // SET TABLE needs at least one table; an emptied publication drops its members instead.
  if (tables.length > 0) await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${list}`);
  else await client.query(`ALTER PUBLICATION ${quoteIdent(name)} DROP TABLE ${members.map(qualifiedName).join(', ')}`);
}
