/**
 * postgres-check-similar-table-name: PostgreSQL tells `Orders` and `orders` apart, many tools
 * and targets do not: a MySQL target on a case-insensitive file system (lower_case_table_names
 * 1 or 2) would put both into one table, and people reading the target confuse them. Decided
 * on the target names of the plan (after rename rules), where the collision would happen.
 */
import type { Finding, IndividualAssessment } from '../../types.js';
import { runFactsOf } from '../../run-context.js';
import { familyOf } from '../../engines.js';
import { count, failed, passed, tableName, warning } from '../../verdict.js';
import { pgSourceApplies } from './pg-facts.js';

export const postgresCheckSimilarTableName: IndividualAssessment = {
  name: 'postgres-check-similar-table-name',
  applies: pgSourceApplies(),
  async run(ctx) {
    const plan = await runFactsOf(ctx).plan();
    const groups = new Map<string, { source: string; target: string }[]>();
    for (const t of plan.tables) {
      const key = `${t.target.schema.toLowerCase()}\u0000${t.target.name.toLowerCase()}`;
      groups.set(key, [...(groups.get(key) ?? []), { source: tableName(t.source), target: tableName(t.target) }]);
    }
    const similar = [...groups.values()].filter((g) => g.length > 1);
    if (similar.length === 0) return passed(`No two selected tables have target names that differ only in letter case (${plan.tables.length} checked).`);
    const findings: Finding[] = similar.flatMap((g) => g.map((x) => ({ object: x.source, detail: `target ${x.target}; differs only in letter case from ${g.filter((y) => y !== x).map((y) => y.target).join(', ')}` })));
    let caseInsensitive = false;
    if (familyOf(ctx.subject.target.engineName) !== 'postgres') {
      const [r] = await (await ctx.target()).query<{ l: string | number }>('SELECT @@lower_case_table_names AS l', [], ctx.signal);
      caseInsensitive = Number(r?.l ?? 0) !== 0;
    }
    const advice = 'Give the tables names that differ in more than letter case on the target, with rename transformation rules (rule-target table, rule-action rename), or leave one of them out with an exclude selection rule.';
    if (caseInsensitive) {
      return failed(
        `${count(similar.length, 'group')} of selected tables ${similar.length === 1 ? 'has' : 'have'} target names that differ only in letter case, and the target compares table names case-insensitively (lower_case_table_names is not 0): they would collide.`,
        advice,
        findings,
      );
    }
    return warning(`${count(similar.length, 'group')} of selected tables ${similar.length === 1 ? 'has' : 'have'} target names that differ only in letter case.`, advice, findings);
  },
};
