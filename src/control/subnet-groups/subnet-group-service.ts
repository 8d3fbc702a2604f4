/**
 * Rules of replication subnet groups. There is no VPC here: subnet ids are checked for
 * their form and spread over the region's availability zones in order, so a group needs at
 * least two subnets to cover two zones, as DMS requires.
 */
import { createHash } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import { InvalidSubnet, ReplicationSubnetGroupDoesNotCoverEnoughAZs } from '../../api/generated/errors.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { formatArn } from '../shared/arn.js';
import { alreadyExists, invalidState, notFound, quotaExceeded } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import type { SubnetGroupRecord, SubnetRecord } from './record.js';

const zoneLetters = ['a', 'b', 'c', 'd', 'e', 'f'];

export interface SubnetGroupInput {
  readonly identifier: string;
  readonly description: string;
  readonly subnetIds: readonly string[];
  readonly tags?: readonly Tag[];
}

export class SubnetGroupService {
  constructor(private readonly deps: ControlDeps) {}

  /** The VPC id this scope pretends to have: stable per account and region. */
  static vpcId(scope: Scope): string {
    return `vpc-${createHash('sha256').update(`${scope.account}/${scope.region}`).digest('hex').slice(0, 17)}`;
  }

  create(scope: Scope, input: SubnetGroupInput): SubnetGroupRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const identifier = checkIdentifier('ReplicationSubnetGroupIdentifier', input.identifier).toLowerCase();
    if (identifier === 'default') throw invalidParameter("ReplicationSubnetGroupIdentifier 'default' is reserved; choose another name.");
    return store.tx(() => {
      if (repos.subnetGroups.byIdentifier(scope, identifier)) throw alreadyExists('Replication subnet group', identifier, formatArn(scope, 'subgrp', identifier));
      const max = settings.quotas.ReplicationSubnetGroups ?? Infinity;
      if (repos.subnetGroups.count(scope) >= max) throw quotaExceeded('ReplicationSubnetGroups', max);
      const record: SubnetGroupRecord = {
        arn: formatArn(scope, 'subgrp', identifier),
        identifier,
        description: input.description,
        vpcId: SubnetGroupService.vpcId(scope),
        subnets: this.subnets(scope, input.subnetIds),
        status: 'Complete',
        supportedNetworkTypes: ['IPV4', 'DUAL'],
        createdAt: clock.now().toISOString(),
      };
      repos.subnetGroups.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  /**
   * The group an instance uses when it names none: DMS uses the default VPC's group. It is
   * created on first use, with two subnets so that Multi-AZ instances work too.
   */
  ensureDefault(scope: Scope): SubnetGroupRecord {
    const { repos, clock } = this.deps;
    const existing = repos.subnetGroups.byIdentifier(scope, 'default');
    if (existing) return existing;
    const vpc = SubnetGroupService.vpcId(scope);
    const record: SubnetGroupRecord = {
      arn: formatArn(scope, 'subgrp', 'default'),
      identifier: 'default',
      description: 'default',
      vpcId: vpc,
      subnets: this.subnets(scope, [`subnet-${vpc.slice(4, 12)}a`, `subnet-${vpc.slice(4, 12)}b`]),
      status: 'Complete',
      supportedNetworkTypes: ['IPV4', 'DUAL'],
      createdAt: clock.now().toISOString(),
    };
    return repos.subnetGroups.insert(scope, record);
  }

  modify(scope: Scope, identifier: string, changes: { description?: string; subnetIds?: readonly string[] }): SubnetGroupRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, identifier);
      const next: SubnetGroupRecord = {
        ...current,
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.subnetIds !== undefined ? { subnets: this.subnets(scope, changes.subnetIds) } : {}),
      };
      return repos.subnetGroups.update(next);
    });
  }

  delete(scope: Scope, identifier: string): void {
    const { repos, store, tags } = this.deps;
    store.tx(() => {
      const current = this.get(scope, identifier);
      const users = repos.instances.list(scope).filter((i) => i.subnetGroupIdentifier === current.identifier);
      if (users.length > 0) {
        throw invalidState(
          `Replication subnet group ${current.identifier} is in use by replication instance(s) ${users.map((u) => u.identifier).join(', ')}; delete or modify them first.`,
        );
      }
      const configs = repos.replicationConfigs.list(scope).filter((c) => c.compute.replicationSubnetGroupId === current.identifier);
      if (configs.length > 0) {
        throw invalidState(
          `Replication subnet group ${current.identifier} is in use by replication config(s) ${configs.map((c) => c.identifier).join(', ')}; delete or modify them first.`,
        );
      }
      repos.subnetGroups.delete(current.arn);
      tags.removeAll(current.arn);
    });
  }

  get(scope: Scope, identifier: string): SubnetGroupRecord {
    const found = this.deps.repos.subnetGroups.byIdentifier(scope, identifier.toLowerCase());
    if (!found) throw notFound('Replication subnet group', identifier);
    return found;
  }

  list(scope: Scope): SubnetGroupRecord[] {
    return this.deps.repos.subnetGroups.list(scope);
  }

  private subnets(scope: Scope, ids: readonly string[]): SubnetRecord[] {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw invalidParameter('SubnetIds must name at least one subnet.');
    const max = this.deps.settings.quotas.SubnetsPerReplicationSubnetGroup ?? Infinity;
    if (unique.length > max) throw quotaExceeded('SubnetsPerReplicationSubnetGroup', max);
    for (const id of unique) {
      if (!/^subnet-[0-9a-z]{1,32}$/.test(id)) {
        throw new InvalidSubnet(`Subnet id '${id}' is not valid: subnet ids look like subnet-0123456789abcdef0.`);
      }
    }
    if (unique.length < 2) {
      throw new ReplicationSubnetGroupDoesNotCoverEnoughAZs(
        'The replication subnet group must cover at least 2 availability zones: give at least two subnets (OpenDMS places subnets in the zones of the region in order).',
      );
    }
    return unique.map((id, i) => ({
      subnetIdentifier: id,
      availabilityZone: `${scope.region}${zoneLetters[i % zoneLetters.length]}`,
      status: 'Active',
    }));
  }
}
