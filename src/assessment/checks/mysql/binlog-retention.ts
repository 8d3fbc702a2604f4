/**
 * How long the source keeps its binary logs. Two sides of one setting, as DMS has two checks:
 * - expire-logs-days: logs are removed automatically at all (otherwise they fill the disk);
 * - binlog-retention-time: they are kept long enough for a stopped or slow task to resume
 *   (a log removed before the task read it is history lost: the task must reload).
 * The retention is binlog_expire_logs_seconds where the server has it and it is set (MySQL
 * 8.0+, MariaDB 10.6+), else expire_logs_days.
 */
import type { SqlInspector } from '../../../connectors/spi/index.js';
import type { IndividualAssessment } from '../../types.js';
import { passed, warning } from '../../verdict.js';
import { globalVariables, mysqlSourceApplies, type MysqlPrefix } from './mysql-facts.js';

/** DMS's recommendation: at least a day of binary logs. */
const minimumRetentionSeconds = 24 * 3600;

async function retentionOf(inspector: SqlInspector, signal: AbortSignal): Promise<{ seconds: number; variable: string; value: string }> {
  const v = await globalVariables(inspector, ['binlog_expire_logs_seconds', 'expire_logs_days'], signal);
  const secs = v.get('binlog_expire_logs_seconds');
  if (secs !== undefined && Number(secs) > 0) return { seconds: Number(secs), variable: 'binlog_expire_logs_seconds', value: secs };
  const days = v.get('expire_logs_days') ?? '0';
  return { seconds: Math.round(Number(days) * 86400), variable: 'expire_logs_days', value: days };
}

function durationText(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} hours`;
  return `${seconds} seconds`;
}

export function expireLogsDays(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-expire-logs-days`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const r = await retentionOf(await ctx.source(), ctx.signal);
      const finding = [{ object: r.variable, detail: r.value }];
      if (r.seconds > 0) return passed(`Binary logs are removed automatically after ${durationText(r.seconds)} (${r.variable}=${r.value}).`, finding);
      return warning(
        'Binary logs are never removed automatically (binlog_expire_logs_seconds and expire_logs_days are 0): they grow until the disk is full.',
        'Set binlog_expire_logs_seconds (MySQL 8.0+, MariaDB 10.6+) or expire_logs_days to a retention of at least one day longer than the task may be stopped (SET GLOBAL and the same in my.cnf; on Amazon RDS: CALL mysql.rds_set_configuration(\'binlog retention hours\', 24)), or purge old logs yourself (PURGE BINARY LOGS) once the task has read them.',
        finding,
      );
    },
  };
}

export function binlogRetentionTime(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-binlog-retention-time`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const r = await retentionOf(await ctx.source(), ctx.signal);
      const finding = [{ object: r.variable, detail: r.value }];
      if (r.seconds === 0) return passed('Binary logs are kept until they are removed by hand: a stopped task finds its position when it resumes.', finding);
      if (r.seconds >= minimumRetentionSeconds) return passed(`Binary logs are kept for ${durationText(r.seconds)}, at least the day a task needs to resume after a stop.`, finding);
      return warning(
        `Binary logs are kept for only ${durationText(r.seconds)}: a task stopped or behind for longer finds its position purged and has to reload its tables (reload-target).`,
        'Keep binary logs for at least 24 hours (binlog_expire_logs_seconds = 86400, or expire_logs_days = 1; on Amazon RDS: CALL mysql.rds_set_configuration(\'binlog retention hours\', 24)), longer if the task may be stopped longer.',
        finding,
      );
    },
  };
}
