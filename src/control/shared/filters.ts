/**
 * Describe* filters: `{Name, Values[]}`; values of one filter are alternatives (OR), filters
 * combine with AND. A name the operation does not document is refused with the valid names.
 */
import { invalidParameter } from '../../common/errors.js';

export interface FilterInput {
  readonly Name: string;
  readonly Values: readonly string[];
}

/** For each filter name, the value(s) of an item it is compared with. */
export type FilterSpec<T> = Readonly<Record<string, (item: T) => string | readonly string[] | undefined>>;

export function applyFilters<T>(items: readonly T[], filters: readonly FilterInput[] | undefined, spec: FilterSpec<T>, context: string): T[] {
  if (!filters || filters.length === 0) return [...items];
  for (const f of filters) {
    if (!Object.prototype.hasOwnProperty.call(spec, f.Name)) {
      throw invalidParameter(`Filter name '${f.Name}' is not valid for ${context}; valid names: ${Object.keys(spec).join(', ')}.`);
    }
  }
  return items.filter((item) =>
    filters.every((f) => {
      const v = spec[f.Name]!(item);
      const actual = v === undefined ? [] : typeof v === 'string' ? [v] : v;
      return f.Values.some((want) => actual.includes(want));
    }),
  );
}
