/**
 * Foreign keys around a MySQL/MariaDB task:
 * - fk-target: existing target tables the task keeps that have foreign keys: the full load
 *   fills tables in parallel and in no parent-first order, and a table referenced by another
 *   cannot simply be emptied (TRUNCATE_BEFORE_LOAD).
 * - cascade-constraints: ON DELETE / ON UPDATE actions on the source. InnoDB performs them
 *   inside the storage engine, so the rows they change are not written to the row-based
 *   binary log: change data capture never sees them, and the target keeps those rows unless
 *   it has the same constraint.
 */
import { familyOf } from '../../engines.js';
import { tableKey } from '../../facts/table-facts.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, tableName, warning } from '../../verdict.js';
import { mysqlSourceApplies, type MysqlPrefix } from './mysql-facts.js';

export function fkTarget(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-fk-target`,
    applies: mysqlSourceApplies(prefix),
    async run(ctx) {
      const run = runFactsOf(ctx);
      const [plan, facts] = await Promise.all([run.plan(), run.facts('target')]);
      const findings: Finding[] = [];
      for (const t of plan.tables) {
        const existing = facts.get(tableKey(t.target));
        if (!existing || targetFateOf(ctx.subject, true) !== 'kept') continue;
        for (const f of existing.foreignKeys) findings.push({ object: tableName(t.target), detail: `foreign key ${f.name} (${f.columns.join(', ')}) references ${f.references}` });
      }
      if (findings.length === 0) return passed('No existing target table the task writes into has a foreign key.');
      const pg = familyOf(ctx.subject.target.engineName) === 'postgres';
      return warning(
        `${count(findings.length, 'foreign key')} on existing target tables of the task: the full load fills tables in parallel, not parents first, and changes are applied in source order, so rows may arrive before the rows they reference.`,
        pg
          ? 'Drop the foreign keys listed before the full load and create them again after it (or make them DEFERRABLE INITIALLY DEFERRED), or let the task create its tables (TargetTablePrepMode DROP_AND_CREATE).'
          : 'Drop the foreign keys listed before the full load and create them again after it (OpenDMS writes with foreign_key_checks=0, but TRUNCATE of a referenced table still fails), or let the task create its tables (TargetTablePrepMode DROP_AND_CREATE).',
        findings,
      );
    },
  };
}

export function cascadeConstraints(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-cascade-constraints`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const run = runFactsOf(ctx);
      const [plan, facts] = await Promise.all([run.plan(), run.facts('source')]);
      const findings: Finding[] = [];
      for (const t of plan.tables) {
        for (const f of facts.get(tableKey(t.source))?.foreignKeys ?? []) {
          const actions = [
            ...(f.onDelete === 'CASCADE' || f.onDelete === 'SET NULL' || f.onDelete === 'SET DEFAULT' ? [`ON DELETE ${f.onDelete}`] : []),
            ...(f.onUpdate === 'CASCADE' || f.onUpdate === 'SET NULL' || f.onUpdate === 'SET DEFAULT' ? [`ON UPDATE ${f.onUpdate}`] : []),
          ];
          if (actions.length > 0) findings.push({ object: tableName(t.source), detail: `foreign key ${f.name} (${f.columns.join(', ')}) references ${f.references} ${actions.join(' ')}` });
        }
      }
      if (findings.length === 0) return passed('No foreign key of the selected tables cascades changes (ON DELETE / ON UPDATE CASCADE or SET NULL).');
      return warning(
        `${count(findings.length, 'foreign key')} of the selected tables ${findings.length === 1 ? 'cascades' : 'cascade'} changes: the rows a cascade changes are not in the binary log, so change data capture does not replicate them.`,
        'Create the same foreign keys (with the same actions) on the target so that it cascades too, or change the application to delete or update the child rows itself; check the child tables after the cutover.',
        findings,
      );
    },
  };
}
