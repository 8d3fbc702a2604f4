/**
 * Rules of DMS Serverless replication configs: create, modify and delete, with DMS's checks.
 * A config has no status of its own; what it may do depends on its replication
 * (replication-state.ts). Every change is one store transaction.
 */
import { createHash } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import type { CreateReplicationConfigMessage, ModifyReplicationConfigMessage } from '../../api/generated/shapes.js';
import type { ControlDeps } from '../deps.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, quotaExceeded, requireByArn } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { resolveCompute, type SubnetGroups } from './compute-config.js';
import { checkedTableMappings, settingsOnCreate, settingsOnModify } from './config-documents.js';
import { requireReplicationEndpoint } from './config-endpoints.js';
import type { ReplicationConfigRecord } from './record.js';
import { assertReplicationIdle, type ReplicationStates } from './replication-state.js';

const maxIdentifierLength = 255;
const identifierMember = 'ReplicationConfigIdentifier';

/**
 * The log stream DMS names in Logging.CloudWatchLogStream (`dms-serverless-serv-res-id-<ms>-<4
 * letters>`), derived from the creation time and the ARN so it is fixed for the config.
 */
function logStreamFor(arn: string, createdAt: Date): string {
  const letters = [...createHash('sha256').update(arn).digest()].slice(0, 4).map((b) => String.fromCharCode(97 + (b % 26)));
  return `dms-serverless-serv-res-id-${createdAt.getTime()}-${letters.join('')}`;
}

export class ReplicationConfigService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly subnetGroups: SubnetGroups,
    private readonly replications: ReplicationStates,
  ) {}

  create(scope: Scope, input: CreateReplicationConfigMessage): ReplicationConfigRecord {
    const { repos, tags, store, clock } = this.deps;
    const identifier = checkIdentifier(identifierMember, input.ReplicationConfigIdentifier, maxIdentifierLength).toLowerCase();
    const tableMappings = checkedTableMappings(input.TableMappings);
    const settings = settingsOnCreate(input.ReplicationSettings);
    const arn = newArn(scope, 'replication-config', input.ResourceIdentifier);

    return store.tx(() => {
      requireReplicationEndpoint(repos, scope, { arn: input.SourceEndpointArn, role: 'source', member: 'SourceEndpointArn' });
      requireReplicationEndpoint(repos, scope, { arn: input.TargetEndpointArn, role: 'target', member: 'TargetEndpointArn' });
      const existing = repos.replicationConfigs.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Replication config', identifier, existing.arn);
      if (repos.replicationConfigs.get(arn)) throw alreadyExists('Replication config with ResourceIdentifier', input.ResourceIdentifier ?? arn, arn);
      const max = this.deps.settings.quotas.ReplicationConfigs ?? Infinity;
      if (repos.replicationConfigs.count(scope) >= max) throw quotaExceeded('ReplicationConfigs', max);
      const compute = resolveCompute({ scope, arn, given: input.ComputeConfig, subnetGroups: this.subnetGroups });

      const now = clock.now();
      const record: ReplicationConfigRecord = {
        arn,
        identifier,
        sourceEndpointArn: input.SourceEndpointArn,
        targetEndpointArn: input.TargetEndpointArn,
        replicationType: input.ReplicationType,
        tableMappings,
        settings,
        ...(input.SupplementalSettings !== undefined ? { supplementalSettings: input.SupplementalSettings } : {}),
        compute,
        logStream: logStreamFor(arn, now),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      repos.replicationConfigs.insert(scope, record);
      tags.attach(arn, input.Tags);
      return record;
    });
  }

  /**
   * Changes the members given; ComputeConfig member by member (an omitted member keeps its
   * value). Refused while the config's replication is under way.
   */
  modify(scope: Scope, input: ModifyReplicationConfigMessage): ReplicationConfigRecord {
    const { repos, store, clock } = this.deps;
    const identifier = input.ReplicationConfigIdentifier !== undefined
      ? checkIdentifier(identifierMember, input.ReplicationConfigIdentifier, maxIdentifierLength).toLowerCase()
      : undefined;
    const tableMappings = input.TableMappings !== undefined ? checkedTableMappings(input.TableMappings) : undefined;

    return store.tx(() => {
      const c = this.get(scope, input.ReplicationConfigArn);
      assertReplicationIdle(this.replications, scope, c, 'modify');
      let next: ReplicationConfigRecord = c;
      if (identifier !== undefined && identifier !== c.identifier) {
        const other = repos.replicationConfigs.byIdentifier(scope, identifier);
        if (other) throw alreadyExists('Replication config', identifier, other.arn);
        next = { ...next, identifier };
      }
      if (input.SourceEndpointArn !== undefined) {
        requireReplicationEndpoint(repos, scope, { arn: input.SourceEndpointArn, role: 'source', member: 'SourceEndpointArn' });
        next = { ...next, sourceEndpointArn: input.SourceEndpointArn };
      }
      if (input.TargetEndpointArn !== undefined) {
        requireReplicationEndpoint(repos, scope, { arn: input.TargetEndpointArn, role: 'target', member: 'TargetEndpointArn' });
        next = { ...next, targetEndpointArn: input.TargetEndpointArn };
      }
      if (input.ReplicationType !== undefined) next = { ...next, replicationType: input.ReplicationType };
      if (tableMappings !== undefined) next = { ...next, tableMappings };
      if (input.ReplicationSettings !== undefined) next = { ...next, settings: settingsOnModify(c.settings, input.ReplicationSettings) };
      if (input.SupplementalSettings !== undefined) next = { ...next, supplementalSettings: input.SupplementalSettings };
      if (input.ComputeConfig !== undefined) {
        next = { ...next, compute: resolveCompute({ scope, arn: c.arn, given: input.ComputeConfig, current: c.compute, subnetGroups: this.subnetGroups }) };
      }
      return repos.replicationConfigs.update({ ...next, updatedAt: clock.now().toISOString() });
    });
  }

  /** Removes the config and its tags at once, with its idle replication (and the task behind it); returns it as it was. */
  delete(scope: Scope, arn: string): ReplicationConfigRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const c = this.get(scope, arn);
      assertReplicationIdle(this.replications, scope, c, 'delete');
      this.replications.released?.(scope, c.arn);
      repos.replicationConfigs.delete(c.arn);
      tags.removeAll(c.arn);
      return c;
    });
  }

  get(scope: Scope, arn: string): ReplicationConfigRecord {
    return requireByArn(this.deps.repos.replicationConfigs, scope, arn, 'Replication config');
  }

  list(scope: Scope): ReplicationConfigRecord[] {
    return this.deps.repos.replicationConfigs.list(scope);
  }
}
