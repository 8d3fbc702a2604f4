/**
 * Source filters of selection rules (user guide, CHAP_Tasks.CustomizingTasks.Filters):
 * `{filter-type: source, column-name, filter-conditions: [{filter-operator, value |
 * start-value + end-value}]}`. Filters AND together, the conditions of one filter OR together.
 */
import type { ColumnFilter, FilterCondition } from '../../connectors/spi/index.js';
import { orList, readScalarString } from '../../mapping-rules/rule-json.js';
import { JsonReader } from './json-reader.js';
import type { RuleRef } from './mapping-error.js';

/** `ste` is DMS's older spelling of `lte` ("smaller than or equal"). */
const OPERATORS = ['eq', 'noteq', 'lte', 'ste', 'gte', 'between', 'notbetween', 'null', 'notnull'] as const;
type Operator = (typeof OPERATORS)[number];
/** The guide: a negative operator must be the only condition of its filter. */
const NEGATIVE: readonly Operator[] = ['noteq', 'notbetween', 'notnull'];

function readCondition(c: JsonReader): FilterCondition {
  const op = c.oneOf('filter-operator', OPERATORS, 'a filter condition', { required: true }) as Operator;
  const value = (key: string): string => {
    if (!c.has(key)) c.fail(`'${c.where(key)}' is missing; filter-operator '${op}' needs ${op === 'between' || op === 'notbetween' ? "'start-value' and 'end-value'" : "a 'value'"}`);
    return readScalarString(c.raw(key), c.where(key), (problem) => c.fail(problem));
  };
  switch (op) {
    case 'eq':
    case 'noteq':
    case 'lte':
    case 'ste':
    case 'gte':
      c.onlyMembers(['filter-operator', 'value'], `filter-operator '${op}'`);
      return { op: op === 'ste' ? 'lte' : op, value: value('value') };
    case 'between':
    case 'notbetween':
      c.onlyMembers(['filter-operator', 'start-value', 'end-value'], `filter-operator '${op}'`);
      return { op, start: value('start-value'), end: value('end-value') };
    case 'null':
    case 'notnull':
      c.onlyMembers(['filter-operator'], `filter-operator '${op}' (it takes no value)`);
      return { op };
  }
}

/** Reads the `filters` array of a selection rule. */
export function readFilters(rule: RuleRef, raw: readonly unknown[]): ColumnFilter[] {
  return raw.map((item, i) => {
    const f: JsonReader = JsonReader.of(rule, item, `filters[${i}]`);
    f.onlyMembers(['filter-type', 'column-name', 'filter-conditions'], 'a filter');
    // The guide gives `source` as the only filter type; absent means the same.
    const type = f.optString('filter-type');
    if (type !== undefined && type !== 'source') f.fail(`'${f.where('filter-type')}' '${type}' is not valid; use source`);
    const column = f.string('column-name', { nonEmpty: true, hint: 'a filter names the source column it tests' });
    const conds = f.optArray('filter-conditions');
    if (!conds || conds.length === 0) {
      f.fail(`'${f.where('filter-conditions')}' ${conds ? 'is empty' : 'is missing'}; give at least one condition such as {"filter-operator": "gte", "value": "100"}`);
    }
    const conditions = conds.map((c, k) => readCondition(JsonReader.of(rule, c, f.where(`filter-conditions[${k}]`))));
    const ops = conds.map((c) => (c as Record<string, unknown>)['filter-operator'] as Operator);
    const negative = ops.find((op) => NEGATIVE.includes(op));
    if (negative && conditions.length > 1) {
      f.fail(
        `filter on column '${column}' combines negative operator '${negative}' with other conditions; ` +
          `DMS allows a negative operator (${orList(NEGATIVE)}) only as the single condition of a filter: put it in a filter of its own (filters AND together)`,
      );
    }
    return { column, conditions };
  });
}
