/**
 * The endpoint users' privileges on MySQL and MariaDB (from SHOW GRANTS: mysql-grants.ts):
 * replication for change data capture, SELECT for the full load, and on a MySQL-family
 * target what creating and writing the task's tables takes.
 */
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import { tableKey } from '../../facts/table-facts.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, failed, passed, tableName } from '../../verdict.js';
import { mysqlSourceApplies, type MysqlPrefix } from './mysql-facts.js';
import { readGrants } from './mysql-grants.js';

export function replicationPrivileges(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-replication-privileges`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const source = await ctx.source();
      const grants = await readGrants(source, ctx.signal);
      const mariadb = source.flavour === 'mariadb';
      const slave = grants.has('REPLICATION SLAVE') || grants.has('REPLICATION REPLICA');
      const client = grants.has('REPLICATION CLIENT') || grants.has('BINLOG MONITOR') || grants.has('SUPER');
      const clientName = mariadb ? 'BINLOG MONITOR' : 'REPLICATION CLIENT';
      if (slave && client) return passed(`The user ${source.user} has REPLICATION SLAVE and ${clientName}: it may read the binary log.`);
      const missing = [...(slave ? [] : ['REPLICATION SLAVE']), ...(client ? [] : [clientName])];
      return failed(
        `The user ${source.user} lacks ${missing.join(' and ')}, which change data capture needs to read the binary log.`,
        `Run GRANT REPLICATION SLAVE, ${clientName} ON *.* TO the endpoint's user${mariadb ? ' (before MariaDB 10.5: REPLICATION CLIENT instead of BINLOG MONITOR)' : ''}.`,
        missing.map((p) => ({ object: p, detail: `missing global privilege of ${source.user}` })),
      );
    },
  };
}

export function selectPrivileges(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-select-privileges`,
    applies: mysqlSourceApplies(prefix),
    async run(ctx) {
      const [tables, source] = await Promise.all([ctx.selectedTables(), ctx.source()]);
      const grants = await readGrants(source, ctx.signal);
      const findings: Finding[] = tables.filter((t) => !grants.has('SELECT', t.schema, t.name)).map((t) => ({ object: tableName(t), detail: 'missing SELECT' }));
      if (findings.length === 0) return passed(`The user ${source.user} may read the ${count(tables.length, 'selected table')}.`);
      const schemas = [...new Set(tables.map((t) => t.schema))];
      return failed(
        `The user ${source.user} may not read ${count(findings.length, 'selected table')}.`,
        `Grant SELECT on the tables listed, for example GRANT SELECT ON ${schemas.map((s) => `\`${s}\`.*`).join(', ')} TO the endpoint's user (one statement per database).`,
        findings,
      );
    },
  };
}

/** What the task does on a MySQL target: create databases and tables, load and change rows, and replace tables. */
const tablePrivileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'INDEX'] as const;

export function targetPrivileges(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-target-privileges`,
    applies: mysqlSourceApplies(prefix, { mysqlTarget: true }),
    async run(ctx) {
      const run = runFactsOf(ctx);
      const [plan, target, facts] = await Promise.all([run.plan(), ctx.target(), run.facts('target')]);
      const grants = await readGrants(target, ctx.signal);
      const schemas = [...new Set(plan.tables.map((t) => t.target.schema))];
      if (schemas.length === 0) return passed('The task selects no table, so it writes nothing on the target.');
      const schemaRows = await target.query<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [schemas], ctx.signal);
      const schemasThere = new Set(schemaRows.map((r) => r.name));
      const findings: Finding[] = [];
      for (const schema of schemas) {
        if (!schemasThere.has(schema) && !grants.has('CREATE', schema)) findings.push({ object: schema, detail: 'database does not exist and the user may not create it: missing CREATE' });
        const tables = plan.tables.filter((t) => t.target.schema === schema);
        // Privileges on the database (or globally) cover every table; otherwise look table by table.
        const missing = tablePrivileges.filter((p) => !grants.has(p, schema));
        if (missing.length === 0) continue;
        for (const t of tables) {
          const exists = facts.has(tableKey(t.target));
          const fate = targetFateOf(ctx.subject, exists);
          const needed = fate === 'kept' ? (['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const) : tablePrivileges;
          const lacking = needed.filter((p) => !grants.has(p, schema, t.target.name));
          if (lacking.length > 0) findings.push({ object: tableName(t.target), detail: `missing ${lacking.join(', ')}` });
        }
      }
      if (findings.length === 0) return passed(`The user ${target.user} may create and write the ${count(plan.tables.length, 'target table')} of the task.`);
      return failed(
        `The user ${target.user} lacks privileges the task needs on the target (${count(findings.length, 'object')}).`,
        `Run GRANT ${tablePrivileges.join(', ')} ON \`<database>\`.* TO the endpoint's user for each target database listed (and CREATE ON *.* when the task must create databases).`,
        findings,
      );
    },
  };
}
