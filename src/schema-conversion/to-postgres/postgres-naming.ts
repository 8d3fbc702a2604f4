/**
 * Names in the PostgreSQL target: MySQL names lower-cased (PostgreSQL folds unquoted names
 * to lower case, so lower-case names are the ones users can type), cut to PostgreSQL's 63
 * bytes, and kept unique where PostgreSQL needs them unique (relations and indexes
 * schema-wide, columns per table) by adding _2, _3 ...
 */

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
const maxBytes = 63;

/** `name` cut to 63 bytes without splitting a character. */
export function fitIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break;
    out += ch;
  }
  return out;
}

/** A set of taken names (one PostgreSQL namespace) that hands out unique ones. */
export class NameSpace {
  private readonly taken = new Set<string>();

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** Takes `wanted` (fitted), or the first free `wanted_2`, `wanted_3` ...; returns what it took. */
  take(wanted: string): string {
    let name = fitIdentifier(wanted);
    for (let k = 2; this.taken.has(name); k++) {
      const suffix = `_${k}`;
      name = fitIdentifier(wanted).slice(0, Math.max(1, maxBytes - suffix.length)) + suffix;
      while (Buffer.byteLength(name, 'utf8') > maxBytes) name = name.slice(0, -suffix.length - 1) + suffix;
    }
    this.taken.add(name);
    return name;
  }

  /** Marks a name taken (names fixed elsewhere). */
  reserve(name: string): void {
    this.taken.add(name);
  }
}

/** The PostgreSQL name of a MySQL name, before uniqueness. */
export function pgNameOf(mysqlName: string): string {
  return fitIdentifier(mysqlName.toLowerCase());
}
