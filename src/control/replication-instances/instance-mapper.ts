/** Replication instance record (and the catalogue) -> AWS shapes. */
import type {
  EngineVersion, OrderableReplicationInstance, PendingMaintenanceAction, ReplicationInstance, ReplicationPendingModifiedValues,
} from '../../api/generated/shapes.js';
import type { SubnetGroupRecord } from '../subnet-groups/record.js';
import { toReplicationSubnetGroup } from '../subnet-groups/subnet-group-mapper.js';
import { availableUpgrades, type EngineVersionInfo } from './engine-versions.js';
import type { InstanceClassInfo } from './instance-classes.js';
import type { PendingAction } from './maintenance-actions.js';
import type { InstanceRecord } from './record.js';

function toPendingModifiedValues(r: InstanceRecord): ReplicationPendingModifiedValues {
  const c = r.pendingChanges;
  return {
    ...(c.instanceClass !== undefined ? { ReplicationInstanceClass: c.instanceClass } : {}),
    ...(c.allocatedStorage !== undefined ? { AllocatedStorage: c.allocatedStorage } : {}),
    ...(c.multiAz !== undefined ? { MultiAZ: c.multiAz } : {}),
    ...(c.engineVersion !== undefined ? { EngineVersion: c.engineVersion } : {}),
    ...(c.networkType !== undefined ? { NetworkType: c.networkType } : {}),
  };
}

export function toReplicationInstance(r: InstanceRecord, group: SubnetGroupRecord | undefined): ReplicationInstance {
  return {
    ReplicationInstanceIdentifier: r.identifier,
    ReplicationInstanceClass: r.instanceClass,
    ReplicationInstanceStatus: r.status,
    AllocatedStorage: r.allocatedStorage,
    // DMS reports the creation time once the instance exists (not while it is being created).
    ...(r.status !== 'creating' ? { InstanceCreateTime: new Date(r.createdAt) } : {}),
    VpcSecurityGroups: r.vpcSecurityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
    AvailabilityZone: r.availabilityZone,
    ...(group ? { ReplicationSubnetGroup: toReplicationSubnetGroup(group) } : {}),
    PreferredMaintenanceWindow: r.preferredMaintenanceWindow,
    PendingModifiedValues: toPendingModifiedValues(r),
    MultiAZ: r.multiAz,
    EngineVersion: r.engineVersion,
    AutoMinorVersionUpgrade: r.autoMinorVersionUpgrade,
    KmsKeyId: r.kmsKeyId,
    ReplicationInstanceArn: r.arn,
    // The singular members are deprecated but DMS still fills them with the first address.
    ...(r.publicIpAddresses[0] !== undefined ? { ReplicationInstancePublicIpAddress: r.publicIpAddresses[0] } : {}),
    ...(r.privateIpAddresses[0] !== undefined ? { ReplicationInstancePrivateIpAddress: r.privateIpAddresses[0] } : {}),
    ReplicationInstancePublicIpAddresses: [...r.publicIpAddresses],
    ReplicationInstancePrivateIpAddresses: [...r.privateIpAddresses],
    ReplicationInstanceIpv6Addresses: [...r.ipv6Addresses],
    PubliclyAccessible: r.publiclyAccessible,
    ...(r.secondaryAvailabilityZone !== undefined ? { SecondaryAvailabilityZone: r.secondaryAvailabilityZone } : {}),
    ...(r.dnsNameServers !== undefined ? { DnsNameServers: r.dnsNameServers } : {}),
    NetworkType: r.networkType,
    ...(r.kerberosAuthenticationSettings ? { KerberosAuthenticationSettings: { ...r.kerberosAuthenticationSettings } } : {}),
  };
}

export function toOrderable(cls: InstanceClassInfo, version: EngineVersionInfo, zones: readonly string[]): OrderableReplicationInstance {
  return {
    EngineVersion: version.version,
    ReplicationInstanceClass: cls.name,
    StorageType: 'gp2',
    MinAllocatedStorage: cls.minStorage,
    MaxAllocatedStorage: cls.maxStorage,
    DefaultAllocatedStorage: cls.defaultStorage,
    IncludedAllocatedStorage: cls.includedStorage,
    AvailabilityZones: [...zones],
    ReleaseStatus: version.releaseStatus,
  };
}

export function toEngineVersion(v: EngineVersionInfo): EngineVersion {
  return {
    Version: v.version,
    Lifecycle: v.lifecycle,
    ReleaseStatus: v.releaseStatus,
    LaunchDate: new Date(`${v.launchDate}T00:00:00Z`),
    ...(v.autoUpgradeDate ? { AutoUpgradeDate: new Date(`${v.autoUpgradeDate}T00:00:00Z`) } : {}),
    ...(v.deprecationDate ? { DeprecationDate: new Date(`${v.deprecationDate}T00:00:00Z`) } : {}),
    ...(v.forceUpgradeDate ? { ForceUpgradeDate: new Date(`${v.forceUpgradeDate}T00:00:00Z`) } : {}),
    AvailableUpgrades: availableUpgrades(v.version),
  };
}

/** `applyDate`: when an opted-in action will be applied (the opt-in time, or the next window). */
export function toPendingMaintenanceAction(a: PendingAction, applyDate: Date | undefined): PendingMaintenanceAction {
  return {
    Action: a.action,
    Description: a.description,
    ...(a.optIn ? { OptInStatus: a.optIn.optIn } : {}),
    ...(applyDate ? { CurrentApplyDate: applyDate } : {}),
  };
}
