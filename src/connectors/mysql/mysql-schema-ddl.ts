/**
 * Schema conversion's access to MySQL/MariaDB: the DDL of some databases as SHOW CREATE gives
 * it, and applying DDL "all or nothing" on engines whose DDL commits itself.
 *
 * Dump order per database: CREATE DATABASE and USE (so a reader knows which database the
 * following unqualified statements belong to); sequences (MariaDB; table defaults may call
 * them); base tables in name order (foreign keys need no order: a reader takes them all, and
 * applyDdl runs with foreign_key_checks = 0); procedures and functions (views may call them,
 * and their bodies are not checked at CREATE time); views in dependency order; triggers.
 *
 * applyDdl cannot use a transaction (each DDL statement commits), so it remembers what every
 * successful statement created and, when any statement failed, drops those objects again in
 * reverse order.
 */
import { ConnectorError } from '../spi/connection-error.js';
import { describeTarget, type ConnectionParams } from '../spi/connection-params.js';
import type { DdlApplyFailure, DdlApplyResult, SchemaDdlAccess, SchemaDdlDump } from '../spi/schema-ddl.js';
import { listMysqlSchemas } from './mysql-catalog.js';
import { classifyMysqlError } from './mysql-errors.js';
import { mysqlFlavourOf, openMysqlSession, type MysqlSession } from './mysql-session.js';
import { quoteId } from './mysql-types.js';

type Problem = { object: string; message: string };

/** How long an abort waits for the statement in flight before tearing the connection down. */
const abortGraceMs = 5_000;

/** Opens schema-DDL access once the server answered; each operation then has its own connection. */
export async function openMysqlSchemaDdl(params: ConnectionParams, signal: AbortSignal): Promise<SchemaDdlAccess> {
  const access = new MysqlSchemaDdl(params);
  await access.ping(signal);
  return access;
}

class MysqlSchemaDdl implements SchemaDdlAccess {
  private readonly closing = new AbortController();
  private readonly flavour: string;
  private readonly target: string;

  constructor(private readonly params: ConnectionParams) {
    this.flavour = mysqlFlavourOf(params);
    this.target = describeTarget(params);
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.run(signal, signal, async (s) => {
      await s.query('SELECT 1');
    });
  }

  dumpSchemaDdl(schemas: readonly string[], signal: AbortSignal): Promise<SchemaDdlDump> {
    return this.run(signal, signal, (s) => dumpDatabases(s, schemas, signal, `${this.flavour} at ${this.target}`));
  }

  /**
   * The connection is bound to close() only, not to `signal`: on abort the run first undoes
   * what it created (see applyStatements), then rejects with the signal's reason.
   */
  applyDdl(statements: readonly string[], signal: AbortSignal): Promise<DdlApplyResult> {
    return this.run(signal, this.closing.signal, (s) => applyStatements(s, statements, signal, this.params.database));
  }

  async close(): Promise<void> {
    this.closing.abort(new Error('the schema DDL session was closed'));
  }

