/**
 * Rules of replication instances: create, modify, reboot and delete, with DMS's checks. Every
 * status change goes through the lifecycle table, records its event and schedules the step that
 * ends it in one transaction (see instance-steps.ts).
 */
import type { Scope } from '../../api/dispatch.js';
import { StorageQuotaExceededFault } from '../../api/generated/errors.js';
import type { CreateReplicationInstanceMessage, ModifyReplicationInstanceMessage, RebootReplicationInstanceMessage } from '../../api/generated/shapes.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import { removeConnectionsOf } from '../connections/connection-cleanup.js';
import type { ControlDeps } from '../deps.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, invalidState, quotaExceeded, requireByArn } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import type { SubnetGroupRecord } from '../subnet-groups/record.js';
import type { SubnetGroupService } from '../subnet-groups/subnet-group-service.js';
import { compareVersions, defaultEngineVersion, findEngineVersion, majorOf, orderableEngineVersions } from './engine-versions.js';
import { changeMessages, instanceMessages, recordInstanceEvent } from './instance-events.js';
import { checkStorage, requireInstanceClass } from './instance-classes.js';
import { instanceLifecycle } from './instance-lifecycle.js';
import {
  addressesFor, checkDnsNameServers, checkNetworkType, checkSecurityGroups, defaultSecurityGroup, kerberosSettings, kmsKeyFor, pickZone,
} from './instance-settings.js';
import { hasChanges, type InstanceSteps } from './instance-steps.js';
import { defaultMaintenanceWindow, parseMaintenanceWindow } from './maintenance-window.js';
import type { InstanceRecord, PendingInstanceChanges } from './record.js';
import type { TaskRecord } from '../replication-tasks/record.js';

const maxIdentifierLength = 63;

/**
 * Refuses to delete an instance replication tasks still use, or are moving to (DMS: "You must
 * delete any migration tasks that are associated with the replication instance before you can
 * delete it"). Called inside the caller's transaction.
 */
export function assertNoTasksUse(deps: ControlDeps, scope: Scope, instance: InstanceRecord): void {
  const users = deps.repos.tasks.list(scope).filter((t) => t.instanceArn === instance.arn || t.targetInstanceArn === instance.arn);
  if (users.length > 0) {
    throw invalidState(
      `Replication instance ${instance.identifier} is used by replication task(s) ${users.map((t) => t.identifier).join(', ')}; delete the tasks (or move them to another instance) first.`,
    );
  }
}

/** A version a request may name: known and not deprecated. */
function requireOrderableVersion(member: string, version: string): string {
  const info = findEngineVersion(version);
  if (!info || info.lifecycle === 'DEPRECATED') {
    throw invalidParameter(
      `${member} '${version}' is not ${info ? 'orderable any more (it is deprecated)' : 'a known replication engine version'}; use one of ${orderableEngineVersions().map((v) => v.version).join(', ')} (DescribeEngineVersions).`,
    );
  }
  return version;
}

const zonesOf = (group: SubnetGroupRecord): string[] => [...new Set(group.subnets.map((s) => s.availabilityZone))];

