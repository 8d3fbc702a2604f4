/**
 * The replication engine versions OpenDMS offers (DescribeEngineVersions). Versions, dates and
 * lifecycles follow DMS's release notes; the engine behind every version is this process, so
 * the numbers matter for the rules (no downgrades, major upgrades need
 * AllowMajorVersionUpgrade, older versions have a pending `db-upgrade`) rather than for
 * features.
 */
import type { ReleaseStatusValues } from '../../api/generated/shapes.js';

export interface EngineVersionInfo {
  readonly version: string;
  readonly lifecycle: 'DEFAULT_VERSION' | 'ACTIVE' | 'DEPRECATED';
  readonly releaseStatus: ReleaseStatusValues;
  readonly launchDate: string;
  readonly autoUpgradeDate?: string;
  readonly deprecationDate?: string;
  readonly forceUpgradeDate?: string;
}

/** Oldest first. */
export const engineVersions: readonly EngineVersionInfo[] = [
  { version: '3.4.7', lifecycle: 'DEPRECATED', releaseStatus: 'prod', launchDate: '2022-05-10', deprecationDate: '2025-03-31', forceUpgradeDate: '2025-04-30' },
  { version: '3.5.1', lifecycle: 'ACTIVE', releaseStatus: 'prod', launchDate: '2023-06-30', autoUpgradeDate: '2027-01-15', deprecationDate: '2027-03-31' },
  { version: '3.5.2', lifecycle: 'ACTIVE', releaseStatus: 'prod', launchDate: '2023-10-29', autoUpgradeDate: '2027-01-15', deprecationDate: '2027-03-31' },
  { version: '3.5.3', lifecycle: 'ACTIVE', releaseStatus: 'prod', launchDate: '2024-05-17' },
  { version: '3.5.4', lifecycle: 'DEFAULT_VERSION', releaseStatus: 'prod', launchDate: '2024-12-16' },
  { version: '3.6.1', lifecycle: 'ACTIVE', releaseStatus: 'beta', launchDate: '2025-05-20' },
];

/** Compares dotted versions numerically (3.5.10 > 3.5.9). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** DMS counts 3.4 -> 3.5 as a major version change: the major version is the first two numbers. */
export const majorOf = (version: string): string => version.split('.').slice(0, 2).join('.');

export const findEngineVersion = (version: string): EngineVersionInfo | undefined => engineVersions.find((v) => v.version === version);

/** Versions a new instance may be created with, or an existing one moved to. */
export const orderableEngineVersions = (): EngineVersionInfo[] => engineVersions.filter((v) => v.lifecycle !== 'DEPRECATED');

/** The version of new instances that name none: the newest production release. */
export function defaultEngineVersion(): string {
  const prod = orderableEngineVersions().filter((v) => v.releaseStatus === 'prod');
  return prod.sort((a, b) => compareVersions(b.version, a.version))[0]!.version;
}

/** The versions an instance on `version` can be upgraded to (newer and still orderable). */
export const availableUpgrades = (version: string): string[] =>
  orderableEngineVersions().filter((v) => compareVersions(v.version, version) > 0).map((v) => v.version);

/**
 * The minor upgrade DMS would schedule as maintenance (`db-upgrade`): the newest production
 * version of the same major series, when newer than `version`.
 */
export function maintenanceUpgradeFor(version: string): string | undefined {
  const candidates = orderableEngineVersions()
    .filter((v) => v.releaseStatus === 'prod' && majorOf(v.version) === majorOf(version) && compareVersions(v.version, version) > 0)
    .sort((a, b) => compareVersions(b.version, a.version));
  return candidates[0]?.version;
}
