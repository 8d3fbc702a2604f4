/**
 * The generic key assessments of change data capture. OpenDMS applies an update or delete
 * to the target row with the same key; a table without primary key or unique constraint has
 * every column as its key, so each change is a comparison of whole rows (slow on big
 * tables, and a change of one of two identical rows touches either one).
 */
import { bothRelational, familyOf, performsCdc } from '../../engines.js';
import { tableKey } from '../../facts/table-facts.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, tableName, warning } from '../../verdict.js';

export const tableWithNoPrimaryKeyOrUniqueConstraint: IndividualAssessment = {
  name: 'table-with-no-primary-key-or-unique-constraint',
  applies: (source, target, type) => bothRelational(source, target) && performsCdc(type),
  async run(ctx) {
    const tables = (await ctx.selectedTables()).filter((t) => t.kind === 'table');
    const postgres = familyOf(ctx.subject.source.engineName) === 'postgres';
    const findings: Finding[] = tables
      .filter((t) => t.primaryKey.length === 0 && t.uniqueKeys.length === 0)
      .map((t) => ({
        object: tableName(t),
        detail: postgres
          ? 'no primary key or unique constraint: updates and deletes are captured only with REPLICA IDENTITY FULL, and each is applied by comparing every column'
          : 'no primary key or unique constraint: each update and delete is applied by comparing every column',
      }));
    if (findings.length === 0) return passed(`Every selected table has a primary key or unique constraint (${tables.length} checked).`);
    return warning(
      `${count(findings.length, 'selected table')} of ${tables.length} ${findings.length === 1 ? 'has' : 'have'} no primary key or unique constraint, which makes change data capture slow for ${findings.length === 1 ? 'it' : 'them'}.`,
      `Add a primary key (or a unique constraint on NOT NULL columns) to each table listed on the source${postgres ? ', or at least run ALTER TABLE ... REPLICA IDENTITY FULL on it so that its updates and deletes are captured' : ''}. A define-primary-key transformation rule gives the target table a key, which the apply then uses.`,
      findings,
    );
  },
};

export const targetTableHasUniqueKeyOrPrimaryKeyForCdc: IndividualAssessment = {
  name: 'target-table-has-unique-key-or-primary-key-for-cdc',
  applies: (source, target, type) => bothRelational(source, target) && performsCdc(type),
  async run(ctx) {
    const run = runFactsOf(ctx);
    const plan = await run.plan();
    const facts = await run.facts('target');
    const findings: Finding[] = [];
    let kept = 0;
    let created = 0;
    for (const t of plan.tables) {
      const existing = facts.get(tableKey(t.target));
      const fate = targetFateOf(ctx.subject, existing !== undefined);
      if (fate === 'missing') {
        findings.push({ object: tableName(t.target), detail: `does not exist on the target; a cdc task does not create tables (source ${tableName(t.source)})` });
        continue;
      }
      if (fate !== 'kept' || !existing) {
        created++;
        continue;
      }
      kept++;
      if (existing.primaryKey.length > 0) continue;
      if (existing.indexes.some((i) => i.unique && !i.partial && i.columns.every((c) => existing.columns.some((x) => x.name === c && !x.nullable)))) continue;
      const nullableUnique = existing.indexes.some((i) => i.unique && !i.partial);
      findings.push({
        object: tableName(t.target),
        detail: nullableUnique
          ? 'has no primary key, and its unique keys allow NULL: updates and deletes are applied by comparing every column (full scans)'
          : 'has no primary key or unique key: updates and deletes are applied by comparing every column (full scans)',
      });
    }
    const createdNote = created > 0 ? ` ${count(created, 'table')} will be created by the task with the source's primary key.` : '';
    if (findings.length === 0) {
      return passed(kept === 0 ? `No target table of the task exists yet.${createdNote}` : `Each of the ${count(kept, 'existing target table')} the task keeps has a primary key or unique key.${createdNote}`);
    }
    return warning(
      `${count(findings.length, 'target table')} of the task ${findings.length === 1 ? 'has' : 'have'} no usable primary key or unique key for change data capture, or ${findings.length === 1 ? 'is' : 'are'} missing.${createdNote}`,
      'Add a primary key or a unique key on NOT NULL columns to each existing target table listed (the same columns as the source key), and create the missing ones before starting a cdc task (or use full-load-and-cdc, whose full load creates them).',
      findings,
    );
  },
};
