/**
 * The message of a run whose table mappings select nothing (FailOnNoTablesCaptured): which
 * selection rules matched no table of the source, or that exclusions removed what they matched.
 */
import type { TableInfo } from '../../connectors/spi/index.js';
import type { TableMappings } from '../mapping/index.js';
import { matchesPattern } from '../../mapping-rules/wildcard.js';

export function noTablesMessage(mappings: TableMappings, catalog: readonly TableInfo[]): string {
  const includes = mappings.rules.flatMap((r) => (r.ruleType === 'selection' && r.ruleAction !== 'exclude' ? [r] : []));
  const unmatched = includes.filter((r) => !catalog.some((t) => locatorMatches(r.objectLocator, t)));
  const locator = (r: (typeof includes)[number]): string => `rule ${r.ruleId} (${r.objectLocator.schemaName}.${r.objectLocator.tableName ?? '%'})`;
  const base = 'No tables were captured: the table mappings select no table of the source';
  if (includes.length === 0) return `${base} (they have no include selection rule)`;
  if (unmatched.length > 0) {
    return `${base}. Selection ${unmatched.map(locator).join(', ')} matched no table. Check the schema and table names (they are case sensitive), or set ErrorBehavior.FailOnNoTablesCaptured to false`;
  }
  return `${base}: the tables that ${includes.map(locator).join(', ')} matched are all excluded by exclude rules`;
}

function locatorMatches(l: { readonly schemaName: string; readonly tableName?: string; readonly tableType?: string }, t: TableInfo): boolean {
  if (l.tableType === 'table' && t.kind !== 'table') return false;
  if (l.tableType === 'view' && t.kind !== 'view') return false;
  return matchesPattern(l.schemaName, t.schema) && matchesPattern(l.tableName ?? '%', t.name);
}
