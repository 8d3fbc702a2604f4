/**
 * CREATE / ALTER / DROP TABLE on the source, seen by the change stream through a DDL event
 * trigger that writes a transactional logical decoding message into the WAL.
 *
 * Why: pgoutput says nothing about a table outside the task's publication (a new table is in
 * none) nor about a dropped one; it only re-describes a published table before its next change
 * (transaction-assembler.ts turns that into an `alter`). An event trigger sees every table
 * DDL as it runs; pg_logical_emit_message(transactional => true) puts a message in the same
 * transaction, so it reaches the stream at the DDL's place in commit order, and not at all
 * when the DDL rolls back. pgoutput passes such messages on (option `messages`) from
 * PostgreSQL 14.
 *
 * The function and the two event triggers are per database and shared by every task on it:
 * installed idempotently (prepare, and again when a stream opens), dropped by the release of
 * the last task (no other OpenDMS slot or publication left in the database). An advisory lock
 * orders installs and drops of concurrent tasks. Event triggers need a superuser; without
 * one (or on a failure) nothing is installed and the stream warns once instead.
 *
 * The function can never break the user's DDL: its body catches every error, it runs with a
 * fixed search_path (SECURITY DEFINER, so a user without rights to emit messages still can).
 */
import type pg from 'pg';
import type { StreamNotice } from '../../spi/changes.js';
import type { TableRef } from '../../spi/data-types.js';

/** The prefix of the logical decoding messages the event trigger writes. */
export const ddlMessagePrefix = 'opendms_ddl';

const functionName = 'opendms_intercept_ddl';
const endTrigger = 'opendms_intercept_ddl_end';
const dropTrigger = 'opendms_intercept_ddl_drop';
/** The key of the transaction-level advisory lock that orders installs and drops. */
const lockKey = `hashtext('${functionName}')`;

/** pgoutput passes logical decoding messages on from PostgreSQL 14 (its `messages` option). */
export const minimumMessagesVersion = 140000;

/**
 * The function body. ALTER TABLE ... RENAME COLUMN reports a 'table column' (objid is still the
 * table's oid); every other ALTER TABLE a 'table'. The drop side reports every dropped table, not only those the command
 * named (`original`): DROP SCHEMA ... CASCADE and DROP OWNED drop tables too.
 */
const functionBody = `
DECLARE
  r record;
BEGIN
  BEGIN
    IF TG_EVENT = 'ddl_command_end' THEN
      FOR r IN
        SELECT d.command_tag, n.nspname, c.relname
          FROM pg_event_trigger_ddl_commands() d
          JOIN pg_class c ON c.oid = d.objid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE d.object_type IN ('table', 'table column')
           AND d.command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
           AND c.relpersistence <> 't'
      LOOP
        PERFORM pg_logical_emit_message(true, '${ddlMessagePrefix}', json_build_object(
          'action', CASE WHEN r.command_tag = 'ALTER TABLE' THEN 'alter' ELSE 'create' END,
          'schema', r.nspname, 'name', r.relname, 'tag', r.command_tag)::text);
      END LOOP;
    ELSIF TG_EVENT = 'sql_drop' THEN
      FOR r IN
        SELECT o.schema_name, o.object_name
          FROM pg_event_trigger_dropped_objects() o
         WHERE o.object_type = 'table' AND NOT o.is_temporary
      LOOP
        PERFORM pg_logical_emit_message(true, '${ddlMessagePrefix}', json_build_object(
          'action', 'drop', 'schema', r.schema_name, 'name', r.object_name, 'tag', 'DROP TABLE')::text);
      END LOOP;
    END IF;
  EXCEPTION WHEN others THEN
    NULL;
  END;
END
`;

const createFunction =
  `CREATE OR REPLACE FUNCTION public.${functionName}() RETURNS event_trigger ` +
  `LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $opendms$${functionBody}$opendms$`;

/** Whether DDL reaches the stream; when not, why (for the warning). */
export type DdlCapture = { readonly installed: true } | { readonly installed: false; readonly reason: string };

/**
 * Installs the function and event triggers unless they are in place (a superuser only), and
 * tells whether they are in place now, whoever installed them. Never throws for what it
 * cannot do: a failure is a reason in the result.
 */
export async function ensureDdlTriggers(c: pg.Client): Promise<DdlCapture> {
  try {
    const facts = (
      await c.query<{ version: number; superuser: boolean; user: string }>(
        `SELECT current_setting('server_version_num')::int AS version, current_user AS user,
                COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser`,
      )
    ).rows[0]!;
    if (facts.version < minimumMessagesVersion) {
      return { installed: false, reason: `pgoutput passes DDL messages on from PostgreSQL 14, the server is ${facts.version}` };
    }
    let failure: string | undefined;
    if (facts.superuser) {
      try {
        await install(c);
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        failure = `installing them failed: ${(err as Error).message}`;
      }
    }
    if (await inPlace(c)) return { installed: true };
    return { installed: false, reason: failure ?? `event triggers need a superuser, and ${facts.user} is not one` };
  } catch (err) {
    return { installed: false, reason: `checking them failed: ${(err as Error).message}` };
  }
}

