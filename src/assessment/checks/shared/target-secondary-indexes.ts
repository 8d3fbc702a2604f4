/**
 * Secondary indexes on existing target tables during a full load (DMS's
 * postgres-check-target-secondary-indexes and mysql/mariadb-check-secondary-indexes): every
 * loaded row updates every index, which makes a full load several times slower than into
 * bare tables. Only tables the task keeps matter; DROP_AND_CREATE creates them bare.
 */
import { bothRelational, familyOf, performsFullLoad, type EngineFamily } from '../../engines.js';
import { tableKey } from '../../facts/table-facts.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, tableName, warning } from '../../verdict.js';

export function targetSecondaryIndexes(name: string, sourceApplies: (sourceEngine: string) => boolean): IndividualAssessment {
  return {
    name,
    applies: (source, target, type) => sourceApplies(source) && bothRelational(source, target) && performsFullLoad(type),
    async run(ctx) {
      const run = runFactsOf(ctx);
      const plan = await run.plan();
      const facts = await run.facts('target');
      const findings: Finding[] = [];
      let kept = 0;
      for (const t of plan.tables) {
        const existing = facts.get(tableKey(t.target));
        if (!existing || targetFateOf(ctx.subject, true) !== 'kept') continue;
        kept++;
        // Without a primary key, the first unique index is the key changes are applied by: not secondary.
        const keyIndex = existing.primaryKey.length === 0 ? existing.indexes.find((i) => i.unique && !i.partial) : undefined;
        const secondary = existing.indexes.filter((i) => i !== keyIndex);
        if (secondary.length === 0) continue;
        findings.push({ object: tableName(t.target), detail: `has ${count(secondary.length, 'secondary index', 'secondary indexes')}: ${secondary.map((i) => `${i.name} (${i.columns.join(', ')})`).join(', ')}` });
      }
      if (findings.length === 0) {
        return passed(kept === 0 ? 'The full load creates every target table itself (or none exists yet), without secondary indexes.' : `No existing target table the full load writes into has secondary indexes (${kept} checked).`);
      }
      const family: EngineFamily | undefined = familyOf(ctx.subject.target.engineName);
      return warning(
        `${count(findings.length, 'existing target table')} the full load writes into ${findings.length === 1 ? 'has' : 'have'} secondary indexes, which slow the load down.`,
        `Drop the secondary indexes listed before the full load and create them again once it is done (${family === 'postgres' ? 'DROP INDEX / CREATE INDEX' : 'ALTER TABLE ... DROP INDEX / ADD INDEX'}), or let the task create its tables (FullLoadSettings.TargetTablePrepMode DROP_AND_CREATE). Keep a unique index the change apply needs when the table has no primary key.`,
        findings,
      );
    },
  };
}
