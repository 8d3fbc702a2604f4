/**
 * Names in the MySQL/MariaDB target: the source names kept (case included), cut to MySQL's
 * 64 characters, and kept unique where MySQL needs them unique (tables, views and
 * constraint names per database, columns and indexes per table) by adding _2, _3 ...
 * MySQL compares most of these names case-insensitively, so uniqueness ignores case.
 */

/** MySQL's identifier limit, in characters. */
export const maxMysqlName = 64;

/** `name` cut to 64 characters (whole characters, never half a surrogate pair). */
export function fitMysqlName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= maxMysqlName ? name : chars.slice(0, maxMysqlName).join('');
}

/** A set of taken names (one MySQL namespace) that hands out unique ones. */
export class MysqlNameSpace {
  private readonly taken = new Set<string>();

  /** Takes `wanted` (fitted), or the first free `wanted_2`, `wanted_3` ...; returns what it took. */
  take(wanted: string): string {
    let name = fitMysqlName(wanted);
    for (let k = 2; this.taken.has(name.toLowerCase()); k++) {
      const suffix = `_${k}`;
      name = Array.from(fitMysqlName(wanted)).slice(0, maxMysqlName - suffix.length).join('') + suffix;
    }
    this.taken.add(name.toLowerCase());
    return name;
  }
}
