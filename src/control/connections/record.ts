/** The connection between a replication instance and an endpoint, created by TestConnection. */
export type ConnectionStatus = 'testing' | 'successful' | 'failed' | 'deleting';

export interface ConnectionRecord {
  /** Synthetic key: connections have no ARN of their own in DMS. */
  readonly arn: string;
  readonly identifier: string;
  readonly instanceArn: string;
  readonly endpointArn: string;
  readonly status: ConnectionStatus;
  readonly lastFailureMessage?: string;
  /** When the current or last test started (a test interrupted by a restart is re-run). */
  readonly testedAt: string;
}

export const connectionKey = (instanceArn: string, endpointArn: string): string => `connection:${instanceArn}|${endpointArn}`;
