/**
 * Replication config record -> AWS shape. ReplicationSettings is the whole merged document,
 * with the read-only Logging.CloudWatchLogGroup/Stream filled by the server as DMS does:
 * the group is `dms-serverless-replication-<config resource id>` (DMS User Guide, serverless
 * monitoring).
 */
import type { ComputeConfig, ReplicationConfig } from '../../api/generated/shapes.js';
import type { ComputeSettings, ReplicationConfigRecord } from './record.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describedSettings(r: ReplicationConfigRecord): string {
  const logging = isObject(r.settings.Logging) ? r.settings.Logging : {};
  const resourceId = r.arn.slice(r.arn.lastIndexOf(':') + 1);
  return JSON.stringify({ ...r.settings, Logging: { ...logging, CloudWatchLogGroup: `dms-serverless-replication-${resourceId}`, CloudWatchLogStream: r.logStream } });
}

function toComputeConfig(c: ComputeSettings): ComputeConfig {
  return {
    ...(c.availabilityZone !== undefined ? { AvailabilityZone: c.availabilityZone } : {}),
    ...(c.dnsNameServers !== undefined ? { DnsNameServers: c.dnsNameServers } : {}),
    KmsKeyId: c.kmsKeyId,
    MaxCapacityUnits: c.maxCapacityUnits,
    MinCapacityUnits: c.minCapacityUnits,
    MultiAZ: c.multiAz,
    PreferredMaintenanceWindow: c.preferredMaintenanceWindow,
    ReplicationSubnetGroupId: c.replicationSubnetGroupId,
    VpcSecurityGroupIds: [...c.vpcSecurityGroupIds],
  };
}

export function toReplicationConfig(r: ReplicationConfigRecord): ReplicationConfig {
  return {
    ReplicationConfigIdentifier: r.identifier,
    ReplicationConfigArn: r.arn,
    SourceEndpointArn: r.sourceEndpointArn,
    TargetEndpointArn: r.targetEndpointArn,
    ReplicationType: r.replicationType,
    ComputeConfig: toComputeConfig(r.compute),
    ReplicationSettings: describedSettings(r),
    ...(r.supplementalSettings !== undefined ? { SupplementalSettings: r.supplementalSettings } : {}),
    TableMappings: r.tableMappings,
    ReplicationConfigCreateTime: new Date(r.createdAt),
    ReplicationConfigUpdateTime: new Date(r.updatedAt),
  };
}
