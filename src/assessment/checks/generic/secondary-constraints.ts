/**
 * all-check-secondary-constraints: the source's secondary objects (indexes other than the
 * primary key's, unique constraints, foreign keys, check constraints) that the target will
 * lack. OpenDMS creates a target table with its primary key only, as DMS does; the others
 * appear there only when the target table already has them and the task keeps it, or when
 * OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad creates them after a DROP_AND_CREATE
 * full load.
 */
import { bothRelational, performsFullLoad } from '../../engines.js';
import { hasIndexOn, sameColumns, tableKey, type IndexFact } from '../../facts/table-facts.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import { settingsOf } from '../../task-settings.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, tableName, warning } from '../../verdict.js';

function describeIndex(i: IndexFact): string {
  const what = i.constraint ? 'unique constraint' : i.unique ? 'unique index' : 'index';
  return `${what} ${i.name} (${i.columns.join(', ')})${i.partial ? ' (partial)' : ''}`;
}

export const allCheckSecondaryConstraints: IndividualAssessment = {
  name: 'all-check-secondary-constraints',
  applies: (source, target) => bothRelational(source, target),
  async run(ctx) {
    const run = runFactsOf(ctx);
    const settings = settingsOf(ctx.subject);
    const plan = await run.plan();
    const [sourceFacts, targetFacts] = await Promise.all([run.facts('source'), run.facts('target')]);
    const findings: Finding[] = [];
    let present = 0;
    let createdLater = 0;
    for (const t of plan.tables) {
      const src = sourceFacts.get(tableKey(t.source));
      if (!src) continue;
      const existing = targetFacts.get(tableKey(t.target));
      const fate = targetFateOf(ctx.subject, existing !== undefined);
      const kept = fate === 'kept' ? existing : undefined;
      const byOpenDms = settings.createSecondaryObjects && performsFullLoad(ctx.subject.migrationType) && settings.targetTablePrepMode === 'DROP_AND_CREATE' && (fate === 'created' || fate === 'recreated');
      const targetNames = new Map(t.columns.flatMap((c) => (c.kind === 'source' ? [[c.sourceName, c.targetName] as const] : [])));
      // Columns on the target, or undefined when one of them is not migrated (removed, an expression).
      const mapped = (cols: readonly string[]): string[] | undefined => {
        const out = cols.map((c) => targetNames.get(c));
        return out.every((c): c is string => c !== undefined) ? out : undefined;
      };
      const missing = (what: string): void => {
        if (byOpenDms) {
          createdLater++;
          return;
        }
        findings.push({
          object: tableName(t.source),
          detail: `${what}: ${kept ? `the existing target table ${tableName(t.target)} has no equivalent` : `not created on the target table ${tableName(t.target)} (OpenDMS creates the primary key only)`}`,
        });
      };
      for (const i of src.indexes) {
        // MySQL creates an index for each foreign key; the foreign key's finding covers it.
        if (src.foreignKeys.some((f) => f.name === i.name && sameColumns(f.columns, i.columns))) continue;
        const cols = mapped(i.columns);
        if (kept && cols && hasIndexOn(kept.indexes, cols, i.unique)) {
          present++;
          continue;
        }
        missing(describeIndex(i));
      }
      for (const f of src.foreignKeys) {
        const cols = mapped(f.columns);
        if (kept && cols && kept.foreignKeys.some((k) => sameColumns(k.columns, cols))) {
          present++;
          continue;
        }
        missing(`foreign key ${f.name} (${f.columns.join(', ')}) references ${f.references}${f.onDelete !== 'NO ACTION' && f.onDelete !== 'RESTRICT' ? ` ON DELETE ${f.onDelete}` : ''}`);
      }
      for (const c of src.checks) {
        if (kept?.checks.some((k) => k.name === c.name)) {
          present++;
          continue;
        }
        missing(`check constraint ${c.name} ${c.definition}`);
      }
    }
    const notes = [
      ...(present > 0 ? [`${count(present, 'object')} already on the existing target tables`] : []),
      ...(createdLater > 0 ? [`${count(createdLater, 'object')} created by OpenDMS after the full load (CreateSecondaryObjectsAfterFullLoad)`] : []),
    ];
    const note = notes.length ? ` (${notes.join('; ')})` : '';
    if (findings.length === 0) {
      return passed(`The target will have every secondary index and constraint of the ${count(plan.tables.length, 'selected table')}${note}.`);
    }
    const tables = new Set(findings.map((f) => f.object)).size;
    return warning(
      `${count(findings.length, 'secondary index or constraint', 'secondary indexes and constraints')} of ${count(tables, 'source table')} will not exist on the target${note}.`,
      'Create the listed objects on the target yourself once the full load is done (foreign keys after cutover, or keep them disabled while changes are applied), or set OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad to true with FullLoadSettings.TargetTablePrepMode DROP_AND_CREATE so that OpenDMS creates them after the full load.',
      findings,
    );
  },
};
