/**
 * ComputeConfig of a replication config: DMS capacity units from DMS's list, Multi-AZ or one
 * zone of the subnet group, the maintenance window, security groups, KMS key and DNS servers.
 * The member checks of replication instances are reused (maintenance window, KMS key, security
 * groups, DNS servers, zone choice), with their messages qualified as `ComputeConfig.<member>`.
 */
import type { Scope } from '../../api/dispatch.js';
import { ResourceNotFoundFault } from '../../api/generated/errors.js';
import type { ComputeConfig } from '../../api/generated/shapes.js';
import { ApiError, invalidCombination, invalidParameter } from '../../common/errors.js';
import { checkDnsNameServers, checkSecurityGroups, defaultSecurityGroup, kmsKeyFor, pickZone } from '../replication-instances/instance-settings.js';
import { defaultMaintenanceWindow, parseMaintenanceWindow } from '../replication-instances/maintenance-window.js';
import type { SubnetGroupRecord } from '../subnet-groups/record.js';
import type { ComputeSettings } from './record.js';

/** The DCU values DMS accepts for MinCapacityUnits and MaxCapacityUnits (API reference, ComputeConfig). */
export const capacityUnitValues: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384];

/** How the compute settings reach subnet groups: by identifier, or the account's default one (created when missing). */
export interface SubnetGroups {
  find(scope: Scope, identifier: string): SubnetGroupRecord | undefined;
  ensureDefault(scope: Scope): SubnetGroupRecord;
}

/** Runs a reused check and names the member as `ComputeConfig.<member>` in its message. */
function qualified<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ApiError && !err.message.startsWith('ComputeConfig.')) {
      throw new ApiError(err.code, `ComputeConfig.${err.message}`, err.httpStatus, { cause: err });
    }
    throw err;
  }
}

function capacity(member: 'MaxCapacityUnits' | 'MinCapacityUnits', value: number): number {
  if (!capacityUnitValues.includes(value)) {
    throw invalidParameter(`ComputeConfig.${member} ${value} is not a valid number of DMS capacity units (DCU); use one of ${capacityUnitValues.join(', ')}.`);
  }
  return value;
}

const zonesOf = (group: SubnetGroupRecord): string[] => [...new Set(group.subnets.map((s) => s.availabilityZone))];

/**
 * The compute settings of a config: `given` over `current` (ModifyReplicationConfig changes only
 * the members it names), then DMS's defaults for what is still unset. Runs inside the caller's
 * transaction: it may create the account's default subnet group, as CreateReplicationInstance does.
 */
export function resolveCompute(opts: {
  readonly scope: Scope;
  readonly arn: string;
  readonly given: ComputeConfig | undefined;
  readonly current?: ComputeSettings;
  readonly subnetGroups: SubnetGroups;
}): ComputeSettings {
  const { scope, arn, current, subnetGroups } = opts;
  const given: ComputeConfig = opts.given ?? {};

  const maxGiven = given.MaxCapacityUnits ?? current?.maxCapacityUnits;
  if (maxGiven === undefined) {
    throw invalidParameter(`ComputeConfig.MaxCapacityUnits is required: give the most DMS capacity units (DCU) a replication may use, one of ${capacityUnitValues.join(', ')}.`);
  }
  const maxCapacityUnits = capacity('MaxCapacityUnits', maxGiven);
  const minCapacityUnits = given.MinCapacityUnits !== undefined ? capacity('MinCapacityUnits', given.MinCapacityUnits) : (current?.minCapacityUnits ?? capacityUnitValues[0]!);
  if (minCapacityUnits > maxCapacityUnits) {
    throw invalidParameter(
      `ComputeConfig.MinCapacityUnits (${minCapacityUnits}) is greater than ComputeConfig.MaxCapacityUnits (${maxCapacityUnits}); give a MinCapacityUnits of at most ${maxCapacityUnits}, or a larger MaxCapacityUnits.`,
    );
  }

  const multiAz = given.MultiAZ ?? current?.multiAz ?? false;
  if (multiAz && given.AvailabilityZone !== undefined) {
    throw invalidCombination(
      'ComputeConfig.AvailabilityZone cannot be set when ComputeConfig.MultiAZ is true: DMS chooses the zones of a Multi-AZ replication. Omit AvailabilityZone or set MultiAZ to false.',
    );
  }

  let group: SubnetGroupRecord | undefined;
  if (given.ReplicationSubnetGroupId !== undefined) {
    group = subnetGroups.find(scope, given.ReplicationSubnetGroupId);
    if (!group) {
      throw new ResourceNotFoundFault(
        `ComputeConfig.ReplicationSubnetGroupId: replication subnet group ${given.ReplicationSubnetGroupId} not found. Create it with CreateReplicationSubnetGroup, or omit the member to use the default group.`,
      );
    }
  } else if (current) {
    // The group chosen earlier; if it was deleted since, its zones are unknown and the zone stays.
    group = subnetGroups.find(scope, current.replicationSubnetGroupId);
  } else {
    group = subnetGroups.ensureDefault(scope);
  }
  const replicationSubnetGroupId = group?.identifier ?? current!.replicationSubnetGroupId;
  const zones = group ? zonesOf(group) : [];

  let availabilityZone: string | undefined;
  if (!multiAz) {
    if (given.AvailabilityZone !== undefined) {
      if (group && !zones.includes(given.AvailabilityZone)) {
        throw invalidParameter(
          `ComputeConfig.AvailabilityZone '${given.AvailabilityZone}' is not covered by replication subnet group ${replicationSubnetGroupId}; choose one of ${zones.join(', ')}, or omit it to let DMS choose.`,
        );
      }
      availabilityZone = given.AvailabilityZone;
    } else if (current?.availabilityZone !== undefined && (!group || zones.includes(current.availabilityZone))) {
      availabilityZone = current.availabilityZone;
    } else if (zones.length > 0) {
      availabilityZone = pickZone(zones, arn);
    }
  }

  const preferredMaintenanceWindow =
    given.PreferredMaintenanceWindow !== undefined
      ? qualified(() => parseMaintenanceWindow(given.PreferredMaintenanceWindow!).normalised)
      : (current?.preferredMaintenanceWindow ?? defaultMaintenanceWindow);
  const vpcSecurityGroupIds = given.VpcSecurityGroupIds?.length
    ? qualified(() => checkSecurityGroups(given.VpcSecurityGroupIds!))
    : (current?.vpcSecurityGroupIds ?? [defaultSecurityGroup(scope)]);
  const kmsKeyId = given.KmsKeyId !== undefined ? qualified(() => kmsKeyFor(scope, given.KmsKeyId)) : (current?.kmsKeyId ?? kmsKeyFor(scope, undefined));
  const dnsNameServers =
    given.DnsNameServers !== undefined && given.DnsNameServers !== '' ? qualified(() => checkDnsNameServers(given.DnsNameServers!)) : current?.dnsNameServers;

  return {
    maxCapacityUnits,
    minCapacityUnits,
    multiAz,
    ...(availabilityZone !== undefined ? { availabilityZone } : {}),
    preferredMaintenanceWindow,
    replicationSubnetGroupId,
    vpcSecurityGroupIds,
    kmsKeyId,
    ...(dnsNameServers !== undefined ? { dnsNameServers } : {}),
  };
}
