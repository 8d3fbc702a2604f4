/**
 * DMS's event categories per source type (DescribeEventCategories). Services record events
 * with these names so subscriptions and DescribeEvents filters can match them.
 */
export const eventCategories: Readonly<Record<string, readonly string[]>> = {
  'replication-instance': [
    'configuration change',
    'creation',
    'deletion',
    'maintenance',
    'low storage',
    'failover',
    'failure',
  ],
  'replication-task': ['configuration change', 'state change', 'creation', 'deletion', 'failure'],
};
