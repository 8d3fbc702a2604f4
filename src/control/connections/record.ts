/** The connection between a replication instance and an endpoint, created by TestConnection. */
export type ConnectionStatus = 'testing' | 'successful' | 'failed' | 'deleting';

export interface ConnectionRecord {
  /** Synthetic key (connectionKey): connections have no ARN of their own in DMS. */
  readonly arn: string;
  /** The same key: unique per scope, as the store requires of identifiers. */
  readonly identifier: string;
  readonly instanceArn: string;
  readonly endpointArn: string;
  /** Identifiers as of the last test; responses use the current ones when the resources still exist. */
  readonly endpointIdentifier: string;
  readonly instanceIdentifier: string;
  readonly status: ConnectionStatus;
  readonly lastFailureMessage?: string;
  /** When the current or last test started (a test interrupted by a restart is re-run). */
  readonly testedAt: string;
  /**
   * Identifies the current test: a result is written back only while the record still
   * carries the id of the attempt that produced it, so a re-test or a delete wins.
   */
  readonly attemptId: string;
}

export const connectionKey = (instanceArn: string, endpointArn: string): string => `connection:${instanceArn}|${endpointArn}`;
