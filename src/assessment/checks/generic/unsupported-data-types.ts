/**
 * unsupported-data-types-in-source: source columns whose types OpenDMS carries to the target
 * only approximately, as docs/architecture/05-type-mapping*.md list them. Decided on the
 * planned target type (after change-data-type rules) and the target's family, the same
 * facts the target connector decides its DDL on, so the report says what the load will do.
 *
 * OpenDMS maps every source type to something (a type without a neutral equivalent travels
 * as the engine's text form): nothing is "not supported", so findings are warnings whose
 * detail says what the column becomes and what can be lost.
 */
import type { NeutralType } from '../../../connectors/spi/index.js';
import { bothRelational, dialectOf, productOf } from '../../engines.js';
import { runFactsOf } from '../../run-context.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { columnName, count, listed, passed, warning } from '../../verdict.js';

/**
 * What the column becomes when it is not what the source holds, or undefined when it
 * travels exactly. `targetHas` says whether a PostgreSQL target knows a native type.
 */
export function approximation(col: { readonly sourceType: NeutralType; readonly targetType: NeutralType }, sourceDialect: 'postgres' | 'mysql', targetDialect: 'postgres' | 'mysql', targetHas: (type: string) => boolean): string | undefined {
  const t = col.targetType;
  if (targetDialect === 'mysql') {
    switch (t.kind) {
      case 'native':
        if (t.engine === 'mysql') return undefined;
        return `no MySQL equivalent: created as LONGTEXT holding PostgreSQL's text form of each value`;
      case 'array':
        return 'created as LONGTEXT holding the PostgreSQL array literal (no array type in MySQL)';
      case 'decimal':
        if (t.precision === undefined) return 'unconstrained numeric: created as DECIMAL(65,30); more than 30 decimals are rounded and more than 35 integer digits are refused';
        if (t.precision > 65 || (t.scale ?? 0) > 30) return `created as DECIMAL(${Math.min(t.precision, 65)},${Math.min(t.scale ?? 0, 30)}) (MySQL's limits are 65 digits, 30 decimals): wider values are refused or rounded`;
        return undefined;
      case 'timestamp':
        if (t.withTimeZone) return 'created as DATETIME holding UTC: the instant is kept, the time zone offset is not';
        return undefined;
      case 'bit':
        if (t.varying || t.length > 64) return 'created as VARCHAR of 0/1 digits (MySQL BIT holds 1 to 64 fixed bits)';
        return undefined;
      default:
        return undefined;
    }
  }
  switch (t.kind) {
    case 'native':
      if (t.engine === 'mysql') return `no PostgreSQL equivalent: created as text holding ${sourceDialect === 'mysql' ? 'MySQL' : 'the source'}'s text form of each value${/geometry|point|linestring|polygon/i.test(t.type) ? ' (extended WKT; cast it to PostGIS geometry afterwards)' : ''}`;
      return targetHas(t.type) ? undefined : `the target has no type ${t.type} (an extension that is not installed there?): created as text`;
    case 'set':
      return 'no SET type in PostgreSQL: created as text holding the comma-separated members';
    case 'boolean':
      if (sourceDialect === 'mysql' && col.sourceType.kind === 'boolean') return 'TINYINT(1) is created as boolean: values other than 0 and 1 are refused as data errors';
      return undefined;
    case 'time':
      if (sourceDialect === 'mysql' && col.sourceType.kind === 'time') return 'MySQL TIME holds -838:59:59 to 838:59:59, PostgreSQL time only 00:00:00 to 24:00:00: values outside are refused as data errors';
      return undefined;
    default:
      return undefined;
  }
}

export const unsupportedDataTypesInSource: IndividualAssessment = {
  name: 'unsupported-data-types-in-source',
  applies: (source, target) => bothRelational(source, target),
  async run(ctx) {
    const run = runFactsOf(ctx);
    const plan = await run.plan();
    const sourceDialect = dialectOf(ctx.subject.source.engineName)!;
    const targetDialect = dialectOf(ctx.subject.target.engineName)!;
    const tables = await ctx.selectedTables();
    const nativeOf = new Map(tables.flatMap((t) => t.columns.map((c) => [`${t.schema}\u0000${t.name}\u0000${c.name}`, c.nativeType] as const)));

    // A PostgreSQL target creates a native PostgreSQL type only when it has it: ask it once per type.
    const nativeTypes = new Set<string>();
    if (targetDialect === 'postgres') {
      for (const p of plan.tables) for (const c of p.columns) if (c.kind === 'source' && c.targetType.kind === 'native' && c.targetType.engine === 'postgres') nativeTypes.add(c.targetType.type);
    }
    const known = new Set<string>();
    if (nativeTypes.size > 0) {
      const target = await ctx.target();
      const rows = await target.query<{ type: string; known: boolean }>(
        'SELECT t AS type, pg_catalog.to_regtype(t) IS NOT NULL AS known FROM unnest($1::text[]) AS t',
        [[...nativeTypes]],
        ctx.signal,
      );
      for (const r of rows) if (r.known) known.add(r.type);
    }

    const findings: Finding[] = [];
    const types = new Set<string>();
    const affected = new Set<string>();
    for (const p of plan.tables) {
      for (const c of p.columns) {
        if (c.kind !== 'source') continue;
        const col = c;
        const nativeType = nativeOf.get(`${p.source.schema}\u0000${p.source.name}\u0000${col.sourceName}`) ?? col.sourceType.kind;
        const why = approximation(col, sourceDialect, targetDialect, (t) => known.has(t));
        if (!why) continue;
        findings.push({ object: columnName(p.source, col.sourceName), detail: `${nativeType}: ${why}` });
        types.add(nativeType.replace(/\(.*\)/, ''));
        affected.add(`${p.source.schema}.${p.source.name}`);
      }
    }
    const to = productOf(ctx.subject.target.engineName);
    if (findings.length === 0) {
      return passed(`No column of the selected tables has a type that OpenDMS migrates to ${to} only approximately (${plan.tables.length} tables checked).`);
    }
    return warning(
      `${count(findings.length, 'column')} of ${count(affected.size, 'table')} ${findings.length === 1 ? 'has a type' : 'have types'} that OpenDMS migrates to ${to} only approximately (${listed([...types])}).`,
      'Check that each conversion listed is acceptable for your data. Otherwise change the column type on the source, or give the column another target type with a change-data-type transformation rule, or create the target table yourself and use TargetTablePrepMode DO_NOTHING or TRUNCATE_BEFORE_LOAD.',
      findings,
    );
  },
};
