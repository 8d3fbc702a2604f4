/**
 * Schema conversion's access to PostgreSQL: the DDL of some schemas, assembled from
 * pg_catalog (no pg_dump binary needed), and applying DDL all or nothing in one transaction.
 *
 * The dump runs with `search_path = ''`, so every name PostgreSQL prints for us (format_type,
 * pg_get_expr, pg_get_viewdef, pg_get_*def) comes schema-qualified and the statements mean the
 * same thing wherever they are run. Identifiers we print ourselves go through format('%I'),
 * i.e. quote_ident: quoted only when needed.
 *
 * Order of the dump: schemas; enum, domain and composite types; sequences (not those of
 * identity columns); tables (inheritance parents before children); ALTER SEQUENCE ... OWNED BY;
 * PK/UNIQUE/CHECK/EXCLUDE constraints; indexes not backing a constraint; foreign keys (after
 * every table and every unique index they may reference); functions, aggregates, procedures
 * and views in one dependency order (pg_depend; functions first when nothing says otherwise,
 * because views often call functions and plain function bodies record no dependencies);
 * triggers; rules; comments.
 */
import pg from 'pg';
import { ConnectorError } from '../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import type { DdlApplyFailure, DdlApplyResult, SchemaDdlAccess, SchemaDdlDump } from '../spi/schema-ddl.js';
import { listPostgresSchemas } from './postgres-catalog.js';
import { dataPlaneError } from './postgres-errors.js';
import { openDataSession, raceAbort, type PostgresSession } from './postgres-session.js';

type Problem = { object: string; message: string };

/** Opens schema-DDL access once the server answered; each operation then has its own connection. */
export async function openPostgresSchemaDdl(params: ConnectionParams, signal: AbortSignal): Promise<SchemaDdlAccess> {
  const access = new PostgresSchemaDdl(params);
  await access.ping(signal);
  return access;
}

class PostgresSchemaDdl implements SchemaDdlAccess {
  private readonly closing = new AbortController();
  private readonly target: string;

  constructor(private readonly params: ConnectionParams) {
    this.target = describeTarget(params);
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.run(signal, async (c) => {
      await c.query('SELECT 1');
    });
  }

  dumpSchemaDdl(schemas: readonly string[], signal: AbortSignal): Promise<SchemaDdlDump> {
    return this.run(signal, (c, s) => dumpSchemas(c, schemas, s, this.target));
  }

  applyDdl(statements: readonly string[], signal: AbortSignal): Promise<DdlApplyResult> {
    return this.run(signal, (c, s) => applyStatements(c, statements, s));
  }

  async close(): Promise<void> {
    // Operations still running are given up: their connections end, the server rolls back.
    this.closing.abort(new Error('the schema DDL session was closed'));
  }

