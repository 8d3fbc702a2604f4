/**
 * The endpoint user's privileges on a MySQL or MariaDB server, from SHOW GRANTS: the one
 * statement every user may run about itself on every version (information_schema's
 * privilege tables show only direct grants, and their grantee spelling differs between
 * versions). Granted roles are followed (SHOW GRANTS FOR the role, a few levels deep) and
 * taken as active: a role that is granted but never enabled (SET ROLE, default roles) is
 * counted, which can only make the check too lenient, never report a missing privilege
 * that is there.
 */
import type { SqlInspector } from '../../../connectors/spi/index.js';

interface Grant {
  /** Upper case, one space between words; column-level grants (SELECT (a, b)) are left out. */
  readonly privileges: ReadonlySet<string>;
  /** `*` or a database name pattern (`%`, `_`, `\_` as in GRANT ... ON `db\_%`.*). */
  readonly schema: string;
  /** `*` or a table name. */
  readonly table: string;
}

export interface Grants {
  /** True when `privilege` is granted globally, on the schema, or on the table. */
  has(privilege: string, schema?: string, table?: string): boolean;
  /** The lines read, for findings. */
  readonly lines: readonly string[];
}

const maxRoleDepth = 3;

/** Reads SHOW GRANTS of the current user and of the roles granted to it. */
export async function readGrants(inspector: SqlInspector, signal: AbortSignal): Promise<Grants> {
  const lines: string[] = [];
  let pending: Promise<string[]>[] = [showGrants(inspector, 'SHOW GRANTS', signal)];
  const seenRoles = new Set<string>();
  for (let depth = 0; depth <= maxRoleDepth && pending.length > 0; depth++) {
    const next: Promise<string[]>[] = [];
    for (const batch of await Promise.all(pending)) {
      for (const line of batch) {
        lines.push(line);
        for (const role of rolesOf(line)) {
          if (seenRoles.has(role)) continue;
          seenRoles.add(role);
          // A role the user may not inspect (MySQL without the grant to see it) is skipped.
          next.push(showGrants(inspector, `SHOW GRANTS FOR ${role}`, signal).catch((err: unknown) => (signal.aborted ? Promise.reject(err) : [])));
        }
      }
    }
    pending = next;
  }
  return grantsOf(lines);
}

async function showGrants(inspector: SqlInspector, sql: string, signal: AbortSignal): Promise<string[]> {
  const rows = await inspector.query(sql, [], signal);
  return rows.map((r) => String(Object.values(r)[0] ?? ''));
}

/** `GRANT \`r\`@\`%\` TO ...` (MySQL) or `GRANT \`r\` TO ...` (MariaDB): the roles as the server quoted them. */
function rolesOf(line: string): string[] {
  if (/\sON\s/i.test(line.replace(/`(?:[^`]|``)*`/g, '``'))) return [];
  const m = /^\s*GRANT\s+(.+?)\s+TO\s/i.exec(line);
  return (m?.[1] ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
}

const ident = '`(?:[^`]|``)+`|[^\\s.`]+|\\*';
const grantLine = new RegExp(`^\\s*GRANT\\s+(.+?)\\s+ON\\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?: BODY)?)\\s+)?(${ident})\\.(${ident})\\s+TO\\s`, 'i');

const unquote = (s: string): string => (s.startsWith('`') ? s.slice(1, -1).replace(/``/g, '`') : s);

/** Splits `SELECT, INSERT, UPDATE (a, b)` at top-level commas. */
function privilegeList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '' && !p.includes('('));
}

export function grantsOf(lines: readonly string[]): Grants {
  const grants: Grant[] = [];
  for (const line of lines) {
    const m = grantLine.exec(line);
    if (!m) continue;
    const privileges = new Set(privilegeList(m[1]!).map((p) => p.toUpperCase().replace(/\s+/g, ' ')));
    grants.push({ privileges, schema: unquote(m[2]!), table: unquote(m[3]!) });
  }
  const holds = (g: Grant, privilege: string): boolean => g.privileges.has(privilege) || g.privileges.has('ALL PRIVILEGES') || g.privileges.has('ALL');
  return {
    lines,
    has(privilege, schema, table) {
      const p = privilege.toUpperCase();
      return grants.some((g) => {
        if (!holds(g, p)) return false;
        if (g.schema === '*') return true;
        if (schema === undefined || !schemaMatches(g.schema, schema)) return false;
        return g.table === '*' || (table !== undefined && g.table === table);
      });
    },
  };
}

/** GRANT's database patterns: `%` any run, `_` any one character, `\_` / `\%` themselves. */
function schemaMatches(pattern: string, schema: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]!);
    } else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, 's').test(schema);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