export class InstanceService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly subnetGroups: SubnetGroupService,
    private readonly steps: InstanceSteps,
  ) {}

  create(scope: Scope, input: CreateReplicationInstanceMessage): InstanceRecord {
    const { repos, tags, store, clock, events } = this.deps;
    const identifier = checkIdentifier('ReplicationInstanceIdentifier', input.ReplicationInstanceIdentifier, maxIdentifierLength).toLowerCase();
    const cls = requireInstanceClass(input.ReplicationInstanceClass);
    const engineVersion = input.EngineVersion === undefined ? defaultEngineVersion() : requireOrderableVersion('EngineVersion', input.EngineVersion);
    const allocatedStorage = checkStorage(cls, input.AllocatedStorage ?? cls.defaultStorage);
    const multiAz = input.MultiAZ ?? false;
    if (multiAz && input.AvailabilityZone !== undefined) {
      throw invalidCombination('AvailabilityZone cannot be set for a Multi-AZ replication instance (MultiAZ=true): DMS chooses the primary and standby zones. Omit AvailabilityZone or set MultiAZ to false.');
    }
    const window = input.PreferredMaintenanceWindow !== undefined ? parseMaintenanceWindow(input.PreferredMaintenanceWindow).normalised : defaultMaintenanceWindow;
    const kmsKeyId = kmsKeyFor(scope, input.KmsKeyId);
    const vpcSecurityGroupIds = input.VpcSecurityGroupIds?.length ? checkSecurityGroups(input.VpcSecurityGroupIds) : [defaultSecurityGroup(scope)];
    const dnsNameServers = input.DnsNameServers ? checkDnsNameServers(input.DnsNameServers) : undefined;
    const kerberos = kerberosSettings(input.KerberosAuthenticationSettings);
    const arn = newArn(scope, 'rep', input.ResourceIdentifier);

    return store.tx(() => {
      const existing = repos.instances.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Replication instance', identifier, existing.arn);
      if (repos.instances.get(arn)) throw alreadyExists('Replication instance with ResourceIdentifier', input.ResourceIdentifier ?? arn, arn);
      const max = this.deps.settings.quotas.ReplicationInstances ?? Infinity;
      if (repos.instances.count(scope) >= max) throw quotaExceeded('ReplicationInstances', max);
      this.checkStorageQuota(scope, undefined, allocatedStorage);

      const group = input.ReplicationSubnetGroupIdentifier !== undefined
        ? this.subnetGroups.get(scope, input.ReplicationSubnetGroupIdentifier)
        : this.subnetGroups.ensureDefault(scope);
      const zones = zonesOf(group);
      if (input.AvailabilityZone !== undefined && !zones.includes(input.AvailabilityZone)) {
        throw invalidParameter(
          `AvailabilityZone '${input.AvailabilityZone}' is not covered by replication subnet group ${group.identifier}; choose one of ${zones.join(', ')}, or omit it to let DMS choose.`,
        );
      }
      const availabilityZone = input.AvailabilityZone ?? pickZone(zones, arn);
      const networkType = checkNetworkType(input.NetworkType ?? 'IPV4', group.supportedNetworkTypes);
      const record: InstanceRecord = {
        arn,
        identifier,
        instanceClass: cls.name,
        status: 'creating',
        allocatedStorage,
        engineVersion,
        autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
        availabilityZone,
        ...(multiAz ? { secondaryAvailabilityZone: pickZone(zones, `${arn}/standby`, availabilityZone) } : {}),
        multiAz,
        subnetGroupIdentifier: group.identifier,
        vpcSecurityGroupIds,
        preferredMaintenanceWindow: window,
        publiclyAccessible: input.PubliclyAccessible ?? true,
        kmsKeyId,
        ...(dnsNameServers !== undefined ? { dnsNameServers } : {}),
        networkType,
        ...addressesFor(networkType),
        ...(kerberos ? { kerberosAuthenticationSettings: kerberos } : {}),
        pendingChanges: {},
        maintenanceOptIns: {},
        createdAt: clock.now().toISOString(),
      };
      repos.instances.insert(scope, record);
      tags.attach(arn, input.Tags);
      recordInstanceEvent(events, scope, record, ['creation'], instanceMessages.creating);
      this.steps.settleLater(arn);
      return record;
    });
  }

  /**
   * Changes that need an outage (class, storage, Multi-AZ, engine version, network type) are
   * applied at once with ApplyImmediately (status `modifying`, together with any changes
   * deferred earlier); without it they wait in PendingModifiedValues for the next reboot or
   * maintenance window, as DMS does. The other settings (identifier, maintenance window,
   * minor-upgrade flag, security groups, Kerberos) take effect at once and need no outage.
   */
  modify(scope: Scope, input: ModifyReplicationInstanceMessage): InstanceRecord {
    const { repos, store, events } = this.deps;
    return store.tx(() => {
      const r = this.get(scope, input.ReplicationInstanceArn);
      // Modify is allowed only when available, whether or not it applies immediately.
      instanceLifecycle.move(r.status, 'modifying', r.identifier, 'modify');
      const wanted: PendingInstanceChanges = { ...r.pendingChanges, ...this.outageChanges(scope, r, input) };
      const pending = Object.fromEntries(
        Object.entries(wanted).filter(([k, v]) => v !== undefined && v !== (r as unknown as Record<string, unknown>)[k]),
      ) as PendingInstanceChanges;

      let next: InstanceRecord = { ...r, pendingChanges: pending };
      if (input.ReplicationInstanceIdentifier !== undefined) {
        const identifier = checkIdentifier('ReplicationInstanceIdentifier', input.ReplicationInstanceIdentifier, maxIdentifierLength).toLowerCase();
        if (identifier !== r.identifier) {
          const other = repos.instances.byIdentifier(scope, identifier);
          if (other) throw alreadyExists('Replication instance', identifier, other.arn);
          next = { ...next, identifier };
        }
      }
      if (input.PreferredMaintenanceWindow !== undefined) next = { ...next, preferredMaintenanceWindow: parseMaintenanceWindow(input.PreferredMaintenanceWindow).normalised };
      if (input.AutoMinorVersionUpgrade !== undefined) next = { ...next, autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade };
      if (input.VpcSecurityGroupIds?.length) next = { ...next, vpcSecurityGroupIds: checkSecurityGroups(input.VpcSecurityGroupIds) };
      const kerberos = kerberosSettings(input.KerberosAuthenticationSettings);
      if (kerberos) next = { ...next, kerberosAuthenticationSettings: kerberos };

      if (input.ApplyImmediately && hasChanges(pending)) {
        next = repos.instances.update({ ...next, status: instanceLifecycle.move(r.status, 'modifying', r.identifier, 'modify') });
        for (const e of changeMessages(r, pending, 'starting')) recordInstanceEvent(events, scope, next, e.categories, e.message);
        this.steps.cancelAll(r.arn);
        this.steps.settleLater(r.arn);
      } else {
        next = repos.instances.update(next);
        this.steps.planWindow(next);
      }
      return next;
    });
  }

  reboot(scope: Scope, input: RebootReplicationInstanceMessage): InstanceRecord {
    const { repos, store, events } = this.deps;
    if (input.ForceFailover && input.ForcePlannedFailover) {
      throw invalidCombination('ForceFailover and ForcePlannedFailover cannot both be true; choose one kind of failover.');
    }
    const failover = Boolean(input.ForceFailover || input.ForcePlannedFailover);
    return store.tx(() => {
      const r = this.get(scope, input.ReplicationInstanceArn);
      if (failover && !r.multiAz) {
        throw invalidCombination(
          `Replication instance ${r.identifier} is not a Multi-AZ deployment, so it cannot fail over: reboot it without ${input.ForceFailover ? 'ForceFailover' : 'ForcePlannedFailover'}, or make it Multi-AZ first.`,
        );
      }
      const next = repos.instances.update({
        ...r,
        status: instanceLifecycle.move(r.status, 'rebooting', r.identifier, 'reboot'),
        ...(failover ? { rebootWithFailover: true } : {}),
      });
      recordInstanceEvent(events, scope, next, [], instanceMessages.shutdown);
      if (failover) recordInstanceEvent(events, scope, next, ['failover'], instanceMessages.failoverStarted);
      // Deferred modifications are applied by the reboot (see modify).
      for (const e of changeMessages(r, r.pendingChanges, 'starting')) recordInstanceEvent(events, scope, next, e.categories, e.message);
      this.steps.settleLater(r.arn);
      return next;
    });
  }

  /** Starts the deletion: the instance shows `deleting`, and disappears once the step runs. */
  delete(scope: Scope, arn: string): InstanceRecord {
    const { repos, store, events } = this.deps;
    return store.tx(() => {
      const r = this.get(scope, arn);
      const status = instanceLifecycle.move(r.status, 'deleting', r.identifier, 'delete');
      assertNoTasksUse(this.deps, scope, r);
      removeConnectionsOf(repos, scope, { instanceArn: r.arn });
      const next = repos.instances.update({ ...r, status });
      recordInstanceEvent(events, scope, next, ['deletion'], instanceMessages.deleting);
      this.steps.cancelAll(r.arn);
      this.steps.settleLater(r.arn);
      return next;
    });
  }

  get(scope: Scope, arn: string): InstanceRecord {
    return requireByArn(this.deps.repos.instances, scope, arn, 'Replication instance');
  }

  list(scope: Scope): InstanceRecord[] {
    return this.deps.repos.instances.list(scope);
  }

  /** The replication tasks on an instance, oldest first. */
  tasksOf(scope: Scope, r: InstanceRecord): TaskRecord[] {
    return this.deps.repos.tasks.list(scope).filter((t) => t.instanceArn === r.arn);
  }

  /** The subnet group an instance lives in, for the responses. */
  groupOf(scope: Scope, r: InstanceRecord): SubnetGroupRecord | undefined {
    return this.deps.repos.subnetGroups.byIdentifier(scope, r.subnetGroupIdentifier);
  }

  /** The outage changes a Modify asks for, checked against the instance (not yet compared with the current values). */
  private outageChanges(scope: Scope, r: InstanceRecord, input: ModifyReplicationInstanceMessage): PendingInstanceChanges {
    const targetClass = requireInstanceClass(input.ReplicationInstanceClass ?? r.pendingChanges.instanceClass ?? r.instanceClass);
    const currentStorage = r.pendingChanges.allocatedStorage ?? r.allocatedStorage;
    let allocatedStorage: number | undefined;
    if (input.AllocatedStorage !== undefined) {
      if (input.AllocatedStorage < r.allocatedStorage) {
        throw invalidParameter(`AllocatedStorage can only grow: replication instance ${r.identifier} has ${r.allocatedStorage} GiB; give ${r.allocatedStorage} or more.`);
      }
      allocatedStorage = checkStorage(targetClass, input.AllocatedStorage);
    } else if (input.ReplicationInstanceClass !== undefined) {
      checkStorage(targetClass, currentStorage);
    }
    if (allocatedStorage !== undefined) this.checkStorageQuota(scope, r.arn, allocatedStorage);

    let engineVersion: string | undefined;
    if (input.EngineVersion !== undefined && input.EngineVersion !== r.engineVersion) {
      engineVersion = requireOrderableVersion('EngineVersion', input.EngineVersion);
      if (compareVersions(engineVersion, r.engineVersion) < 0) {
        throw invalidParameter(`EngineVersion ${engineVersion} is older than ${r.engineVersion}, the version of replication instance ${r.identifier}: DMS does not downgrade engine versions.`);
      }
      if (majorOf(engineVersion) !== majorOf(r.engineVersion) && !input.AllowMajorVersionUpgrade) {
        throw invalidCombination(
          `Moving replication instance ${r.identifier} from ${r.engineVersion} to ${engineVersion} is a major version upgrade: set AllowMajorVersionUpgrade to true to allow it.`,
        );
      }
    }
    let networkType: string | undefined;
    if (input.NetworkType !== undefined) {
      const group = this.groupOf(scope, r);
      networkType = checkNetworkType(input.NetworkType, group?.supportedNetworkTypes ?? ['IPV4']);
    }
    return {
      ...(input.ReplicationInstanceClass !== undefined ? { instanceClass: targetClass.name } : {}),
      ...(allocatedStorage !== undefined ? { allocatedStorage } : {}),
      ...(input.MultiAZ !== undefined ? { multiAz: input.MultiAZ } : {}),
      ...(engineVersion !== undefined ? { engineVersion } : {}),
      ...(networkType !== undefined ? { networkType } : {}),
    };
  }

  /** StorageQuotaExceededFault when the account's storage (pending growth included) would pass the AllocatedStorage quota. */
  private checkStorageQuota(scope: Scope, exceptArn: string | undefined, storage: number): void {
    const max = this.deps.settings.quotas.AllocatedStorage ?? Infinity;
    const used = this.list(scope)
      .filter((i) => i.arn !== exceptArn)
      .reduce((sum, i) => sum + Math.max(i.allocatedStorage, i.pendingChanges.allocatedStorage ?? 0), 0);
    if (used + storage > max) {
      throw new StorageQuotaExceededFault(
        `The quota AllocatedStorage (${max} GiB) would be exceeded: ${used} GiB are allocated and ${storage} GiB more were asked for. Delete or shrink unused replication instances, or raise the quota in the OpenDMS configuration.`,
      );
    }
  }
}
