/** A DMS Serverless replication config as OpenDMS stores it. It has no status of its own: its replication has. */
import type { MigrationType } from '../../engine/ports.js';

/**
 * ComputeConfig with DMS's defaults filled in: what DescribeReplicationConfigs shows and what a
 * replication will provision from (between minCapacityUnits and maxCapacityUnits DCUs).
 */
export interface ComputeSettings {
  readonly maxCapacityUnits: number;
  /** 1 (the smallest DCU value) when none was given, as DMS documents. */
  readonly minCapacityUnits: number;
  readonly multiAz: boolean;
  /** Chosen from the subnet group's zones when none was given; none for a Multi-AZ config. */
  readonly availabilityZone?: string;
  /** Normalised lowercase, `ddd:hh24:mi-ddd:hh24:mi`. */
  readonly preferredMaintenanceWindow: string;
  /** The subnet group's identifier (lowercase); `default` when none was given. */
  readonly replicationSubnetGroupId: string;
  readonly vpcSecurityGroupIds: readonly string[];
  /** A key ARN: the account's default DMS key of the region when none was given. */
  readonly kmsKeyId: string;
  readonly dnsNameServers?: string;
}

export interface ReplicationConfigRecord {
  readonly arn: string;
  /** Stored lowercase, as DMS does with its identifiers. */
  readonly identifier: string;
  readonly sourceEndpointArn: string;
  readonly targetEndpointArn: string;
  readonly replicationType: MigrationType;
  /** As given (validated by the engine's table-mapping parser, as for tasks). */
  readonly tableMappings: string;
  /** The merged settings document (task defaults + what was given), without the server-filled log names. */
  readonly settings: Record<string, unknown>;
  /** As given: supplemental data (e.g. Neptune graph mappings) is not necessarily JSON. */
  readonly supplementalSettings?: string;
  readonly compute: ComputeSettings;
  /** The CloudWatch log stream name DMS shows in Logging.CloudWatchLogStream, fixed at creation. */
  readonly logStream: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
