/**
 * What the PostgreSQL checks read again and again: server settings from pg_settings (with
 * their units, so a value is compared in one unit whatever the server's configuration file
 * said), the version number, and who the user is.
 */
import type { SqlInspector } from '../../../connectors/spi/index.js';
import { OpenDmsError } from '../../../common/errors.js';
import { bothRelational, familyOf, performsCdc, performsFullLoad } from '../../engines.js';
import type { MigrationType } from '../../types.js';

export interface PgSetting {
  readonly name: string;
  readonly setting: string;
  readonly unit: string | null;
}

/** The settings asked for that the server has (a setting newer than the server is absent). */
export async function pgSettings(inspector: SqlInspector, names: readonly string[], signal: AbortSignal): Promise<Map<string, PgSetting>> {
  const rows = await inspector.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, setting, unit FROM pg_catalog.pg_settings WHERE name = ANY($1::text[])',
    [names],
    signal,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/** A setting every supported server has: its absence means the user may not see it. */
export function required(settings: ReadonlyMap<string, PgSetting>, name: string): PgSetting {
  const s = settings.get(name);
  if (!s) throw new OpenDmsError('assessment-cannot-read', `cannot read the server setting ${name} from pg_settings (the endpoint's user may not see it); grant it pg_read_all_settings and run the assessment again`);
  return s;
}

const byteUnits: Readonly<Record<string, number>> = { B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, '16MB': 16 * 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const msUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A memory or size setting in bytes (negative values, such as -1 = no limit, stay negative). */
export function bytesOf(s: PgSetting): number {
  const n = Number(s.setting);
  return n < 0 ? n : n * (byteUnits[s.unit ?? 'B'] ?? 1);
}

/** A time setting in milliseconds. */
export function msOf(s: PgSetting): number {
  const n = Number(s.setting);
  return n <= 0 ? n : n * (msUnits[s.unit ?? 'ms'] ?? 1);
}

/** `64 MB`, `1.5 GB`. */
export function sizeText(bytes: number): string {
  if (bytes < 0) return 'unlimited';
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

export async function serverVersionNum(inspector: SqlInspector, signal: AbortSignal): Promise<number> {
  const [r] = await inspector.query<{ v: string }>("SELECT current_setting('server_version_num') AS v", [], signal);
  return Number(r?.v ?? 0);
}

/** `150004` -> `15.4`, `90624` -> `9.6.24`. */
export function versionText(num: number): string {
  const major = Math.floor(num / 10000);
  return major >= 10 ? `${major}.${num % 10000}` : `${Math.floor(num / 10000)}.${Math.floor(num / 100) % 100}.${num % 100}`;
}

export interface PgSourceScope {
  /** Only for migration types that capture changes. */
  readonly cdc?: boolean;
  /** Only for migration types with a full load. */
  readonly fullLoad?: boolean;
  /** Only with a PostgreSQL target. */
  readonly postgresTarget?: boolean;
}

/** `applies` of a PostgreSQL-source check. */
export function pgSourceApplies(scope: PgSourceScope = {}): (source: string, target: string, type: MigrationType) => boolean {
  return (source, target, type) =>
    familyOf(source) === 'postgres' &&
    bothRelational(source, target) &&
    (!scope.cdc || performsCdc(type)) &&
    (!scope.fullLoad || performsFullLoad(type)) &&
    (!scope.postgresTarget || familyOf(target) === 'postgres');
}
