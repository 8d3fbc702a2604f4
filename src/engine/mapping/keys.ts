/**
 * The key of a source table: what identifies its rows for range splits and for the target's
 * primary key.
 */
import type { TableInfo } from '../../connectors/spi/index.js';

/**
 * The primary key; else the first unique key whose columns are all NOT NULL (it identifies
 * every row); else the first unique key; else none.
 */
export function sourceKeyOf(t: TableInfo): { columns: readonly string[]; fromUnique: boolean; nullable: boolean } {
  if (t.primaryKey.length > 0) return { columns: t.primaryKey, fromUnique: false, nullable: false };
  const nullable = (key: readonly string[]): boolean => key.some((k) => t.columns.find((c) => c.name === k)?.nullable ?? true);
  const strict = t.uniqueKeys.find((k) => k.length > 0 && !nullable(k));
  if (strict) return { columns: strict, fromUnique: true, nullable: false };
  const any = t.uniqueKeys.find((k) => k.length > 0);
  return any ? { columns: any, fromUnique: true, nullable: true } : { columns: [], fromUnique: false, nullable: false };
}
