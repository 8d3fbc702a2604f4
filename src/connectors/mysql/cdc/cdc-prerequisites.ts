/**
 * What a MySQL/MariaDB source needs for change capture: its binlog settings and the replication
 * privileges of the endpoint's user. The checks are pure (fed the server's variables and SHOW
 * GRANTS lines), so their messages can be tested without reconfiguring a server.
 */
import type { ClassifiedError } from '../../spi/connection-error.js';

/** The server variables the checks read (as SELECT @@global.x returns them). */
export interface BinlogSettings {
  readonly log_bin: string | number | null;
  readonly binlog_format: string | null;
  readonly binlog_row_image: string | null;
  readonly server_id: string | number | null;
  /** MySQL 8.0.20+ only. */
  readonly binlog_transaction_compression?: string | number | null;
  /** MySQL 8.0.3+ only. */
  readonly binlog_row_value_options?: string | null;
  /** MySQL 8.0.1+ and MariaDB 10.5+ only. */
  readonly binlog_row_metadata?: string | null;
}

interface Requirement {
  readonly variable: string;
  readonly current: string;
  readonly needed: string;
  /** The my.cnf line that fixes it. */
  readonly line: string;
}

const on = (v: string | number | null | undefined): boolean => v !== null && v !== undefined && /^(1|on|true|yes)$/i.test(String(v).trim());
const shown = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '(not set)' : String(v));

/** The settings that are wrong, each with the value it needs; empty when capture can run. */
export function missingBinlogSettings(v: BinlogSettings): Requirement[] {
  const out: Requirement[] = [];
  if (!on(v.log_bin)) out.push({ variable: 'log_bin', current: 'OFF', needed: 'ON', line: 'log_bin = mysql-bin' });
  if (String(v.binlog_format ?? '').toUpperCase() !== 'ROW') out.push({ variable: 'binlog_format', current: shown(v.binlog_format), needed: 'ROW', line: 'binlog_format = ROW' });
  if (String(v.binlog_row_image ?? '').toUpperCase() !== 'FULL') out.push({ variable: 'binlog_row_image', current: shown(v.binlog_row_image), needed: 'FULL', line: 'binlog_row_image = FULL' });
  if (v.server_id === null || v.server_id === undefined || Number(v.server_id) === 0) out.push({ variable: 'server_id', current: shown(v.server_id), needed: 'a number other than 0', line: 'server_id = 1' });
  if (v.binlog_transaction_compression !== undefined && on(v.binlog_transaction_compression)) {
    out.push({ variable: 'binlog_transaction_compression', current: 'ON', needed: 'OFF', line: 'binlog_transaction_compression = OFF' });
  }
  if (v.binlog_row_value_options !== undefined && v.binlog_row_value_options !== null && /PARTIAL_JSON/i.test(v.binlog_row_value_options)) {
    out.push({ variable: 'binlog_row_value_options', current: v.binlog_row_value_options, needed: "'' (empty)", line: "binlog_row_value_options = ''" });
  }
  return out;
}

/**
 * A warning (capture still runs) when the server could write column names into TABLE_MAP
 * events (binlog_row_metadata, MySQL 8.0.1+, MariaDB 10.5+) but does not: names then come
 * from the catalog as it is when the rows are decoded, so a column renamed while the task is
 * behind gets its new name in rows written before the rename. Undefined when the setting is
 * FULL or the server has no such setting.
 */
export function binlogRowMetadataWarning(v: BinlogSettings, where: string): string | undefined {
  if (v.binlog_row_metadata === undefined || String(v.binlog_row_metadata ?? '').toUpperCase() === 'FULL') return undefined;
  return `${where} has binlog_row_metadata=${shown(v.binlog_row_metadata)}, not FULL: the binlog does not carry column names, so a column renamed while the task is behind the source may be applied under its new name to rows written before the rename (set binlog_row_metadata = FULL in my.cnf [mysqld], or SET GLOBAL; managed services: the DB parameter group)`;
}

/** A 'not-configured' error naming every wrong setting, or undefined when all are right. */
export function checkBinlogSettings(v: BinlogSettings, where: string): ClassifiedError | undefined {
  const missing = missingBinlogSettings(v);
  if (missing.length === 0) return undefined;
  const what = missing.map((m) => `${m.variable} is ${m.current} but must be ${m.needed}`).join('; ');
  return {
    kind: 'not-configured',
    message: `${where} cannot be used for change data capture: ${what}`,
    hint: `In the server's my.cnf, [mysqld] section, set ${missing.map((m) => m.line).join(', ')}, then restart the server (managed services: set the same in the DB parameter group; binlog_format=ROW there too).`,
  };
}

/**
 * The replication privileges of SHOW GRANTS (global grants only): REPLICATION SLAVE for the dump
 * and REPLICATION CLIENT (MariaDB 10.5+: BINLOG MONITOR) for the binlog's status. Undefined when
 * both are there, or when roles are granted (their privileges do not show here; the stream's own
 * errors will tell).
 */
export function checkReplicationGrants(grants: readonly string[], where: string, mariadb: boolean): ClassifiedError | undefined {
  const privileges = new Set<string>();
  let roles = false;
  for (const line of grants) {
    const m = /^\s*GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s/is.exec(line);
    if (!m) {
      if (/^\s*GRANT\s+/i.test(line)) roles = true;
      continue;
    }
    if (m[2]!.replace(/`/g, '') !== '*.*') continue;
    for (const p of m[1]!.split(',')) privileges.add(p.trim().toUpperCase().replace(/\s+/g, ' '));
  }
  if (privileges.has('ALL PRIVILEGES') || privileges.has('ALL')) return undefined;
  const slave = privileges.has('REPLICATION SLAVE') || privileges.has('REPLICATION REPLICA');
  const client = privileges.has('REPLICATION CLIENT') || privileges.has('BINLOG MONITOR') || privileges.has('SUPER');
  if (slave && client) return undefined;
  if (roles) return undefined;
  const clientName = mariadb ? 'BINLOG MONITOR' : 'REPLICATION CLIENT';
  const missing = [...(slave ? [] : ['REPLICATION SLAVE']), ...(client ? [] : [clientName])];
  return {
    kind: 'not-configured',
    message: `${where}: the endpoint's user lacks the ${missing.join(' and ')} privilege${missing.length > 1 ? 's' : ''} that change data capture needs`,
    hint: `Run GRANT REPLICATION SLAVE, ${clientName} ON *.* TO the endpoint's user${mariadb ? " (before MariaDB 10.5: REPLICATION CLIENT instead of BINLOG MONITOR)" : ''}.`,
  };
}
