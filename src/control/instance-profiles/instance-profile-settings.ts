/**
 * Checks and defaults of an instance profile's network settings. There is no VPC here: zones
 * are the subnet group's (or the region's a to f), and ids are checked for their form.
 */
import { createHash } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import type { SubnetGroupRecord } from '../subnet-groups/record.js';

export const networkTypes = ['IPV4', 'IPV6', 'DUAL'] as const;

export function checkProfileNetworkType(value: string, group: SubnetGroupRecord | undefined): string {
  if (!(networkTypes as readonly string[]).includes(value)) throw invalidParameter(`NetworkType '${value}' is not valid: use ${networkTypes.join(', ')}.`);
  if (group && !group.supportedNetworkTypes.includes(value)) {
    throw invalidCombination(`NetworkType ${value} is not supported by subnet group ${group.identifier}; it supports ${group.supportedNetworkTypes.join(', ')}.`);
  }
  return value;
}

/** The zones a profile may be placed in: its subnet group's, else the region's. */
export function zonesFor(scope: Scope, group: SubnetGroupRecord | undefined): string[] {
  if (group) return [...new Set(group.subnets.map((s) => s.availabilityZone))];
  return ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${scope.region}${l}`);
}

export function checkZone(zone: string, zones: readonly string[], group: SubnetGroupRecord | undefined): string {
  if (!zones.includes(zone)) {
    throw invalidParameter(
      `AvailabilityZone '${zone}' is not valid ${group ? `for subnet group ${group.identifier}` : 'in this region'}; choose one of ${zones.join(', ')}, or omit it to let DMS choose.`,
    );
  }
  return zone;
}

/** DMS picks a zone when none is given: stable for the same ARN, so the answer does not change. */
export function defaultZone(zones: readonly string[], arn: string): string {
  return zones[parseInt(createHash('sha256').update(arn).digest('hex').slice(0, 8), 16) % zones.length]!;
}
