/**
 * What the endpoints' users may do, asked of PostgreSQL itself (has_*_privilege, which
 * follows role membership and PUBLIC grants), never inferred from grant lists:
 * - postgres-check-select-object-privileges: on the source, USAGE on the schemas and SELECT
 *   on the selected tables (the full load's reads); for change data capture also what the
 *   task's publications need: CREATE on the database and ownership of the tables.
 * - postgres-check-target-privileges: on a PostgreSQL target, creating the target schemas and
 *   tables, and writing into (or dropping) the existing tables the task uses.
 */
import { performsCdc } from '../../engines.js';
import { runFactsOf } from '../../run-context.js';
import { targetFateOf } from '../../target-fate.js';
import type { Finding, IndividualAssessment } from '../../types.js';
import { count, failed, passed } from '../../verdict.js';
import { pgSourceApplies } from './pg-facts.js';

export const postgresCheckSelectObjectPrivileges: IndividualAssessment = {
  name: 'postgres-check-select-object-privileges',
  applies: pgSourceApplies(),
  async run(ctx) {
    const tables = await ctx.selectedTables();
    const source = await ctx.source();
    const cdc = performsCdc(ctx.subject.migrationType);
    const rows = await source.query<{ schema: string; name: string; usage: boolean; select: boolean; owner: boolean; kind: string }>(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
              pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS usage,
              pg_catalog.has_table_privilege(c.oid, 'SELECT') AS select,
              pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner
         FROM unnest($1::text[], $2::text[]) AS w(s, r)
         JOIN pg_catalog.pg_namespace n ON n.nspname = w.s
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = w.r`,
      [tables.map((t) => t.schema), tables.map((t) => t.name)],
      ctx.signal,
    );
    const [db] = cdc
      ? await source.query<{ create: boolean; superuser: boolean }>(
          `SELECT pg_catalog.has_database_privilege(current_database(), 'CREATE') AS create,
                  COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) AS superuser`,
          [],
          ctx.signal,
        )
      : [undefined];
    const findings: Finding[] = [];
    const schemasWithoutUsage = new Set<string>();
    for (const r of rows) {
      if (!r.usage) schemasWithoutUsage.add(r.schema);
      if (!r.select) findings.push({ object: `${r.schema}.${r.name}`, detail: 'missing SELECT' });
      // Only tables go into a publication; a view is read by the full load only.
      if (cdc && !db?.superuser && !r.owner && (r.kind === 'r' || r.kind === 'p')) findings.push({ object: `${r.schema}.${r.name}`, detail: `not owned by ${source.user}: only its owner (or a superuser) may add it to the task's publication` });
    }
    for (const s of schemasWithoutUsage) findings.unshift({ object: s, detail: 'missing USAGE on the schema' });
    if (cdc && db && !db.create && !db.superuser) findings.push({ object: `database ${source.database}`, detail: 'missing CREATE: the task creates its publications in the database' });
    if (findings.length === 0) {
      return passed(`The user ${source.user} may read the ${count(tables.length, 'selected table')}${cdc ? ' and publish their changes' : ''}.`);
    }
    return failed(
      `The user ${source.user} lacks ${count(findings.length, 'privilege')} the task needs on the source.`,
      [
        `As the tables' owner or a superuser: GRANT USAGE ON SCHEMA <schema> TO ${source.user}; GRANT SELECT ON ALL TABLES IN SCHEMA <schema> TO ${source.user} (or per table).`,
        ...(cdc ? [`For change data capture: GRANT CREATE ON DATABASE ${source.database} TO ${source.user}, and make ${source.user} the owner of the tables listed (ALTER TABLE ... OWNER TO, or GRANT <owner role> TO ${source.user}), or use a superuser.`] : []),
      ].join(' '),
      findings,
    );
  },
};

