/**
 * The transformation actions that change a name (user guide,
 * CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Transformations): the same
 * for a task's table mappings and a migration project's transformation rules.
 */

/** The actions that change a name, valid on every rule-target that has a name. */
export const NAME_ACTIONS = [
  'rename',
  'convert-lowercase',
  'convert-uppercase',
  'add-prefix',
  'remove-prefix',
  'replace-prefix',
  'add-suffix',
  'remove-suffix',
  'replace-suffix',
] as const;

/** One of NAME_ACTIONS. */
export type NameAction = (typeof NAME_ACTIONS)[number];

/** What `value` holds for each name action that takes one, for "missing value" hints. */
export const NAME_VALUE_HINTS: Readonly<Record<string, string>> = {
  rename: 'the new name',
  'add-prefix': 'the prefix to add',
  'add-suffix': 'the suffix to add',
  'remove-prefix': 'the prefix to remove',
  'remove-suffix': 'the suffix to remove',
  'replace-prefix': 'the new prefix',
  'replace-suffix': 'the new suffix',
};

/**
 * The name after one name action; any other action leaves it as it is. A prefix or suffix
 * that the name does not have is not an error: the rule simply does not change that name.
 */
export function applyNameAction(action: string, name: string, value: string | undefined, oldValue: string | undefined): string {
  const v = value ?? '';
  const old = oldValue ?? '';
  switch (action) {
    case 'rename':
      return v;
    case 'convert-lowercase':
      return name.toLowerCase();
    case 'convert-uppercase':
      return name.toUpperCase();
    case 'add-prefix':
      return v + name;
    case 'add-suffix':
      return name + v;
    case 'remove-prefix':
      return name.startsWith(v) ? name.slice(v.length) : name;
    case 'remove-suffix':
      return name.endsWith(v) ? name.slice(0, name.length - v.length) : name;
    case 'replace-prefix':
      return name.startsWith(old) ? v + name.slice(old.length) : name;
    case 'replace-suffix':
      return name.endsWith(old) ? name.slice(0, name.length - old.length) + v : name;
    default:
      return name;
  }
}
