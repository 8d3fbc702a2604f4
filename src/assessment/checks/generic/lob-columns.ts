/**
 * The two generic LOB assessments:
 * - full-lob-not-nullable-at-target: in full LOB mode DMS writes a row first and its LOBs
 *   after, so it requires LOB columns to accept NULL on the target. OpenDMS writes LOB values
 *   with their row, so for OpenDMS this is a warning, not a failure: the column works, but
 *   the same task would fail on DMS, and the report says so before anyone relies on it.
 * - table-with-lob-but-without-primary-key-or-unique-constraint: LOBs are looked up (DMS) and
 *   changes applied (OpenDMS) by the row's key; without one, every column is the key.
 */
import { isLob } from '../../../connectors/spi/index.js';
import type { TablePlan } from '../../../engine/mapping/index.js';
import { bothRelational, familyOf } from '../../engines.js';
import { tableKey } from '../../facts/table-facts.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import { settingsOf, type AssessedSettings } from '../../task-settings.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { columnName, count, passed, tableName, warning } from '../../verdict.js';

/** True when the table's LOBs travel in full LOB mode (its lob-settings win over the task's, as in the engine). */
function inFullLobMode(t: TablePlan, s: AssessedSettings): boolean {
  if (t.lob?.mode === 'unlimited') return true;
  if (t.lob?.mode === 'limited') return false;
  return s.supportLobs && s.fullLobMode;
}

export const fullLobNotNullableAtTarget: IndividualAssessment = {
  name: 'full-lob-not-nullable-at-target',
  applies: (source, target) => bothRelational(source, target),
  async run(ctx) {
    const settings = settingsOf(ctx.subject);
    const run = runFactsOf(ctx);
    const plan = await run.plan();
    const full = plan.tables.filter((t) => inFullLobMode(t, settings) && t.columns.some((c) => c.kind === 'source' && c.isLob));
    if (full.length === 0) {
      return passed(
        settings.fullLobMode
          ? 'No selected table has LOB columns, so full LOB mode has nothing to write.'
          : 'Full LOB mode is not used (TargetMetadata.FullLobMode is false and no table-settings rule asks for unlimited LOBs), so LOB nullability does not matter.',
      );
    }
    const targetFacts = await run.facts('target');
    const findings: Finding[] = [];
    for (const t of full) {
      const existing = targetFacts.get(tableKey(t.target));
      const kept = targetFateOf(ctx.subject, existing !== undefined) === 'kept';
      for (const c of t.columns) {
        if (c.kind !== 'source' || !c.isLob) continue;
        // A table the task creates takes the source's nullability; one it keeps has its own.
        const targetColumn = kept ? existing?.columns.find((x) => x.name === c.targetName) : undefined;
        const nullable = kept ? targetColumn?.nullable ?? true : c.nullable;
        if (nullable) continue;
        findings.push({
          object: columnName(t.target, c.targetName),
          detail: kept
            ? `LOB column ${c.targetName} (${targetColumn?.type ?? 'LOB'}) of the existing target table is NOT NULL`
            : `LOB column ${c.sourceName} of ${tableName(t.source)} is NOT NULL on the source, so the task creates it NOT NULL on the target`,
        });
      }
    }
    if (findings.length === 0) {
      return passed(`Every LOB column of the ${count(full.length, 'table')} loaded in full LOB mode accepts NULL on the target.`);
    }
    const pg = familyOf(ctx.subject.target.engineName) === 'postgres';
    return warning(
      `${count(findings.length, 'LOB column')} loaded in full LOB mode ${findings.length === 1 ? 'is' : 'are'} NOT NULL on the target; DMS requires LOB columns to accept NULL in full LOB mode.`,
      `Make the target columns nullable: create the target tables yourself with the LOB columns nullable (${pg ? 'ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL' : 'ALTER TABLE ... MODIFY ... NULL'}) and set FullLoadSettings.TargetTablePrepMode to DO_NOTHING or TRUNCATE_BEFORE_LOAD, or use limited LOB mode (TargetMetadata.FullLobMode false, LimitedSizeLobMode true with a LobMaxSize that fits your data).`,
      findings,
    );
  },
};

export const tableWithLobButWithoutPrimaryKeyOrUniqueConstraint: IndividualAssessment = {
  name: 'table-with-lob-but-without-primary-key-or-unique-constraint',
  applies: (source, target) => bothRelational(source, target),
  async run(ctx) {
    const tables = await ctx.selectedTables();
    const findings: Finding[] = [];
    let withLobs = 0;
    for (const t of tables) {
      const lobs = t.columns.filter((c) => isLob(c.type));
      if (lobs.length === 0) continue;
      withLobs++;
      if (t.primaryKey.length > 0 || t.uniqueKeys.length > 0) continue;
      findings.push({ object: tableName(t), detail: `has LOB columns (${lobs.map((c) => `${c.name} ${c.nativeType}`).join(', ')}) but no primary key or unique constraint` });
    }
    if (findings.length === 0) {
      return passed(withLobs === 0 ? `No selected table has LOB columns (${tables.length} checked).` : `Every selected table with LOB columns has a primary key or unique constraint (${withLobs} checked).`);
    }
    return warning(
      `${count(findings.length, 'selected table')} with LOB columns ${findings.length === 1 ? 'has' : 'have'} no primary key or unique constraint.`,
      'Add a primary key (or a unique constraint on NOT NULL columns) to each table listed on the source, or give it one on the target with a define-primary-key transformation rule. Without a key, DMS cannot look LOBs up, and every change is applied by comparing all columns, LOBs included.',
      findings,
    );
  },
};