  private async run<T>(signal: AbortSignal, bind: AbortSignal, work: (s: MysqlSession) => Promise<T>): Promise<T> {
    const combined = AbortSignal.any([signal, this.closing.signal]);
    const binding = AbortSignal.any([bind, this.closing.signal]);
    combined.throwIfAborted();
    let session: MysqlSession | undefined;
    try {
      session = await openMysqlSession(this.params, binding, { multipleStatements: false });
      return await work(session);
    } catch (err) {
      if (combined.aborted) throw signal.aborted ? signal.reason : this.closing.signal.reason;
      if (err instanceof ConnectorError) throw err;
      throw new ConnectorError(classifyMysqlError(err, this.flavour, this.target), { cause: err });
    } finally {
      await session?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------
// dumpSchemaDdl
// ---------------------------------------------------------------------------------------

async function dumpDatabases(s: MysqlSession, requested: readonly string[], signal: AbortSignal, at: string): Promise<SchemaDdlDump> {
  const databases = [...new Set(requested)];
  const [version] = await s.query<{ v: string }>('SELECT VERSION() AS v');
  const found = await s.query<{ name: string; charset: string; collation: string }>(
    `SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
       FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${databases.map(() => '?').join(', ') || 'NULL'})`,
    databases,
  );
  const byName = new Map(found.map((r) => [String(r.name), r]));
  const missing = databases.filter((d) => !byName.has(d));
  if (databases.length === 0 || missing.length > 0) {
    const existing = await listMysqlSchemas(s);
    const what = databases.length === 0 ? 'no database was named' : `database${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')} not found`;
    throw new ConnectorError({
      kind: 'other',
      message: `${at}: ${what}`,
      hint: `Name databases of this server (case matters on most systems): ${existing.length > 0 ? existing.join(', ') : 'it has no user databases'}.`,
    });
  }
  const hasViewTableUsage = (await s.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'VIEW_TABLE_USAGE'")).length > 0;

  const statements: string[] = [];
  const problems: Problem[] = [];
  for (const db of databases) {
    signal.throwIfAborted();
    const info = byName.get(db)!;
    statements.push(`CREATE DATABASE ${quoteId(db)} DEFAULT CHARACTER SET ${info.charset} COLLATE ${info.collation}`, `USE ${quoteId(db)}`);
    await dumpDatabase(s, db, hasViewTableUsage, statements, problems, signal);
  }
  return { dialect: 'mysql', serverVersion: String(version?.v ?? ''), statements, problems };
}

async function dumpDatabase(s: MysqlSession, db: string, hasViewTableUsage: boolean, out: string[], problems: Problem[], signal: AbortSignal): Promise<void> {
  const relations = await s.query<{ name: string; type: string }>(
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [db],
  );
  const q = (name: string): string => `${quoteId(db)}.${quoteId(name)}`;
  const cell = async (sql: string, column: string): Promise<string | null> => {
    signal.throwIfAborted();
    const [row] = await s.query<Record<string, unknown>>(sql);
    const v = row?.[column];
    return v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  };

  for (const r of relations.filter((r) => r.type === 'SEQUENCE')) {
    const sql = await cell(`SHOW CREATE SEQUENCE ${q(r.name)}`, 'Create Table');
    if (sql) out.push(sql);
  }
  for (const r of relations.filter((r) => r.type === 'BASE TABLE' || r.type === 'SYSTEM VERSIONED')) {
    const sql = await cell(`SHOW CREATE TABLE ${q(r.name)}`, 'Create Table');
    if (sql) out.push(sql);
  }

  const routines = await s.query<{ name: string; type: string }>(
    'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE DESC, ROUTINE_NAME',
    [db],
  );
  for (const r of routines) {
    if (r.type !== 'PROCEDURE' && r.type !== 'FUNCTION') {
      problems.push({ object: `${r.type.toLowerCase()} ${db}.${r.name}`, message: `${r.type} ${db}.${r.name} is not dumped: only procedures and functions are` });
      continue;
    }
    const column = r.type === 'PROCEDURE' ? 'Create Procedure' : 'Create Function';
    const sql = await cell(`SHOW CREATE ${r.type} ${q(r.name)}`, column);
    if (sql) out.push(sql);
    else {
      problems.push({
        object: `${r.type.toLowerCase()} ${db}.${r.name}`,
        message: `the server hides the body of ${r.type} ${db}.${r.name} from this user: grant it SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL 8), or make it the routine's definer`,
      });
    }
  }

  const views = relations.filter((r) => r.type === 'VIEW').map((r) => r.name);
  const viewSql = new Map<string, string>();
  for (const v of views) {
    const sql = await cell(`SHOW CREATE VIEW ${q(v)}`, 'Create View');
    if (sql) viewSql.set(v, sql);
  }
  const deps = hasViewTableUsage ? await viewUsage(s, db) : mentionedViews(viewSql);
  for (const v of dependencyOrder(views, deps)) {
    const sql = viewSql.get(v);
    if (sql) out.push(sql);
  }

  const triggers = await s.query<{ name: string }>(
    `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
      ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, TRIGGER_NAME`,
    [db],
  );
  for (const t of triggers) {
    const sql = await cell(`SHOW CREATE TRIGGER ${q(t.name)}`, 'SQL Original Statement');
    if (sql) out.push(sql);
    else problems.push({ object: `trigger ${db}.${t.name}`, message: `the server did not give the definition of trigger ${db}.${t.name}: grant the user the TRIGGER privilege on ${db}` });
  }

  const events = await s.query<{ name: string }>('SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME', [db]);
  for (const e of events) problems.push({ object: `event ${db}.${e.name}`, message: `event ${db}.${e.name} is not dumped: schema conversion does not handle scheduled events; create it on the target by hand` });
}

/** MySQL 8: which views of `db` each view reads, from the catalog. */
async function viewUsage(s: MysqlSession, db: string): Promise<Map<string, Set<string>>> {
  const rows = await s.query<{ v: string; t: string }>(
    `SELECT u.VIEW_NAME AS v, u.TABLE_NAME AS t FROM information_schema.VIEW_TABLE_USAGE u
       JOIN information_schema.VIEWS w ON w.TABLE_SCHEMA = u.TABLE_SCHEMA AND w.TABLE_NAME = u.TABLE_NAME
      WHERE u.VIEW_SCHEMA = ? AND u.TABLE_SCHEMA = ?`,
    [db, db],
  );
  const deps = new Map<string, Set<string>>();
  for (const r of rows) deps.set(String(r.v), (deps.get(String(r.v)) ?? new Set()).add(String(r.t)));
  return deps;
}

/**
 * MariaDB (no VIEW_TABLE_USAGE): a view depends on the views whose quoted name its definition
 * mentions. SHOW CREATE VIEW quotes every name with backticks, so `name` is a reliable mark;
 * a column alias spelled like a view only adds a harmless extra edge.
 */
function mentionedViews(viewSql: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const [view, sql] of viewSql) {
    const body = sql.slice(sql.search(/\sAS\s/i));
    for (const other of viewSql.keys()) {
      if (other !== view && body.includes(quoteId(other))) deps.set(view, (deps.get(view) ?? new Set()).add(other));
    }
  }
  return deps;
}

/** Names in order, each after what it depends on; names in a cycle keep their place. */
function dependencyOrder(names: readonly string[], deps: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (n: string, path: Set<string>): void => {
    if (done.has(n) || path.has(n)) return;
    path.add(n);
    for (const d of [...(deps.get(n) ?? [])].sort()) if (names.includes(d)) visit(d, path);
    done.add(n);
    out.push(n);
  };
  for (const n of names) visit(n, new Set());
  return out;
}

// ---------------------------------------------------------------------------------------
// applyDdl
// ---------------------------------------------------------------------------------------

type ObjectKind = 'DATABASE' | 'TABLE' | 'VIEW' | 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'INDEX' | 'SEQUENCE' | 'EVENT';

interface Created {
  readonly index: number;
  readonly kind: ObjectKind;
  readonly database: string | undefined;
  readonly name: string;
  /** INDEX: the table it is on. */
  readonly table?: string;
}

async function applyStatements(s: MysqlSession, statements: readonly string[], signal: AbortSignal, initialDatabase: string | undefined): Promise<DdlApplyResult> {
  await s.query('SET SESSION foreign_key_checks = 0');
  const failures: DdlApplyFailure[] = [];
  const created: Created[] = [];
  let applied = 0;
  let current = initialDatabase;
  const aborted = abortPromise(signal);
  try {
    for (const [index, sql] of statements.entries()) {
      if (signal.aborted) break;
      const lead = readLeadingKeywords(sql, current);
      // An object that exists already is not this run's to drop again.
      const existedBefore = lead.creates ? await objectExists(s, lead.creates) : false;
      const record = (): void => {
        applied++;
        if (lead.use !== undefined) current = lead.use;
        if (lead.creates && !existedBefore) created.push({ ...lead.creates, index });
      };
      const run = s.query(sql);
      const outcome = await Promise.race([run.then(() => 'ok' as const, (err: unknown) => err), aborted.promise]);
      if (outcome === 'aborted') {
        // Let the statement in flight finish (the undo has to run after it on this
        // connection), within a grace period; then undo below.
        const late = await Promise.race([run.then(() => 'ok' as const, (err: unknown) => err), delay(abortGraceMs).then(() => 'timeout' as const)]);
        if (late === 'timeout') {
          s.destroy();
          throw signal.reason;
        }
        if (late === 'ok') record();
        break;
      }
      if (outcome === 'ok') record();
      else {
        if (!isStatementError(outcome)) throw outcome;
        failures.push({ index, sql, message: (outcome as Error).message });
      }
    }
    if (signal.aborted || failures.length > 0) {
      const undoFailures = await undo(s, created);
      failures.push(...undoFailures);
      failures.sort((a, b) => a.index - b.index);
    }
    if (signal.aborted) throw signal.reason;
    return { applied, failures };
  } finally {
    aborted.dispose();
  }
}

/** Drops what the run created, newest first; objects inside a database the run created go with it. */
async function undo(s: MysqlSession, created: readonly Created[]): Promise<DdlApplyFailure[]> {
  const failures: DdlApplyFailure[] = [];
  const droppedDatabases = new Set(created.filter((c) => c.kind === 'DATABASE').map((c) => c.name));
  for (const c of [...created].reverse()) {
    if (c.kind !== 'DATABASE' && c.database !== undefined && droppedDatabases.has(c.database)) continue;
    const name = c.database !== undefined && c.kind !== 'DATABASE' ? `${quoteId(c.database)}.${quoteId(c.name)}` : quoteId(c.name);
    const sql =
      c.kind === 'INDEX'
        ? `DROP INDEX ${quoteId(c.name)} ON ${c.database !== undefined ? `${quoteId(c.database)}.` : ''}${quoteId(c.table ?? '')}`
        : `DROP ${c.kind} IF EXISTS ${name}`;
    try {
      await s.query(sql);
    } catch (err) {
      if (!isStatementError(err)) throw err;
      failures.push({ index: c.index, sql, message: `could not undo what this statement created: ${(err as Error).message}` });
    }
  }
  return failures;
}

/** A statement the server refused (it has an errno and the connection lives on), not a lost connection. */
function isStatementError(err: unknown): boolean {
  const e = err as { errno?: unknown; fatal?: unknown } | undefined;
  return typeof e?.errno === 'number' && e.fatal !== true;
}

async function objectExists(s: MysqlSession, o: Omit<Created, 'index'>): Promise<boolean> {
  const db = o.database;
  if (o.kind === 'DATABASE') return (await s.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [o.name])).length > 0;
  if (db === undefined) return false;
  const sql: Record<Exclude<ObjectKind, 'DATABASE'>, string> = {
    TABLE: 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    VIEW: 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    SEQUENCE: 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    TRIGGER: 'SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?',
    PROCEDURE: "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME = ? AND ROUTINE_TYPE = 'PROCEDURE'",
    FUNCTION: "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME = ? AND ROUTINE_TYPE = 'FUNCTION'",
    EVENT: 'SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?',
    INDEX: 'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND INDEX_NAME = ? AND TABLE_NAME = ?',
  };
  return (await s.query(sql[o.kind], [db, o.name, ...(o.kind === 'INDEX' ? [o.table ?? ''] : [])])).length > 0;
}

function abortPromise(signal: AbortSignal): { promise: Promise<'aborted'>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

// ---------------------------------------------------------------------------------------
// The leading keywords of a statement: what it creates, or which database it makes current
// ---------------------------------------------------------------------------------------

interface Lead {
  /** USE db: the database later unqualified names belong to. */
  readonly use?: string;
  readonly creates?: Omit<Created, 'index'>;
}

type Word = { readonly kind: 'word' | 'ident' | 'string' | 'punct'; readonly text: string };

/**
 * Reads the first few tokens of `sql` (comments skipped; `quoted`, 'string' and bare words)
 * and says what a CREATE statement creates or which database a USE selects. Statements it
 * does not recognise (ALTER, INSERT ...) create nothing to undo: a table they change goes
 * when the table is dropped.
 */
export function readLeadingKeywords(sql: string, current: string | undefined): Lead {
  const w = leadingWords(sql, 40);
  const upper = (i: number): string => (w[i]?.kind === 'word' ? w[i]!.text.toUpperCase() : '');
  if (upper(0) === 'USE' && w[1] && w[1].kind !== 'punct') return { use: w[1].text };
  if (upper(0) !== 'CREATE') return {};
  let i = 1;
  if (upper(i) === 'OR' && upper(i + 1) === 'REPLACE') i += 2;
  // Options before the object kind: ALGORITHM=x, DEFINER=user@host, SQL SECURITY x, TEMPORARY, UNIQUE ...
  for (;;) {
    const k = upper(i);
    if (k === 'ALGORITHM' && w[i + 1]?.text === '=') i += 3;
    else if (k === 'DEFINER' && w[i + 1]?.text === '=') {
      i += 3;
      if (w[i]?.text === '(' && w[i + 1]?.text === ')') i += 2;
      if (w[i]?.text === '@') i += 2;
    } else if (k === 'SQL' && upper(i + 1) === 'SECURITY') i += 3;
    else if (k === 'TEMPORARY') return {};
    else if (['UNIQUE', 'FULLTEXT', 'SPATIAL', 'AGGREGATE', 'ONLINE', 'OFFLINE'].includes(k)) i += 1;
    else break;
  }
  const kindWord = upper(i) === 'SCHEMA' ? 'DATABASE' : upper(i);
  const kinds: readonly ObjectKind[] = ['DATABASE', 'TABLE', 'VIEW', 'TRIGGER', 'PROCEDURE', 'FUNCTION', 'INDEX', 'SEQUENCE', 'EVENT'];
  if (!(kinds as readonly string[]).includes(kindWord)) return {};
  const kind = kindWord as ObjectKind;
  i += 1;
  if (upper(i) === 'IF' && upper(i + 1) === 'NOT' && upper(i + 2) === 'EXISTS') i += 3;
  const name = qualifiedAt(w, i);
  if (!name) return {};
  if (kind === 'DATABASE') return { creates: { kind, database: undefined, name: name.name } };
  if (kind === 'INDEX') {
    let j = name.next;
    if (upper(j) === 'USING') j += 2;
    if (upper(j) !== 'ON') return {};
    const table = qualifiedAt(w, j + 1);
    if (!table) return {};
    return { creates: { kind, database: table.database ?? current, name: name.name, table: table.name } };
  }
  return { creates: { kind, database: name.database ?? current, name: name.name } };
}

function qualifiedAt(w: readonly Word[], i: number): { database?: string; name: string; next: number } | undefined {
  const first = w[i];
  if (!first || (first.kind !== 'word' && first.kind !== 'ident')) return undefined;
  const second = w[i + 2];
  if (w[i + 1]?.text === '.' && second && (second.kind === 'word' || second.kind === 'ident')) return { database: first.text, name: second.text, next: i + 3 };
  return { name: first.text, next: i + 1 };
}

function leadingWords(sql: string, max: number): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < sql.length && out.length < max) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '#' || (c === '-' && sql.startsWith('-- ', i)) || sql.startsWith('--\n', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === '`' || c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j += 2;
        } else if (sql[j] === c) break;
        else if (c !== '`' && sql[j] === '\\' && j + 1 < sql.length) {
          text += sql[j + 1];
          j += 2;
        } else text += sql[j++];
      }
      out.push({ kind: c === '`' ? 'ident' : 'string', text });
      i = j + 1;
    } else if (/[A-Za-z0-9_$]/.test(c)) {
      const m = /^[A-Za-z0-9_$]+/.exec(sql.slice(i, i + 256))!;
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}
