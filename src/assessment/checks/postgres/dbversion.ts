/**
 * postgres-check-dbversion: OpenDMS reads a PostgreSQL source's catalog with features of
 * PostgreSQL 12 (generated columns in pg_attribute), streams changes with pgoutput (10+),
 * and follows CREATE / DROP TABLE during change data capture from 14 (pgoutput passes the
 * event triggers' logical messages on from then).
 */
import { performsCdc } from '../../engines.js';
import type { IndividualAssessment } from '../../types.js';
import { failed, passed } from '../../verdict.js';
import { pgSourceApplies, serverVersionNum, versionText } from './pg-facts.js';

const minimum = 120000;
const ddlMessages = 140000;

export const postgresCheckDbversion: IndividualAssessment = {
  name: 'postgres-check-dbversion',
  applies: pgSourceApplies(),
  async run(ctx) {
    const num = await serverVersionNum(await ctx.source(), ctx.signal);
    const finding = [{ object: 'server_version', detail: versionText(num) }];
    if (num < minimum) {
      return failed(
        `The source runs PostgreSQL ${versionText(num)}; OpenDMS supports PostgreSQL ${versionText(minimum).replace(/\.0$/, '')} and later as a source.`,
        'Upgrade the source to PostgreSQL 12 or later (14 or later to have CREATE and DROP TABLE followed during change data capture).',
        finding,
      );
    }
    const note = performsCdc(ctx.subject.migrationType) && num < ddlMessages ? ' (before 14, tables created or dropped on the source during change data capture are not followed)' : '';
    return passed(`The source runs PostgreSQL ${versionText(num)}, which OpenDMS supports${note}.`, finding);
  },
};
