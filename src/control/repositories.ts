/** The control plane's repositories, one per aggregate kind. */
import { ResourceRepository } from '../store/resource-repository.js';
import type { Store } from '../store/store.js';
import type { SubnetGroupRecord } from './subnet-groups/record.js';
import type { InstanceRecord } from './replication-instances/record.js';
import type { EndpointRecord } from './endpoints/record.js';
import type { ConnectionRecord } from './connections/record.js';
import type { SchemaRefreshRecord } from './schemas/record.js';
import type { CertificateRecord } from './certificates/record.js';
import type { EventSubscriptionRecord } from './events/record.js';
import type { TableStatsRecord, TaskRecord } from './replication-tasks/record.js';
import type { InstanceProfileRecord } from './instance-profiles/record.js';
import type { DataProviderRecord } from './data-providers/record.js';
import type { MigrationProjectRecord } from './migration-projects/record.js';
import type { SecretRecord } from './secrets/record.js';
import type { ReplicationConfigRecord } from './replication-configs/record.js';
import type { ReplicationRecord } from './replications/record.js';
import type { AssessmentRunRecord } from './assessment-runs/record.js';

export interface Repositories {
  readonly subnetGroups: ResourceRepository<SubnetGroupRecord>;
  readonly instances: ResourceRepository<InstanceRecord>;
  readonly endpoints: ResourceRepository<EndpointRecord>;
  readonly connections: ResourceRepository<ConnectionRecord>;
  readonly schemaRefreshes: ResourceRepository<SchemaRefreshRecord>;
  readonly certificates: ResourceRepository<CertificateRecord>;
  readonly eventSubscriptions: ResourceRepository<EventSubscriptionRecord>;
  readonly tasks: ResourceRepository<TaskRecord>;
  /** One record per task and table (tableStatsKey): what the engine last reported for it. */
  readonly tableStatistics: ResourceRepository<TableStatsRecord>;
  readonly instanceProfiles: ResourceRepository<InstanceProfileRecord>;
  readonly dataProviders: ResourceRepository<DataProviderRecord>;
  readonly migrationProjects: ResourceRepository<MigrationProjectRecord>;
  /** The local secret store (control/secrets): one scope for the whole installation. */
  readonly secrets: ResourceRepository<SecretRecord>;
  /** DMS Serverless replication configs. */
  readonly replicationConfigs: ResourceRepository<ReplicationConfigRecord>;
  /** DMS Serverless replications, one per config once started (control/replications). */
  readonly replications: ResourceRepository<ReplicationRecord>;
  /** Premigration assessment runs, their individual assessments inside (control/assessment-runs). */
  readonly assessmentRuns: ResourceRepository<AssessmentRunRecord>;
}

export function createRepositories(store: Store): Repositories {
  return {
    subnetGroups: new ResourceRepository(store, 'subnet-group'),
    instances: new ResourceRepository(store, 'replication-instance'),
    endpoints: new ResourceRepository(store, 'endpoint'),
    connections: new ResourceRepository(store, 'connection'),
    schemaRefreshes: new ResourceRepository(store, 'schema-refresh'),
    certificates: new ResourceRepository(store, 'certificate'),
    eventSubscriptions: new ResourceRepository(store, 'event-subscription'),
    tasks: new ResourceRepository(store, 'replication-task'),
    tableStatistics: new ResourceRepository(store, 'table-statistics'),
    instanceProfiles: new ResourceRepository(store, 'instance-profile'),
    dataProviders: new ResourceRepository(store, 'data-provider'),
    migrationProjects: new ResourceRepository(store, 'migration-project'),
    secrets: new ResourceRepository(store, 'local-secret'),
    replicationConfigs: new ResourceRepository(store, 'replication-config'),
    replications: new ResourceRepository(store, 'replication'),
    assessmentRuns: new ResourceRepository(store, 'assessment-run'),
  };
}
