/** The last schema refresh of an endpoint (RefreshSchemas) and the schemas it found. */
export interface SchemaRefreshRecord {
  /** Synthetic key derived from the endpoint ARN. */
  readonly arn: string;
  /** The same key: unique per scope, as the store requires of identifiers. */
  readonly identifier: string;
  readonly endpointArn: string;
  /** The instance of the latest refresh request. */
  readonly instanceArn: string;
  readonly status: 'refreshing' | 'successful' | 'failed';
  /** When the latest refresh started, or finished when it succeeded. */
  readonly lastRefreshDate?: string;
  readonly lastFailureMessage?: string;
  /**
   * Schema names of the last successful refresh, as DescribeSchemas returns them: the bare
   * names (PostgreSQL schemas of the endpoint's database; MySQL/MariaDB databases), as in
   * the CLI's describe-schemas example. Kept through a failed refresh.
   */
  readonly schemas: readonly string[];
  /** When a refresh last succeeded; absent until one has (DescribeSchemas needs one). */
  readonly schemasRefreshedAt?: string;
  /** Identifies the refresh in progress: only its own result is written back. */
  readonly attemptId: string;
}

export const schemaRefreshKey = (endpointArn: string): string => `schema-refresh:${endpointArn}`;