export const postgresCheckTargetPrivileges: IndividualAssessment = {
  name: 'postgres-check-target-privileges',
  applies: pgSourceApplies({ postgresTarget: true }),
  async run(ctx) {
    const run = runFactsOf(ctx);
    const plan = await run.plan();
    const target = await ctx.target();
    const facts = await run.facts('target');
    const schemas = [...new Set(plan.tables.map((t) => t.target.schema))];
    const schemaRows = await target.query<{ schema: string; exists: boolean; usage: boolean | null; create: boolean | null; create_schema: boolean }>(
      `SELECT w.s AS schema, n.oid IS NOT NULL AS exists,
              CASE WHEN n.oid IS NULL THEN NULL ELSE pg_catalog.has_schema_privilege(n.oid, 'USAGE') END AS usage,
              CASE WHEN n.oid IS NULL THEN NULL ELSE pg_catalog.has_schema_privilege(n.oid, 'CREATE') END AS create,
              pg_catalog.has_database_privilege(current_database(), 'CREATE') AS create_schema
         FROM unnest($1::text[]) AS w(s) LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = w.s`,
      [schemas],
      ctx.signal,
    );
    const findings: Finding[] = [];
    for (const s of schemaRows) {
      if (!s.exists) {
        if (!s.create_schema) findings.push({ object: s.schema, detail: `schema does not exist and ${target.user} may not create it: missing CREATE on database ${target.database}` });
        continue;
      }
      if (!s.usage) findings.push({ object: s.schema, detail: 'missing USAGE on the schema' });
      if (!s.create) findings.push({ object: s.schema, detail: 'missing CREATE on the schema (the task creates its tables there)' });
    }
    const existing = plan.tables.filter((t) => facts.has(`${t.target.schema}\u0000${t.target.name}`));
    if (existing.length > 0) {
      const rows = await target.query<{ schema: string; name: string; insert: boolean; update: boolean; delete: boolean; truncate: boolean; select: boolean; owner: boolean }>(
        `SELECT n.nspname AS schema, c.relname AS name,
                pg_catalog.has_table_privilege(c.oid, 'INSERT') AS insert, pg_catalog.has_table_privilege(c.oid, 'UPDATE') AS update,
                pg_catalog.has_table_privilege(c.oid, 'DELETE') AS delete, pg_catalog.has_table_privilege(c.oid, 'TRUNCATE') AS truncate,
                pg_catalog.has_table_privilege(c.oid, 'SELECT') AS select, pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner
           FROM unnest($1::text[], $2::text[]) AS w(s, r)
           JOIN pg_catalog.pg_namespace n ON n.nspname = w.s
           JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = w.r`,
        [existing.map((t) => t.target.schema), existing.map((t) => t.target.name)],
        ctx.signal,
      );
      const fate = targetFateOf(ctx.subject, true);
      for (const r of rows) {
        if (fate === 'recreated') {
          if (!r.owner) findings.push({ object: `${r.schema}.${r.name}`, detail: `not owned by ${target.user}: DROP_AND_CREATE cannot drop it` });
          continue;
        }
        const missing = (['select', 'insert', 'update', 'delete', 'truncate'] as const).filter((p) => !r[p]).map((p) => p.toUpperCase());
        if (missing.length > 0) findings.push({ object: `${r.schema}.${r.name}`, detail: `missing ${missing.join(', ')}` });
      }
    }
    if (findings.length === 0) {
      return passed(`The user ${target.user} may create and write the ${count(plan.tables.length, 'target table')} of the task in ${count(schemas.length, 'schema')} (${schemas.join(', ')}).`);
    }
    return failed(
      `The user ${target.user} lacks ${count(findings.length, 'privilege')} the task needs on the target.`,
      `As a superuser or the objects' owner: GRANT CREATE ON DATABASE ${target.database} TO ${target.user} (to create schemas), GRANT USAGE, CREATE ON SCHEMA <schema> TO ${target.user}, and GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON <table> TO ${target.user} for existing tables (owner: ALTER TABLE ... OWNER TO ${target.user} when the task drops and creates them).`,
      findings,
    );
  },
};
