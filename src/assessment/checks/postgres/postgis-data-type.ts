/**
 * postgres-check-postgis-data-type: PostGIS columns (geometry, geography) have no neutral
 * type: they travel as PostgreSQL's text form (hex EWKB) and are created as the same type
 * only on a PostgreSQL target that has PostGIS; anywhere else they become text.
 */
import { familyOf } from '../../engines.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, passed, warning } from '../../verdict.js';
import { pgSourceApplies } from './pg-facts.js';

const postgisType = /^(?:"?[\w$]+"?\.)?"?(geometry|geography)"?\b/i;

export const postgresCheckPostgisDataType: IndividualAssessment = {
  name: 'postgres-check-postgis-data-type',
  applies: pgSourceApplies(),
  async run(ctx) {
    const tables = await ctx.selectedTables();
    const columns: Finding[] = [];
    for (const t of tables) for (const c of t.columns) if (postgisType.test(c.nativeType)) columns.push({ object: `${t.schema}.${t.name}.${c.name}`, detail: c.nativeType });
    if (columns.length === 0) return passed(`No selected table has a PostGIS column (${tables.length} checked).`);
    if (familyOf(ctx.subject.target.engineName) === 'postgres') {
      const [r] = await (await ctx.target()).query<{ geometry: boolean; geography: boolean }>(
        "SELECT pg_catalog.to_regtype('geometry') IS NOT NULL AS geometry, pg_catalog.to_regtype('geography') IS NOT NULL AS geography",
        [],
        ctx.signal,
      );
      const missing = columns.filter((c) => !(/geography/i.test(c.detail) ? r?.geography : r?.geometry));
      if (missing.length === 0) return passed(`${count(columns.length, 'PostGIS column')} of the selected tables ${columns.length === 1 ? 'is' : 'are'} created with the same type: the target has PostGIS.`, columns);
      return warning(
        `${count(missing.length, 'PostGIS column')} of the selected tables would be created as text: the target database has no PostGIS types.`,
        'Install PostGIS in the target database (CREATE EXTENSION postgis) before the task runs, so the columns keep their types.',
        missing.map((c) => ({ object: c.object, detail: `${c.detail}: created as text holding hex EWKB` })),
      );
    }
    return warning(
      `${count(columns.length, 'PostGIS column')} of the selected tables ${columns.length === 1 ? 'has' : 'have'} no equivalent on the target and ${columns.length === 1 ? 'is' : 'are'} loaded as LONGTEXT holding PostgreSQL's text form (hex EWKB).`,
      "Convert the columns into the target's spatial type after the load (the text is PostGIS's extended WKB in hex), or leave them out with a remove-column transformation rule.",
      columns.map((c) => ({ object: c.object, detail: `${c.detail}: loaded as LONGTEXT (hex EWKB)` })),
    );
  },
};
