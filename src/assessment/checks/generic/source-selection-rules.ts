/**
 * all-check-source-selection-rules: the task's selection rules select at least one object of
 * the source, and each include or explicit rule matches something. Matched against the same
 * catalog and with the same matching as the engine (engine/mapping selection), so a rule
 * reported here is a rule the task would ignore.
 */
import { selectionMatches } from '../../../engine/mapping/selection.js';
import type { SelectionRule } from '../../../engine/mapping/index.js';
import { bothRelational } from '../../engines.js';
import { runFactsOf } from '../../run-context.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, failed, passed, warning } from '../../verdict.js';

function describe(r: SelectionRule): string {
  const l = r.objectLocator;
  return `${r.ruleAction} schema-name '${l.schemaName}', table-name '${l.tableName ?? '%'}'${l.tableType ? `, table-type ${l.tableType}` : ''}`;
}

export const allCheckSourceSelectionRules: IndividualAssessment = {
  name: 'all-check-source-selection-rules',
  applies: (source, target) => bothRelational(source, target),
  async run(ctx) {
    const run = runFactsOf(ctx);
    const rules = run.mappings().rules.filter((r): r is SelectionRule => r.ruleType === 'selection');
    const [catalog, selected] = await Promise.all([run.catalog(), ctx.selectedTables()]);
    const findings: Finding[] = [];
    for (const r of rules) {
      if (r.ruleAction === 'exclude') continue;
      if (catalog.some((t) => selectionMatches(r, t))) continue;
      findings.push({ object: `rule ${r.ruleId} (${r.ruleName})`, detail: `${describe(r)} matches no table or view of the source (names are case-sensitive)` });
    }
    const schemas = [...new Set(catalog.map((t) => t.schema))].sort();
    const where = `the source has ${count(catalog.length, 'table or view', 'tables and views')}${schemas.length ? ` in ${schemas.length === 1 ? 'schema' : 'schemas'} ${schemas.slice(0, 10).join(', ')}${schemas.length > 10 ? ' ...' : ''}` : ''}`;
    if (selected.length === 0) {
      return failed(
        `The selection rules select no object of the source (${where}).`,
        "Correct the schema-name and table-name of the selection rules (wildcard '%'; names are case-sensitive) so that they name existing tables, or check that the endpoint's DatabaseName is the database that holds them.",
        findings.length ? findings : [{ object: 'selection rules', detail: 'every selected table is removed by exclude rules' }],
      );
    }
    if (findings.length > 0) {
      return warning(
        `${count(findings.length, 'selection rule')} of ${rules.length} ${findings.length === 1 ? 'matches' : 'match'} nothing in the source; the others select ${count(selected.length, 'table')}.`,
        "Correct or remove the rules listed: check the schema-name and table-name (wildcard '%'; names are case-sensitive) against the source's schemas and tables.",
        findings,
      );
    }
    return passed(`The selection rules select ${count(selected.length, 'object')} of the source, and each include rule matches at least one.`);
  },
};
