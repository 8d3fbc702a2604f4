/**
 * DMS's event categories per source type (DescribeEventCategories), in the order the AWS CLI
 * example of describe-event-categories lists them. Services record events with these names so
 * subscriptions and DescribeEvents filters can match them.
 */
import { invalidParameter } from '../../common/errors.js';

export const eventCategories: Readonly<Record<string, readonly string[]>> = {
  'replication-instance': ['low storage', 'configuration change', 'maintenance', 'deletion', 'creation', 'failover', 'failure'],
  'replication-task': ['configuration change', 'state change', 'deletion', 'creation', 'failure'],
};

/** The source types that generate events: replication-instance | replication-task. */
export const eventSourceTypes: readonly string[] = Object.keys(eventCategories);

/** Refuses a source type DMS does not generate events for. */
export function checkSourceType(member: string, sourceType: string): string {
  if (!Object.prototype.hasOwnProperty.call(eventCategories, sourceType)) {
    throw invalidParameter(`${member} '${sourceType}' is not valid; valid values: ${eventSourceTypes.join(' | ')}.`);
  }
  return sourceType;
}

/** Every category of a source type, or of all source types when none is given. */
export function categoriesOf(sourceType: string | undefined): readonly string[] {
  if (sourceType !== undefined) return eventCategories[sourceType] ?? [];
  return [...new Set(Object.values(eventCategories).flat())];
}

/**
 * Checks category names against a source type (or all of them) and returns them in DMS's
 * lower-case spelling, without duplicates. Names compare case-insensitively because the user
 * guide and CloudFormation spell them "State Change" while the API returns "state change".
 */
export function checkCategories(member: string, names: readonly string[], sourceType: string | undefined): string[] {
  const valid = categoriesOf(sourceType);
  const out: string[] = [];
  for (const name of names) {
    const canonical = name.trim().toLowerCase();
    if (!valid.includes(canonical)) {
      const of = sourceType === undefined ? 'any source type' : `source type ${sourceType}`;
      throw invalidParameter(`${member} '${name}' is not an event category of ${of}; valid categories: ${valid.join(', ')}. DescribeEventCategories lists them.`);
    }
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}
