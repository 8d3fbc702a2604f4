/**
 * What each account quota counts, from the repositories of the caller's scope. The names are
 * DMS's (DescribeAccountAttributes), the maxima come from the OpenDMS configuration.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Repositories } from '../repositories.js';

export function quotaUsage(repos: Repositories, scope: Scope): Readonly<Record<string, number>> {
  const instances = repos.instances.list(scope);
  const connections = repos.connections.list(scope);
  const endpointsPerInstance = instances.map((i) => new Set(connections.filter((c) => c.instanceArn === i.arn).map((c) => c.endpointArn)).size);
  return {
    ReplicationInstances: instances.length,
    AllocatedStorage: instances.reduce((sum, i) => sum + i.allocatedStorage, 0),
    Endpoints: repos.endpoints.count(scope),
    // The busiest instance: the quota limits the endpoints connected to any one instance.
    EndpointsPerInstance: Math.max(0, ...endpointsPerInstance),
    ReplicationTasks: repos.tasks.count(scope),
    ReplicationSubnetGroups: repos.subnetGroups.count(scope),
    SubnetsPerReplicationSubnetGroup: Math.max(0, ...repos.subnetGroups.list(scope).map((g) => g.subnets.length)),
    EventSubscriptions: repos.eventSubscriptions.count(scope),
    Certificates: repos.certificates.count(scope),
  };
}
