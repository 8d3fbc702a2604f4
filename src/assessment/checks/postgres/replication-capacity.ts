/**
 * Room on the source for the task's replication: one WAL sender (the streaming connection)
 * and one logical replication slot per task, and a user allowed to create the slot.
 */
import type { Finding, IndividualAssessment } from '../../types.js';
import { failed, passed } from '../../verdict.js';
import { pgSettings, pgSourceApplies, required } from './pg-facts.js';

const restart = 'in postgresql.conf and restart PostgreSQL (on Amazon RDS and Aurora: in the DB parameter group, then reboot)';

export const postgresCheckMaxwalsenders: IndividualAssessment = {
  name: 'postgres-check-maxwalsenders',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const source = await ctx.source();
    const max = Number(required(await pgSettings(source, ['max_wal_senders'], ctx.signal), 'max_wal_senders').setting);
    const [r] = await source.query<{ used: number }>('SELECT count(*)::int AS used FROM pg_catalog.pg_stat_replication', [], ctx.signal);
    const used = r?.used ?? 0;
    const finding = [{ object: 'max_wal_senders', detail: `${max} (${used} in use)` }];
    if (max - used >= 1) return passed(`max_wal_senders is ${max} and ${used} ${used === 1 ? 'is' : 'are'} in use: ${max - used} free for the task's replication connection.`, finding);
    return failed(
      `max_wal_senders is ${max} and ${used} ${used === 1 ? 'is' : 'are'} in use: no WAL sender is free for the task's replication connection.`,
      `Raise max_wal_senders (at least one per task and per standby) ${restart}.`,
      finding,
    );
  },
};

export const postgresCheckReplicationSlotsCount: IndividualAssessment = {
  name: 'postgres-check-replication-slots-count',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const source = await ctx.source();
    const max = Number(required(await pgSettings(source, ['max_replication_slots'], ctx.signal), 'max_replication_slots').setting);
    const [r] = await source.query<{ used: number; may_replicate: boolean; user: string }>(
      `SELECT (SELECT count(*)::int FROM pg_catalog.pg_replication_slots) AS used, current_user AS user,
              COALESCE((SELECT rolsuper OR rolreplication FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
              OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = 'rds_replication' AND pg_catalog.pg_has_role(current_user, g.oid, 'MEMBER')) AS may_replicate`,
      [],
      ctx.signal,
    );
    const used = r?.used ?? 0;
    const findings: Finding[] = [{ object: 'max_replication_slots', detail: `${max} (${used} in use)` }];
    const problems: string[] = [];
    if (max - used < 1) problems.push(`max_replication_slots is ${max} and ${used} ${used === 1 ? 'is' : 'are'} in use: no slot is free for the task`);
    if (!r?.may_replicate) {
      problems.push(`the user ${r?.user ?? source.user} may not create a replication slot (it has neither REPLICATION nor superuser)`);
      findings.push({ object: r?.user ?? source.user, detail: 'missing the REPLICATION attribute' });
    }
    if (problems.length === 0) return passed(`max_replication_slots is ${max} and ${used} ${used === 1 ? 'is' : 'are'} in use: ${max - used} free, and the user may create the task's slot.`, findings);
    return failed(
      `${problems.join('; ')}.`,
      [
        ...(max - used < 1 ? [`Raise max_replication_slots (at least one per task) ${restart}, or drop slots no longer used (SELECT pg_drop_replication_slot(name) for inactive rows of pg_replication_slots).`] : []),
        ...(!r?.may_replicate ? [`Run ALTER ROLE ${r?.user ?? source.user} WITH REPLICATION as a superuser (Amazon RDS and Aurora: GRANT rds_replication TO the user).`] : []),
      ].join(' '),
      findings,
    );
  },
};
