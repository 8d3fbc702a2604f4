/**
 * What the MySQL/MariaDB target can do, from ConvertOptions. When the engine or the version is
 * unknown the converter picks what every supported server accepts (MySQL 5.7+, MariaDB 10.3+).
 */
import type { ConvertOptions } from '../convert-options.js';

export interface MysqlTargetTraits {
  /** MariaDB for sure (engine name or version string). */
  readonly mariadb: boolean;
  /** MySQL (not MariaDB) for sure. */
  readonly mysql: boolean;
  /** MariaDB 10.3+: CREATE SEQUENCE. */
  readonly sequences: boolean;
  /** MySQL 8.0.13+: functional key parts `((expr))`. */
  readonly functionalIndexes: boolean;
  /** A label for messages: "MariaDB 10.11.6", "MySQL 8.0.36", "MySQL/MariaDB (version unknown)". */
  readonly label: string;
}

export function mysqlTargetTraits(opts: ConvertOptions): MysqlTargetTraits {
  const v = opts.targetVersion ?? '';
  const engine = (opts.targetEngine ?? '').toLowerCase();
  const mariadb = /mariadb/i.test(v) || engine === 'mariadb';
  const nums = /(\d+)\.(\d+)\.(\d+)/.exec(v);
  const [major, minor, patch] = nums ? [Number(nums[1]), Number(nums[2]), Number(nums[3])] : [0, 0, 0];
  const known = nums !== null;
  const mysql = !mariadb && (engine === 'mysql' || engine === 'aurora' || (known && major >= 5 && major < 10));
  const atLeast = (a: number, b: number, c: number): boolean => major > a || (major === a && (minor > b || (minor === b && patch >= c)));
  return {
    mariadb,
    mysql,
    // MariaDB without a version: 10.3 is the oldest supported release, and it has sequences.
    sequences: mariadb && (!known || atLeast(10, 3, 0)),
    functionalIndexes: mysql && known && atLeast(8, 0, 13),
    label: known ? `${mariadb ? 'MariaDB' : 'MySQL'} ${major}.${minor}.${patch}` : mariadb ? 'MariaDB' : mysql ? 'MySQL' : 'MySQL/MariaDB (version unknown)',
  };
}
