/** The last schema refresh of an endpoint (RefreshSchemas) and the schemas it found. */
export interface SchemaRefreshRecord {
  /** Synthetic key derived from the endpoint ARN. */
  readonly arn: string;
  readonly identifier: string;
  readonly endpointArn: string;
  readonly instanceArn: string;
  readonly status: 'refreshing' | 'successful' | 'failed';
  readonly lastRefreshDate?: string;
  readonly lastFailureMessage?: string;
  /** Schema names as DescribeSchemas returns them (`database.schema` for PostgreSQL). */
  readonly schemas: readonly string[];
}

export const schemaRefreshKey = (endpointArn: string): string => `schema-refresh:${endpointArn}`;