  private async run<T>(signal: AbortSignal, work: (client: pg.Client, signal: AbortSignal) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    combined.throwIfAborted();
    let session: PostgresSession | undefined;
    try {
      session = await openDataSession(this.params, combined);
      return await raceAbort(work(session.client, combined), combined);
    } catch (err) {
      throw dataPlaneError(err, combined, this.target);
    } finally {
      await session?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------
// applyDdl
// ---------------------------------------------------------------------------------------

/**
 * One transaction, one savepoint per statement: a failing statement is rolled back to its
 * savepoint and the run goes on, so every failure is reported (also later statements that
 * needed the failed one); then COMMIT when nothing failed, else ROLLBACK.
 */
async function applyStatements(client: pg.Client, statements: readonly string[], signal: AbortSignal): Promise<DdlApplyResult> {
  const failures: DdlApplyFailure[] = [];
  let applied = 0;
  await client.query('BEGIN');
  // As pg_dump's scripts do: SQL-language function bodies are not checked at CREATE time, since
  // they may call functions created later (bodies record no dependencies to order them by).
  await client.query('SET LOCAL check_function_bodies = false');
  try {
    for (const [index, sql] of statements.entries()) {
      signal.throwIfAborted();
      await client.query('SAVEPOINT opendms_ddl');
      try {
        await client.query(sql);
        await client.query('RELEASE SAVEPOINT opendms_ddl');
        applied++;
      } catch (err) {
        if (!isStatementError(err)) throw err;
        failures.push({ index, sql, message: statementMessage(err) });
        await client.query('ROLLBACK TO SAVEPOINT opendms_ddl');
      }
    }
    signal.throwIfAborted();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await client.query(failures.length === 0 ? 'COMMIT' : 'ROLLBACK');
  return { applied, failures };
}

/** An error of the statement (the server refused it), not of the connection. */
function isStatementError(err: unknown): err is pg.DatabaseError {
  if (!(err instanceof pg.DatabaseError)) return false;
  const code = err.code ?? '';
  // Class 08 (connection exception) and 57P0x (shutdown, crash) end the session.
  return !code.startsWith('08') && !/^57P0/.test(code);
}

function statementMessage(err: pg.DatabaseError): string {
  return `${err.message}${err.detail ? ` (${err.detail})` : ''}`;
}

// ---------------------------------------------------------------------------------------
// dumpSchemaDdl
// ---------------------------------------------------------------------------------------

async function dumpSchemas(client: pg.Client, requested: readonly string[], signal: AbortSignal, target: string): Promise<SchemaDdlDump> {
  const schemas = [...new Set(requested)];
  await client.query("SET search_path = ''");
  // One snapshot for every catalog read, so the pieces fit together.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await checkSchemas(client, schemas, target);
    const serverVersion = String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '');
    const out: string[] = [];
    const problems: Problem[] = [];
    const steps = [
      schemaStatements, extensionProblems, typeStatements, sequenceStatements, tableStatements, constraintAndIndexStatements,
      routineAndViewStatements, triggerAndRuleStatements, commentStatements,
    ];
    for (const step of steps) {
      signal.throwIfAborted();
      await step(client, schemas, out, problems);
    }
    return { dialect: 'postgres', serverVersion, statements: out, problems };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function checkSchemas(client: pg.Client, schemas: readonly string[], target: string): Promise<void> {
  const found = new Set((await q<{ nspname: string }>(client, 'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [schemas])).map((r) => r.nspname));
  const missing = schemas.filter((s) => !found.has(s));
  if (schemas.length > 0 && missing.length === 0) return;
  const existing = await listPostgresSchemas(client);
  const what = schemas.length === 0 ? 'no schema was named' : `schema${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found`;
  throw new ConnectorError({
    kind: 'other',
    message: `PostgreSQL at ${target}: ${what}`,
    hint: `Name schemas of this database (case matters): ${existing.length > 0 ? existing.join(', ') : 'it has no user schemas'}.`,
  });
}

type Step = (client: pg.Client, schemas: readonly string[], out: string[], problems: Problem[]) => Promise<void>;

async function q<R extends pg.QueryResultRow>(client: pg.Client, sql: string, params: unknown[] = []): Promise<R[]> {
  return (await client.query<R>(sql, params)).rows;
}

/** SQL: true when the object (catalog `cls`, oid `oid`) belongs to an extension. */
const extensionMember = (cls: string, oid: string): string =>
  `EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${cls}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

/** Strips the `;` pg_get_viewdef and pg_get_ruledef end with: statements carry no terminator. */
const unterminated = (sql: string): string => sql.trim().replace(/;+$/, '').trimEnd();

const schemaStatements: Step = async (client, schemas, out) => {
  const rows = await q<{ n: string }>(client, "SELECT format('%I', nspname) AS n FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname", [schemas]);
  // IF NOT EXISTS: `public` (and any schema made beforehand) already exists on most targets.
  for (const r of rows) out.push(`CREATE SCHEMA IF NOT EXISTS ${r.n}`);
};

const extensionProblems: Step = async (client, schemas, _out, problems) => {
  const rows = await q<{ extname: string; nspname: string }>(
    client,
    `SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE n.nspname = ANY($1) AND e.extname <> 'plpgsql' ORDER BY e.extname`,
    [schemas],
  );
  for (const r of rows) {
    problems.push({ object: `extension ${r.extname}`, message: `extension ${r.extname} (schema ${r.nspname}) is not dumped, nor the objects it owns: install it on the target first` });
  }
};

const typeStatements: Step = async (client, schemas, out, problems) => {
  const enums = await q<{ name: string; labels: string }>(
    client,
    `SELECT format('%I.%I', n.nspname, t.typname) AS name,
            (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ANY($1) AND t.typtype = 'e' AND NOT ${extensionMember('pg_type', 't.oid')}
      ORDER BY n.nspname, t.typname`,
    [schemas],
  );
  for (const e of enums) out.push(`CREATE TYPE ${e.name} AS ENUM (${e.labels ?? ''})`);

  // Domains in creation (oid) order: a domain over another domain comes after it.
  const domains = await q<{ name: string; base: string; coll: string | null; def: string | null; notnull: boolean; checks: string | null }>(
    client,
    `SELECT format('%I.%I', n.nspname, t.typname) AS name, format_type(t.typbasetype, t.typtypmod) AS base,
            CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation
                 THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) END AS coll,
            t.typdefault AS def, t.typnotnull AS notnull,
            (SELECT string_agg(format('CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)), ' ' ORDER BY c.conname)
               FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c') AS checks
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype
      WHERE n.nspname = ANY($1) AND t.typtype = 'd' AND NOT ${extensionMember('pg_type', 't.oid')}
      ORDER BY t.oid`,
    [schemas],
  );
  for (const d of domains) {
    out.push(`CREATE DOMAIN ${d.name} AS ${d.base}${d.coll ? ` COLLATE ${d.coll}` : ''}${d.def !== null ? ` DEFAULT ${d.def}` : ''}${d.notnull ? ' NOT NULL' : ''}${d.checks ? ` ${d.checks}` : ''}`);
  }

  // Stand-alone composite types (not the row types of tables and views).
  const composites = await q<{ name: string; attrs: string | null }>(
    client,
    `SELECT format('%I.%I', n.nspname, t.typname) AS name,
            (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attrs
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
      WHERE n.nspname = ANY($1) AND t.typtype = 'c' AND c.relkind = 'c' AND NOT ${extensionMember('pg_type', 't.oid')}
      ORDER BY t.oid`,
    [schemas],
  );
  for (const c of composites) out.push(`CREATE TYPE ${c.name} AS (${c.attrs ?? ''})`);

  const others = await q<{ name: string; typtype: string }>(
    client,
    `SELECT format('%I.%I', n.nspname, t.typname) AS name, t.typtype
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ANY($1) AND t.typtype IN ('b', 'r', 'm') AND t.typelem = 0 AND NOT ${extensionMember('pg_type', 't.oid')}
        AND NOT EXISTS (SELECT 1 FROM pg_range r WHERE r.rngmultitypid = t.oid)
      ORDER BY 1`,
    [schemas],
  );
  for (const t of others) {
    const kind = t.typtype === 'b' ? 'base type' : t.typtype === 'r' ? 'range type' : 'multirange type';
    problems.push({ object: `type ${t.name}`, message: `${kind} ${t.name} is not dumped (only enum, domain and composite types are): create it on the target by hand` });
  }
};

const sequenceStatements: Step = async (client, schemas, out) => {
  const rows = await q<{ name: string; typ: string; start: string; inc: string; min: string; max: string; cache: string; cycle: boolean }>(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, format_type(s.seqtypid, NULL) AS typ, s.seqstart::text AS start,
            s.seqincrement::text AS inc, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
       FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND NOT ${extensionMember('pg_class', 'c.oid')}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i')
      ORDER BY n.nspname, c.relname`,
    [schemas],
  );
  for (const s of rows) {
    out.push(`CREATE SEQUENCE ${s.name} AS ${s.typ} START WITH ${s.start} INCREMENT BY ${s.inc} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`);
  }
};

interface TableRow {
  oid: string;
  name: string;
  relkind: string;
  persistence: string;
  parents: string[] | null;
  parent_oids: string[] | null;
  partkey: string | null;
}

interface ColumnRow {
  table_oid: string;
  name: string;
  typ: string;
  notnull: boolean;
  def: string | null;
  identity: string;
  generated: string;
  coll: string | null;
  ident_start: string | null;
  ident_inc: string | null;
}

const tableStatements: Step = async (client, schemas, out, problems) => {
  const tables = await q<TableRow>(
    client,
    `SELECT c.oid::text AS oid, format('%I.%I', n.nspname, c.relname) AS name, c.relkind, c.relpersistence AS persistence,
            (SELECT array_agg(format('%I.%I', pn.nspname, p.relname) ORDER BY i.inhseqno)
               FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
              WHERE i.inhrelid = c.oid) AS parents,
            (SELECT array_agg(i.inhparent::text ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parent_oids,
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT ${extensionMember('pg_class', 'c.oid')}
      ORDER BY n.nspname, c.relname`,
    [schemas],
  );
  const columns = await q<ColumnRow>(
    client,
    `SELECT a.attrelid::text AS table_oid, format('%I', a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS typ,
            a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                 THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS coll,
            s.seqstart::text AS ident_start, s.seqincrement::text AS ident_inc
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_depend sd ON a.attidentity <> '' AND sd.refclassid = 'pg_class'::regclass AND sd.refobjid = a.attrelid
                              AND sd.refobjsubid = a.attnum AND sd.classid = 'pg_class'::regclass AND sd.deptype = 'i'
       LEFT JOIN pg_sequence s ON s.seqrelid = sd.objid
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [schemas],
  );
  const columnsOf = new Map<string, ColumnRow[]>();
  for (const col of columns) columnsOf.set(col.table_oid, [...(columnsOf.get(col.table_oid) ?? []), col]);

  for (const t of parentsFirst(tables)) {
    // Inherited columns are spelled out too (PostgreSQL merges them with the parent's), so a
    // reader that ignores INHERITS still sees the whole table.
    const cols = (columnsOf.get(t.oid) ?? []).map(columnSql);
    const unlogged = t.persistence === 'u' ? 'UNLOGGED ' : '';
    const inherits = t.parents && t.parents.length > 0 ? ` INHERITS (${t.parents.join(', ')})` : '';
    out.push(`CREATE ${unlogged}TABLE ${t.name} (${cols.length > 0 ? `\n    ${cols.join(',\n    ')}\n` : ''})${inherits}`);
    if (t.relkind === 'p') {
      problems.push({ object: `table ${t.name}`, message: `${t.name} is partitioned (PARTITION BY ${t.partkey ?? '?'}): dumped as one plain table that holds the rows of all its partitions` });
    }
  }

  const partitions = await q<{ name: string; parent: string; bound: string }>(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, format('%I.%I', pn.nspname, p.relname) AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE n.nspname = ANY($1) AND c.relispartition AND c.relkind IN ('r', 'p', 'f')
      ORDER BY 1`,
    [schemas],
  );
  for (const p of partitions) {
    problems.push({ object: `table ${p.name}`, message: `partition ${p.name} of ${p.parent} (${p.bound}): converted as part of ${p.parent}` });
  }

  const unsupported = await q<{ name: string; relkind: string }>(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('m', 'f') AND NOT ${extensionMember('pg_class', 'c.oid')}
      ORDER BY 1`,
    [schemas],
  );
  for (const u of unsupported) {
    const kind = u.relkind === 'm' ? 'materialized view' : 'foreign table';
    problems.push({ object: `${kind} ${u.name}`, message: `${kind} ${u.name} is not dumped: schema conversion does not handle ${kind}s; create it on the target by hand` });
  }

  const owned = await q<{ seq: string; tbl: string; col: string }>(
    client,
    `SELECT format('%I.%I', sn.nspname, s.relname) AS seq, format('%I.%I', tn.nspname, t.relname) AS tbl, format('%I', a.attname) AS col
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
        AND sn.nspname = ANY($1) AND tn.nspname = ANY($1) AND t.relkind IN ('r', 'p') AND NOT t.relispartition
      ORDER BY 1`,
    [schemas],
  );
  for (const o of owned) out.push(`ALTER SEQUENCE ${o.seq} OWNED BY ${o.tbl}.${o.col}`);
};

function columnSql(c: ColumnRow): string {
  let sql = `${c.name} ${c.typ}`;
  if (c.coll) sql += ` COLLATE ${c.coll}`;
  if (c.generated === 's' && c.def !== null) sql += ` GENERATED ALWAYS AS (${c.def}) STORED`;
  else if (c.def !== null) sql += ` DEFAULT ${c.def}`;
  if (c.identity === 'a' || c.identity === 'd') {
    const options = c.ident_start !== null ? ` (START WITH ${c.ident_start} INCREMENT BY ${c.ident_inc ?? '1'})` : '';
    sql += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options}`;
  }
  if (c.notnull) sql += ' NOT NULL';
  return sql;
}

/** Tables in name order, except that inheritance parents come before their children. */
function parentsFirst(tables: readonly TableRow[]): TableRow[] {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const done = new Set<string>();
  const out: TableRow[] = [];
  const visit = (t: TableRow, path: Set<string>): void => {
    if (done.has(t.oid) || path.has(t.oid)) return;
    path.add(t.oid);
    for (const p of t.parent_oids ?? []) {
      const parent = byOid.get(p);
      if (parent) visit(parent, path);
    }
    done.add(t.oid);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}

const constraintAndIndexStatements: Step = async (client, schemas, out) => {
  const constraints = await q<{ tbl: string; name: string; contype: string; def: string }>(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS tbl, format('%I', con.conname) AS name, con.contype, pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND con.contype IN ('p', 'u', 'c', 'x', 'f') AND con.conislocal AND con.conparentid = 0
      ORDER BY n.nspname, c.relname, array_position(ARRAY['p', 'u', 'c', 'x']::"char"[], con.contype), con.conname`,
    [schemas],
  );
  const add = (c: { tbl: string; name: string; def: string }): string => `ALTER TABLE ONLY ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`;
  for (const c of constraints) if (c.contype !== 'f') out.push(add(c));

  const indexes = await q<{ def: string; partitioned: boolean }>(
    client,
    `SELECT pg_get_indexdef(i.indexrelid) AS def, t.relkind = 'p' AS partitioned
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = ANY($1) AND t.relkind IN ('r', 'p') AND NOT t.relispartition
        AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
        AND NOT ${extensionMember('pg_class', 'ic.oid')}
      ORDER BY n.nspname, t.relname, ic.relname`,
    [schemas],
  );
  // A partitioned parent is dumped as a plain table: its indexes need no ON ONLY.
  for (const i of indexes) out.push(i.partitioned ? i.def.replace(' ON ONLY ', ' ON ') : i.def);

  // Foreign keys last: they need every referenced table and its unique index or key.
  for (const c of constraints) if (c.contype === 'f') out.push(add(c));
};

interface RoutineRow {
  oid: string;
  name: string;
  proname: string;
  prokind: string;
  def: string | null;
  agg: string | null;
  aggkind: string | null;
}

const routineAndViewStatements: Step = async (client, schemas, out, problems) => {
  const routines = await q<RoutineRow>(
    client,
    `SELECT p.oid::text AS oid, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name, p.proname, p.prokind,
            CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS def,
            CASE WHEN p.prokind = 'a' THEN
              format('CREATE AGGREGATE %I.%I(%s) (SFUNC = %s, STYPE = %s%s%s%s)', n.nspname, p.proname, pg_get_function_arguments(p.oid),
                     a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL),
                     CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc::text ELSE '' END,
                     CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || a.aggcombinefn::regproc::text ELSE '' END,
                     CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END)
            END AS agg,
            a.aggkind::text AS aggkind
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
      WHERE n.nspname = ANY($1) AND NOT ${extensionMember('pg_proc', 'p.oid')}
        -- Event trigger functions (OpenDMS's own DDL capture among them) are useless without
        -- their database-wide trigger, which is not a schema object.
        AND p.prorettype <> 'pg_catalog.event_trigger'::pg_catalog.regtype
      ORDER BY n.nspname, p.proname, p.oid`,
    [schemas],
  );
  const views = await q<{ oid: string; name: string; options: string | null; def: string }>(
    client,
    `SELECT c.oid::text AS oid, format('%I.%I', n.nspname, c.relname) AS name, array_to_string(c.reloptions, ', ') AS options, pg_get_viewdef(c.oid) AS def
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind = 'v' AND NOT ${extensionMember('pg_class', 'c.oid')}
      ORDER BY n.nspname, c.relname`,
    [schemas],
  );

  // Nodes: functions (rank 0), aggregates (1), views (2); the rank breaks ties.
  const nodes = new Map<string, { key: string; rank: number; name: string; sql: string }>();
  for (const r of routines) {
    if (r.prokind === 'a') {
      if (r.aggkind !== 'n' || r.agg === null) {
        problems.push({ object: `aggregate ${r.name}`, message: `ordered-set aggregate ${r.name} is not dumped: create it on the target by hand` });
        continue;
      }
      nodes.set(`proc:${r.oid}`, { key: `proc:${r.oid}`, rank: 1, name: r.name, sql: r.agg });
    } else if (r.def !== null) {
      nodes.set(`proc:${r.oid}`, { key: `proc:${r.oid}`, rank: 0, name: r.name, sql: r.def.trim() });
    }
  }
  for (const v of views) {
    const options = v.options ? ` WITH (${v.options})` : '';
    nodes.set(`rel:${v.oid}`, { key: `rel:${v.oid}`, rank: 2, name: v.name, sql: `CREATE VIEW ${v.name}${options} AS\n${unterminated(v.def)}` });
  }

  // What each view's rule and each routine depends on: relations, routines, and row types of views.
  const edges = await q<{ from_key: string; to_key: string }>(
    client,
    `SELECT 'rel:' || r.ev_class::text AS from_key,
            CASE d.refclassid WHEN 'pg_class'::regclass THEN 'rel:' || d.refobjid::text
                              WHEN 'pg_proc'::regclass THEN 'proc:' || d.refobjid::text
                              ELSE 'rel:' || (SELECT t.typrelid::text FROM pg_type t WHERE t.oid = d.refobjid) END AS to_key
       FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      WHERE r.rulename = '_RETURN' AND r.ev_class::text = ANY($1) AND d.refobjid <> r.ev_class
        AND d.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)
     UNION
     SELECT 'proc:' || d.objid::text,
            CASE d.refclassid WHEN 'pg_class'::regclass THEN 'rel:' || d.refobjid::text
                              WHEN 'pg_proc'::regclass THEN 'proc:' || d.refobjid::text
                              ELSE 'rel:' || (SELECT t.typrelid::text FROM pg_type t WHERE t.oid = d.refobjid) END
       FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid::text = ANY($2) AND d.deptype = 'n'
        AND d.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)`,
    [views.map((v) => v.oid), routines.map((r) => r.oid)],
  );
  const deps = new Map<string, Set<string>>();
  // Function bodies are plain text to PostgreSQL: a body that calls another function of the
  // dump by name (`name(`) is taken to depend on it.
  const routineNodes = routines.filter((r) => r.prokind !== 'a' && r.def !== null);
  for (const r of routineNodes) {
    const body = r.def!.slice(r.def!.indexOf('\n'));
    for (const other of routineNodes) {
      if (other.oid !== r.oid && new RegExp(`\\b${escapeRegExp(other.proname)}\\s*\\(`, 'i').test(body)) edges.push({ from_key: `proc:${r.oid}`, to_key: `proc:${other.oid}` });
    }
  }
  for (const e of edges) {
    if (e.to_key === null || e.from_key === e.to_key || !nodes.has(e.to_key)) continue;
    deps.set(e.from_key, (deps.get(e.from_key) ?? new Set()).add(e.to_key));
  }
  for (const n of dependencyOrder([...nodes.values()], deps)) out.push(n.sql);
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Kahn's algorithm: a node comes after everything it depends on; among the ready ones the
 * lowest rank, then the name, comes first. Nodes left in a cycle (which PostgreSQL itself
 * would not allow) follow in the same order.
 */
function dependencyOrder<N extends { key: string; rank: number; name: string }>(nodes: readonly N[], deps: ReadonlyMap<string, ReadonlySet<string>>): N[] {
  const byRankAndName = (a: N, b: N): number => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const pending = new Map(nodes.map((n) => [n.key, new Set(deps.get(n.key) ?? [])]));
  const out: N[] = [];
  const left = [...nodes].sort(byRankAndName);
  while (left.length > 0) {
    const i = left.findIndex((n) => (pending.get(n.key)?.size ?? 0) === 0);
    const [next] = left.splice(i === -1 ? 0 : i, 1);
    if (!next) break;
    out.push(next);
    for (const set of pending.values()) set.delete(next.key);
  }
  return out;
}

const triggerAndRuleStatements: Step = async (client, schemas, out) => {
  const triggers = await q<{ def: string }>(
    client,
    `SELECT pg_get_triggerdef(t.oid) AS def
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND NOT t.tgisinternal AND t.tgparentid = 0 AND NOT c.relispartition AND c.relkind IN ('r', 'p', 'v')
      ORDER BY n.nspname, c.relname, t.tgname`,
    [schemas],
  );
  for (const t of triggers) out.push(t.def);
  const rules = await q<{ def: string }>(
    client,
    `SELECT pg_get_ruledef(r.oid) AS def
       FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND r.rulename <> '_RETURN' AND NOT c.relispartition AND c.relkind IN ('r', 'p', 'v')
      ORDER BY n.nspname, c.relname, r.rulename`,
    [schemas],
  );
  for (const r of rules) out.push(unterminated(r.def));
};

const commentStatements: Step = async (client, schemas, out) => {
  const rows = await q<{ kind: string; name: string; col: string | null; text: string }>(
    client,
    `SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind, format('%I.%I', n.nspname, c.relname) AS name,
            CASE WHEN d.objsubid > 0 THEN (SELECT format('%I', a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = d.objsubid) END AS col,
            quote_literal(d.description) AS text
       FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE d.classoid = 'pg_class'::regclass AND n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
      ORDER BY n.nspname, c.relname, d.objsubid`,
    [schemas],
  );
  for (const r of rows) {
    out.push(r.col !== null ? `COMMENT ON COLUMN ${r.name}.${r.col} IS ${r.text}` : `COMMENT ON ${r.kind} ${r.name} IS ${r.text}`);
  }
};
