/**
 * Rules of instance profiles: a unique name, an existing subnet group, a zone of that group,
 * a network type it supports, security group ids of the right form; a profile used by a
 * migration project cannot be deleted.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Tag } from '../../api/generated/shapes.js';
import type { ControlDeps } from '../deps.js';
import { requireByNameOrArn, nameFromArn } from '../migration-projects/by-name-or-arn.js';
import { kmsKeyFor, checkSecurityGroups } from '../replication-instances/instance-settings.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, invalidState, notFound, quotaExceeded } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import type { SubnetGroupRecord } from '../subnet-groups/record.js';
import { checkProfileNetworkType, checkZone, defaultZone, zonesFor } from './instance-profile-settings.js';
import type { InstanceProfileRecord } from './record.js';

export interface InstanceProfileFields {
  readonly name?: string;
  readonly description?: string;
  readonly availabilityZone?: string;
  readonly kmsKeyArn?: string;
  readonly publiclyAccessible?: boolean;
  readonly networkType?: string;
  readonly subnetGroupIdentifier?: string;
  readonly vpcSecurityGroups?: readonly string[];
}

export interface CreateInstanceProfileInput extends InstanceProfileFields {
  readonly tags?: readonly Tag[];
}

export class InstanceProfileService {
  constructor(private readonly deps: ControlDeps) {}

  create(scope: Scope, input: CreateInstanceProfileInput): InstanceProfileRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const arn = newArn(scope, 'instance-profile');
    const identifier = input.name !== undefined ? checkIdentifier('InstanceProfileName', input.name) : nameFromArn(arn);
    return store.tx(() => {
      const existing = repos.instanceProfiles.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Instance profile', identifier, existing.arn);
      const max = settings.quotas.InstanceProfiles ?? Infinity;
      if (repos.instanceProfiles.count(scope) >= max) throw quotaExceeded('InstanceProfiles', max);
      const group = this.subnetGroup(scope, input.subnetGroupIdentifier);
      const zones = zonesFor(scope, group);
      const record: InstanceProfileRecord = {
        arn,
        identifier,
        availabilityZone: input.availabilityZone !== undefined ? checkZone(input.availabilityZone, zones, group) : defaultZone(zones, arn),
        publiclyAccessible: input.publiclyAccessible ?? true,
        networkType: checkProfileNetworkType(input.networkType ?? 'IPV4', group),
        createdAt: clock.now().toISOString(),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.kmsKeyArn !== undefined ? { kmsKeyArn: kmsKeyFor(scope, input.kmsKeyArn) } : {}),
        ...(group ? { subnetGroupIdentifier: group.identifier } : {}),
        ...(input.vpcSecurityGroups !== undefined ? { vpcSecurityGroups: checkSecurityGroups(input.vpcSecurityGroups) } : {}),
      };
      repos.instanceProfiles.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  modify(scope: Scope, id: string, input: InstanceProfileFields): InstanceProfileRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      let identifier = current.identifier;
      if (input.name !== undefined && input.name !== current.identifier) {
        identifier = checkIdentifier('InstanceProfileName', input.name);
        const other = repos.instanceProfiles.byIdentifier(scope, identifier);
        if (other) throw alreadyExists('Instance profile', identifier, other.arn);
      }
      // An empty SubnetGroupIdentifier takes the profile off its subnet group.
      const groupId = input.subnetGroupIdentifier !== undefined ? input.subnetGroupIdentifier || undefined : current.subnetGroupIdentifier;
      const group = this.subnetGroup(scope, groupId);
      const zones = zonesFor(scope, group);
      let zone = input.availabilityZone !== undefined ? checkZone(input.availabilityZone, zones, group) : current.availabilityZone;
      // A new subnet group without a zone given: stay where the profile is when the group has that zone.
      if (input.availabilityZone === undefined && !zones.includes(zone)) zone = defaultZone(zones, current.arn);
      const next: InstanceProfileRecord = {
        ...withoutOptional(current),
        identifier,
        availabilityZone: zone,
        publiclyAccessible: input.publiclyAccessible ?? current.publiclyAccessible,
        networkType: checkProfileNetworkType(input.networkType ?? current.networkType, group),
        ...pick('description', input.description ?? current.description),
        ...pick('kmsKeyArn', input.kmsKeyArn !== undefined ? kmsKeyFor(scope, input.kmsKeyArn) : current.kmsKeyArn),
        ...pick('subnetGroupIdentifier', group?.identifier),
        ...pick('vpcSecurityGroups', input.vpcSecurityGroups !== undefined ? checkSecurityGroups(input.vpcSecurityGroups) : current.vpcSecurityGroups),
      };
      return repos.instanceProfiles.update(next);
    });
  }

  delete(scope: Scope, id: string): InstanceProfileRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      const users = repos.migrationProjects.list(scope).filter((p) => p.instanceProfileArn === current.arn);
      if (users.length > 0) {
        throw invalidState(
          `Instance profile ${current.identifier} is used by migration project(s) ${users.map((p) => p.identifier).join(', ')}; give those projects another instance profile with ModifyMigrationProject, or delete them, then delete it.`,
        );
      }
      repos.instanceProfiles.delete(current.arn);
      tags.removeAll(current.arn);
      return current;
    });
  }

  get(scope: Scope, id: string): InstanceProfileRecord {
    return requireByNameOrArn(this.deps.repos.instanceProfiles, scope, id, 'Instance profile');
  }

  list(scope: Scope): InstanceProfileRecord[] {
    return this.deps.repos.instanceProfiles.list(scope);
  }

  private subnetGroup(scope: Scope, id: string | undefined): SubnetGroupRecord | undefined {
    if (id === undefined) return undefined;
    const group = id.startsWith('arn:') ? this.deps.repos.subnetGroups.getInScope(scope, id) : this.deps.repos.subnetGroups.byIdentifier(scope, id.toLowerCase());
    if (!group) throw notFound('Replication subnet group given as SubnetGroupIdentifier,', `${id} (create it with CreateReplicationSubnetGroup first)`);
    return group;
  }
}

type Optional = 'description' | 'kmsKeyArn' | 'subnetGroupIdentifier' | 'vpcSecurityGroups';

function withoutOptional(r: InstanceProfileRecord): Omit<InstanceProfileRecord, Optional> {
  const { description: _d, kmsKeyArn: _k, subnetGroupIdentifier: _s, vpcSecurityGroups: _v, ...rest } = r;
  return rest;
}

function pick<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
