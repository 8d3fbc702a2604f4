/**
 * Server-wide settings of a MySQL/MariaDB task's endpoints: the source's version, its
 * statement time limit (which would cut a full load's long SELECTs), and LOAD DATA LOCAL on
 * a MySQL-family target (the fast path of OpenDMS's writer).
 */
import { performsFullLoad } from '../../engines.js';
import type { IndividualAssessment } from '../../types.js';
import { failed, passed, warning } from '../../verdict.js';
import { atLeast, globalVariables, isOn, mysqlSourceApplies, type MysqlPrefix } from './mysql-facts.js';

/** The oldest servers OpenDMS reads: MySQL 5.7 (JSON, GENERATION_EXPRESSION), MariaDB 10.2 (CHECK_CONSTRAINTS, JSON aliases). */
const minimum = { mysql: [5, 7, 0], mariadb: [10, 2, 0] } as const;

export function supportedVersion(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-supported-version`,
    applies: mysqlSourceApplies(prefix),
    async run(ctx) {
      const source = await ctx.source();
      const wanted = minimum[source.flavour === 'mariadb' ? 'mariadb' : 'mysql'];
      const product = source.flavour === 'mariadb' ? 'MariaDB' : 'MySQL';
      const finding = [{ object: 'version', detail: source.version }];
      if (atLeast(source.version, wanted)) return passed(`The source runs ${product} ${source.version}, which OpenDMS supports.`, finding);
      return failed(`The source runs ${product} ${source.version}; OpenDMS supports ${product} ${wanted.slice(0, 2).join('.')} and later.`, `Upgrade the source to ${product} ${wanted.slice(0, 2).join('.')} or later.`, finding);
    },
  };
}

export function targetLocalinfileSet(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-target-localinfile-set`,
    applies: mysqlSourceApplies(prefix, { mysqlTarget: true, fullLoad: true }),
    async run(ctx) {
      const v = await globalVariables(await ctx.target(), ['local_infile'], ctx.signal);
      const on = isOn(v.get('local_infile'));
      const finding = [{ object: 'local_infile', detail: on ? 'ON' : 'OFF' }];
      if (on) return passed('local_infile is ON on the target: the full load writes with LOAD DATA LOCAL INFILE.', finding);
      return warning(
        'local_infile is OFF on the target: the full load falls back to multi-row INSERTs, which are slower than LOAD DATA LOCAL INFILE.',
        'Run SET GLOBAL local_infile = 1 on the target (and set local_infile = 1 in my.cnf; on Amazon RDS and Aurora in the parameter group).',
        finding,
      );
    },
  };
}

export function maxStatementTime(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-max-statement-time`,
    applies: mysqlSourceApplies(prefix),
    async run(ctx) {
      const source = await ctx.source();
      const mariadb = source.flavour === 'mariadb';
      // MariaDB: max_statement_time in seconds (any statement); MySQL: max_execution_time in ms (SELECTs).
      const variable = mariadb ? 'max_statement_time' : 'max_execution_time';
      const v = await globalVariables(source, [variable], ctx.signal);
      const raw = v.get(variable) ?? '0';
      const seconds = mariadb ? Number(raw) : Number(raw) / 1000;
      const finding = [{ object: variable, detail: raw }];
      if (!(seconds > 0)) return passed(`${variable} is 0 on the source: statements are not limited in time.`, finding);
      const load = performsFullLoad(ctx.subject.migrationType);
      return warning(
        `${variable} is ${raw} on the source: the server stops any ${mariadb ? 'statement' : 'SELECT'} after ${seconds} s${load ? ', which cuts the full load of a big table' : ''}.`,
        `Set ${variable} = 0 globally (SET GLOBAL ${variable} = 0, and in my.cnf; on Amazon RDS and Aurora in the parameter group), or for the endpoint's user only${mariadb ? ` (ALTER USER ... WITH MAX_STATEMENT_TIME 0)` : ''}.`,
        finding,
      );
    },
  };
}
