/**
 * Transactions on the source that hold the task's start up: creating a logical replication
 * slot waits until every transaction running at that moment has ended (PostgreSQL needs a
 * consistent starting point), prepared transactions included, and a long one also keeps
 * the slot's WAL from being released.
 */
import { OpenDmsError } from '../../../common/errors.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, warning } from '../../verdict.js';
import { pgSourceApplies } from './pg-facts.js';

/** DMS's threshold for a long-running transaction. */
const longMinutes = 10;

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}

export const postgresCheckLongrunningtxn: IndividualAssessment = {
  name: 'postgres-check-longrunningtxn',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const source = await ctx.source();
    const [who] = await source.query<{ sees_all: boolean }>(
      `SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
              OR pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS sees_all`,
      [],
      ctx.signal,
    );
    if (!who?.sees_all) {
      // pg_stat_activity hides other users' transaction start times: "none found" would be a guess.
      throw new OpenDmsError(
        'assessment-cannot-read',
        `the user ${source.user} cannot see other sessions' transactions in pg_stat_activity; grant it pg_read_all_stats (GRANT pg_read_all_stats TO ${source.user}) and run the assessment again`,
      );
    }
    const rows = await source.query<{ pid: number; user: string | null; database: string | null; state: string | null; seconds: string; query: string | null }>(
      `SELECT pid, usename::text AS user, datname::text AS database, state,
              floor(extract(epoch FROM now() - xact_start))::bigint::text AS seconds, left(query, 120) AS query
         FROM pg_catalog.pg_stat_activity
        WHERE xact_start IS NOT NULL AND xact_start < now() - make_interval(mins => $1) AND pid <> pg_catalog.pg_backend_pid()
        ORDER BY xact_start`,
      [longMinutes],
      ctx.signal,
    );
    if (rows.length === 0) return passed(`No transaction on the source server has been open for more than ${longMinutes} minutes.`);
    const findings: Finding[] = rows.map((r) => ({
      object: `pid ${r.pid}`,
      detail: `${r.user ?? '?'} on ${r.database ?? '?'}, ${r.state ?? 'unknown state'}, open for ${duration(Number(r.seconds))}${r.query ? `: ${r.query.replace(/\s+/g, ' ')}` : ''}`,
    }));
    return warning(
      `${count(rows.length, 'transaction')} on the source server ${rows.length === 1 ? 'has' : 'have'} been open for more than ${longMinutes} minutes: creating the task's replication slot waits until ${rows.length === 1 ? 'it ends' : 'they end'}.`,
      'End the transactions listed before starting the task (commit them in their application, or SELECT pg_terminate_backend(pid)), and look at idle-in-transaction sessions of the applications (idle_in_transaction_session_timeout ends them automatically).',
      findings,
    );
  },
};

export const postgresCheckPreparedtxn: IndividualAssessment = {
  name: 'postgres-check-preparedtxn',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const rows = await (await ctx.source()).query<{ gid: string; prepared: string; owner: string; database: string }>(
      `SELECT gid, prepared::text AS prepared, owner::text AS owner, database::text AS database FROM pg_catalog.pg_prepared_xacts ORDER BY prepared`,
      [],
      ctx.signal,
    );
    if (rows.length === 0) return passed('The source server has no prepared transactions.');
    return warning(
      `The source server has ${count(rows.length, 'prepared transaction')}: creating the task's replication slot waits until ${rows.length === 1 ? 'it is' : 'they are'} committed or rolled back.`,
      "Finish the prepared transactions listed with COMMIT PREPARED 'gid' or ROLLBACK PREPARED 'gid' (as their owner, in their database) before starting the task.",
      rows.map((r) => ({ object: `prepared transaction '${r.gid}'`, detail: `by ${r.owner} on ${r.database}, prepared at ${r.prepared}` })),
    );
  },
};
