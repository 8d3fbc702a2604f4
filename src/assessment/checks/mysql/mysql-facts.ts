/**
 * What the MySQL and MariaDB checks share: which source engines a prefix stands for (DMS
 * names the same checks `mysql-check-*` and `mariadb-check-*`), server variables, and the
 * wording of where a variable is changed.
 */
import type { SqlInspector } from '../../../connectors/spi/index.js';
import { bothRelational, dialectOf, familyOf, getsMysqlChecks, performsCdc, performsFullLoad } from '../../engines.js';
import type { MigrationType } from '../../types.js';

/** The name prefix of a family's checks. */
export type MysqlPrefix = 'mysql' | 'mariadb';

export interface MysqlScope {
  readonly cdc?: boolean;
  readonly fullLoad?: boolean;
  /** Only with a MySQL-family target (MySQL, Aurora MySQL, MariaDB). */
  readonly mysqlTarget?: boolean;
}

export function mysqlSourceApplies(prefix: MysqlPrefix, scope: MysqlScope = {}): (source: string, target: string, type: MigrationType) => boolean {
  return (source, target, type) =>
    (prefix === 'mysql' ? getsMysqlChecks(source) : familyOf(source) === 'mariadb') &&
    bothRelational(source, target) &&
    (!scope.cdc || performsCdc(type)) &&
    (!scope.fullLoad || performsFullLoad(type)) &&
    (!scope.mysqlTarget || dialectOf(target) === 'mysql');
}

export function productOfPrefix(prefix: MysqlPrefix): string {
  return prefix === 'mariadb' ? 'MariaDB' : 'MySQL';
}

/** Global values of server variables, by lower-case name; a variable the server lacks is absent. */
export async function globalVariables(inspector: SqlInspector, names: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
  const rows = await inspector.query<{ Variable_name: string; Value: string | null }>('SHOW GLOBAL VARIABLES WHERE Variable_name IN (?)', [names], signal);
  return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value ?? '']));
}

export function isOn(v: string | undefined): boolean {
  return v !== undefined && /^(1|on|true|yes)$/i.test(v.trim());
}

/** How to change a variable that needs a restart. */
export function restartAdvice(lines: readonly string[]): string {
  return `Set ${lines.join(', ')} in the [mysqld] section of the server's configuration file (my.cnf) and restart it; on Amazon RDS and Aurora set the same in the DB parameter group (DB cluster parameter group for Aurora) and reboot.`;
}

/** `5.7.44-log` -> [5, 7, 44]; `10.11.6-MariaDB-1` -> [10, 11, 6]. */
export function versionParts(version: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = version.split(/[.-]/).slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);
  return [a, b, c];
}

export function atLeast(version: string, wanted: readonly [number, number, number]): boolean {
  const v = versionParts(version);
  for (let i = 0; i < 3; i++) if (v[i] !== wanted[i]) return v[i]! > wanted[i]!;
  return true;
}