async function install(c: pg.Client): Promise<void> {
  await c.query('BEGIN');
  await c.query(`SELECT pg_advisory_xact_lock(${lockKey})`);
  const current = (
    await c.query<{ prosrc: string }>(
      `SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proname = $1 AND p.pronargs = 0`,
      [functionName],
    )
  ).rows[0];
  // Replaced only when its body differs (an upgrade): no catalog churn on every prepare.
  if (current?.prosrc !== functionBody) await c.query(createFunction);
  const existing = new Set(
    (await c.query<{ evtname: string }>('SELECT evtname FROM pg_event_trigger WHERE evtname = ANY($1)', [[endTrigger, dropTrigger]])).rows.map((r) => r.evtname),
  );
  if (!existing.has(endTrigger)) {
    await c.query(`CREATE EVENT TRIGGER ${endTrigger} ON ddl_command_end EXECUTE FUNCTION public.${functionName}()`);
  }
  if (!existing.has(dropTrigger)) {
    await c.query(`CREATE EVENT TRIGGER ${dropTrigger} ON sql_drop EXECUTE FUNCTION public.${functionName}()`);
  }
  await c.query('COMMIT');
}

/** Both triggers exist, are enabled and call our function. */
async function inPlace(c: pg.Client): Promise<boolean> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM pg_event_trigger t
       JOIN pg_proc p ON p.oid = t.evtfoid
       JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE t.evtname = ANY($1) AND t.evtenabled <> 'D' AND n.nspname = 'public' AND p.proname = $2`,
    [[endTrigger, dropTrigger], functionName],
  );
  return r.rows[0]!.n === 2;
}

/**
 * Drops the triggers and the function when no other task uses them: no OpenDMS slot other
 * than `slot` and no OpenDMS publication other than `publications` left in this database
 * (a task reading an endpoint's own slot still has its publications). Best effort: what
 * cannot be dropped (not a superuser) stays, and the function does nothing harmful.
 */
export async function dropDdlTriggersUnlessShared(c: pg.Client, slot: string, publications: readonly string[]): Promise<void> {
  try {
    const present = (
      await c.query<{ present: boolean; superuser: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = ANY($1))
                OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                            WHERE n.nspname = 'public' AND p.proname = $2 AND p.pronargs = 0) AS present,
                COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser`,
        [[endTrigger, dropTrigger], functionName],
      )
    ).rows[0]!;
    if (!present.present || !present.superuser) return;
    await c.query('BEGIN');
    await c.query(`SELECT pg_advisory_xact_lock(${lockKey})`);
    const shared = (
      await c.query<{ shared: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_replication_slots
                         WHERE database = current_database() AND slot_name LIKE 'opendms\\_%' AND slot_name <> $1)
                OR EXISTS (SELECT 1 FROM pg_publication WHERE pubname LIKE 'opendms\\_%' AND pubname <> ALL($2)) AS shared`,
        [slot, publications],
      )
    ).rows[0]!.shared;
    if (!shared) {
      await c.query(`DROP EVENT TRIGGER IF EXISTS ${endTrigger}`);
      await c.query(`DROP EVENT TRIGGER IF EXISTS ${dropTrigger}`);
      await c.query(`DROP FUNCTION IF EXISTS public.${functionName}()`);
    }
    await c.query('COMMIT');
  } catch {
    await c.query('ROLLBACK').catch(() => undefined);
  }
}

/** The warning a stream gives once when DDL does not reach it. */
export function ddlCaptureWarning(capture: DdlCapture): StreamNotice | undefined {
  if (capture.installed) return undefined;
  return {
    kind: 'warning',
    message:
      `tables created or dropped on the source are not captured (OpenDMS's DDL event triggers are not in place: ${capture.reason}); ` +
      'column changes of captured tables still are, before their next change',
  };
}

/** What one `opendms_ddl` message says; undefined when it is not one of ours. */
export interface DdlMessage {
  readonly action: 'alter' | 'create' | 'drop';
  readonly table: TableRef;
  readonly tag: string;
}

export function parseDdlMessage(content: Buffer): DdlMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { action, schema, name, tag } = o;
  if ((action !== 'alter' && action !== 'create' && action !== 'drop') || typeof schema !== 'string' || typeof name !== 'string') return undefined;
  return { action, table: { schema, name }, tag: typeof tag === 'string' ? tag : '' };
}
