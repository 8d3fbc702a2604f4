/**
 * postgres-check-ddl-event-trigger, OpenDMS's variant (docs/architecture/07-change-data-capture.md,
 * "Source DDL"): pgoutput re-describes a published table before its next change (ALTER TABLE
 * is followed anyway), but CREATE and DROP TABLE reach the task only through the event
 * triggers it installs (opendms_intercept_ddl_end / _drop), which need a superuser and
 * PostgreSQL 14. DMS's own concern applies too: an event trigger enabled only ORIGIN does
 * not fire where session_replication_role is replica (a source that is itself a
 * replication target); ENABLE ALWAYS makes it fire there too.
 */
import type { Finding, IndividualAssessment } from '../../types.js';
import { passed, warning } from '../../verdict.js';
import { pgSourceApplies, versionText } from './pg-facts.js';

const triggers = ['opendms_intercept_ddl_end', 'opendms_intercept_ddl_drop'];

export const postgresCheckDdlEventTrigger: IndividualAssessment = {
  name: 'postgres-check-ddl-event-trigger',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const source = await ctx.source();
    const [r] = await source.query<{ version: number; superuser: boolean; triggers: string[] | null; role: string | null }>(
      `SELECT current_setting('server_version_num')::int AS version,
              COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) AS superuser,
              ARRAY(SELECT evtname::text || ':' || evtenabled::text FROM pg_catalog.pg_event_trigger WHERE evtname = ANY($1::text[]) ORDER BY 1) AS triggers,
              (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'session_replication_role') AS role`,
      [triggers],
      ctx.signal,
    );
    if (!r) throw new Error('the source did not answer the query about its event triggers');
    const notFollowed = 'tables created or dropped on the source while the task captures changes are not followed (ALTER TABLE still is)';
    if (r.version < 140000) {
      return warning(
        `The source runs PostgreSQL ${versionText(r.version)}: pgoutput passes the DDL event triggers' messages on only from PostgreSQL 14, so ${notFollowed}.`,
        'Upgrade the source to PostgreSQL 14 or later, or stop the task and reload it (reload-target) after creating or dropping selected tables.',
        [{ object: 'server_version', detail: versionText(r.version) }],
      );
    }
    const installed = new Map((r.triggers ?? []).map((t) => [t.split(':')[0]!, t.split(':')[1]!]));
    if (installed.size === triggers.length) {
      const findings: Finding[] = [];
      for (const [name, enabled] of installed) {
        if (enabled === 'D') findings.push({ object: name, detail: 'event trigger is disabled' });
        else if (enabled === 'O' && r.role === 'replica') findings.push({ object: name, detail: 'enabled ORIGIN only, and session_replication_role defaults to replica on this server: it does not fire' });
      }
      if (findings.length === 0) return passed("OpenDMS's DDL event triggers are installed and enabled on the source: created and dropped tables are followed during change data capture.");
      return warning(
        `OpenDMS's DDL event triggers are installed but do not fire, so ${notFollowed}.`,
        `As a superuser: ${findings.map((f) => `ALTER EVENT TRIGGER ${f.object} ENABLE ALWAYS`).join('; ')}.`,
        findings,
      );
    }
    if (r.superuser) {
      return passed(`The user ${source.user} is a superuser: the task installs its DDL event triggers at start, so created and dropped tables are followed during change data capture.`);
    }
    return warning(
      `The user ${source.user} is not a superuser, so the task cannot install its DDL event triggers: ${notFollowed}.`,
      `Use a superuser for the source endpoint (ALTER ROLE ${source.user} SUPERUSER, where your security rules allow it), or reload the task (reload-target) after creating or dropping selected tables.`,
      [{ object: source.user, detail: 'not a superuser (event triggers need one)' }],
    );
  },
};
