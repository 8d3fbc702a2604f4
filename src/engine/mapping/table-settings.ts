/**
 * Table-settings rules (user guide,
 * CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Tablesettings):
 * `parallel-load` and `lob-settings` for one table named exactly ("Exact schema and table
 * name required when using table settings rule").
 *
 * parallel-load types: the guide says PostgreSQL sources support only `ranges`; MySQL sources
 * also take `partitions-auto` (load each partition on its own), which OpenDMS accepts for
 * either engine and turns into its automatic key-range split. `none` turns parallel load off
 * for the table. The Oracle-only (`subpartitions-auto`, `partitions-list`) and
 * MongoDB-only options are refused with the reason.
 */
import { orList, readScalarString } from '../../mapping-rules/rule-json.js';
import { hasPercent } from '../../mapping-rules/wildcard.js';
import type { JsonReader } from './json-reader.js';
import type { RuleBase, TableSettingsRule } from './plan-types.js';

const PARALLEL_TYPES = ['ranges', 'partitions-auto', 'none'] as const;
const REFUSED_TYPES: Readonly<Record<string, string>> = {
  'subpartitions-auto': 'it is for Oracle sources only',
  'partitions-list': 'loading a chosen list of partitions is not supported by OpenDMS; use ranges (or partitions-auto for all partitions)',
};
const LOB_MODES = ['limited', 'unlimited', 'none'] as const;
/** The guide: "You can specify up to 10 columns". */
const MAX_RANGE_COLUMNS = 10;

function readParallelLoad(p: JsonReader): NonNullable<TableSettingsRule['parallelLoad']> {
  const type = p.string('type', { hint: `use ${orList(PARALLEL_TYPES)}` });
  const refused = REFUSED_TYPES[type];
  if (refused) p.fail(`'parallel-load.type' '${type}' is not valid here: ${refused}`);
  p.oneOf('type', PARALLEL_TYPES, 'PostgreSQL and MySQL sources', { required: true });
  if (type !== 'ranges') {
    p.onlyMembers(['type'], `parallel-load type '${type}' (the MongoDB/DocumentDB options do not apply to PostgreSQL and MySQL)`);
    return { type: type as 'partitions-auto' | 'none' };
  }
  p.onlyMembers(['type', 'columns', 'boundaries'], "parallel-load type 'ranges'");
  const cols = p.optArray('columns');
  if (!cols || cols.length === 0) p.fail(`'parallel-load.columns' ${cols ? 'is empty' : 'is missing'}; ranges need the column names that bound the segments`);
  if (cols.length > MAX_RANGE_COLUMNS) p.fail(`'parallel-load.columns' lists ${cols.length} columns; DMS allows at most ${MAX_RANGE_COLUMNS}`);
  const columns = cols.map((c, i) => {
    if (typeof c !== 'string' || c.length === 0) return p.fail(`'parallel-load.columns[${i}]' must be a column name (a non-empty string)`);
    return c;
  });
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) p.fail(`'parallel-load.columns' lists column '${dup}' twice`);
  const raw = p.optArray('boundaries');
  if (!raw || raw.length === 0) p.fail(`'parallel-load.boundaries' ${raw ? 'is empty' : 'is missing'}; give at least one boundary tuple such as [${columns.map(() => '"1000"').join(', ')}]`);
  const boundaries = raw.map((b, i) => {
    const where = `parallel-load.boundaries[${i}]`;
    if (!Array.isArray(b)) return p.fail(`'${where}' must be an array of ${columns.length} value(s), one per column of 'parallel-load.columns'`);
    if (b.length !== columns.length) {
      p.fail(`'${where}' has ${b.length} value(s) but 'parallel-load.columns' has ${columns.length} (${columns.join(', ')}); each boundary gives one value per column, in that order`);
    }
    return b.map((v, k) => readScalarString(v, `${where}[${k}]`, (problem) => p.fail(problem)));
  });
  return { type: 'ranges', columns, boundaries };
}

function readLobSettings(l: JsonReader): NonNullable<TableSettingsRule['lobSettings']> {
  l.onlyMembers(['mode', 'bulk-max-size'], "'lob-settings'");
  // The guide: "limited – The default limited LOB mode".
  const mode = l.oneOf('mode', LOB_MODES, 'lob-settings') ?? 'limited';
  const bulkMaxSizeKb = l.optInt('bulk-max-size', { min: 0 });
  if (mode === 'limited' && !bulkMaxSizeKb) {
    l.fail(`limited LOB mode needs a nonzero 'lob-settings.bulk-max-size' (the largest LOB kept whole, in KB)${bulkMaxSizeKb === 0 ? ', got 0' : ''}`);
  }
  return { mode, ...(bulkMaxSizeKb !== undefined ? { bulkMaxSizeKb } : {}) };
}

/** Reads and validates a table-settings rule (its members other than the common ones). */
export function readTableSettingsRule(r: JsonReader, base: RuleBase): TableSettingsRule {
  r.onlyMembers(['rule-type', 'rule-id', 'rule-name', 'object-locator', 'parallel-load', 'lob-settings'], 'a table-settings rule');
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a table-settings rule names one table: {"schema-name": ..., "table-name": ...}`);
  loc.onlyMembers(['schema-name', 'table-name'], 'the object-locator of a table-settings rule');
  const schemaName = loc.string('schema-name', { nonEmpty: true });
  const tableName = loc.string('table-name', { nonEmpty: true });
  if (hasPercent(schemaName) || hasPercent(tableName)) {
    r.fail(`exact schema and table name required when using table settings rule, but object-locator has the wildcard '%' (schema-name '${schemaName}', table-name '${tableName}'); write one table-settings rule per table`);
  }
  const pl = r.optObject('parallel-load');
  const lob = r.optObject('lob-settings');
  if (!pl && !lob) r.fail(`a table-settings rule needs 'parallel-load' or 'lob-settings' (or both)`);
  return {
    ...base,
    ruleType: 'table-settings',
    objectLocator: { schemaName, tableName },
    ...(pl ? { parallelLoad: readParallelLoad(pl) } : {}),
    ...(lob ? { lobSettings: readLobSettings(lob) } : {}),
  };
}
