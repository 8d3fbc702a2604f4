/**
 * Rules of schema refreshes. RefreshSchemas marks the endpoint's refresh `refreshing` and
 * reads the real catalog in the background (schema-refreshes.ts). DescribeSchemas answers
 * from the last successful refresh: like DMS, it needs one first.
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { endpointInScope, usablePair } from '../connections/connection-pair.js';
import { invalidState, notFound } from '../shared/faults.js';
import { schemaRefreshKey, type SchemaRefreshRecord } from './record.js';

export interface RefreshStarter {
  begin(key: string): void;
}

export class SchemaService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly refreshes: RefreshStarter,
  ) {}

  refresh(scope: Scope, endpointArn: string, instanceArn: string): SchemaRefreshRecord {
    const { repos, store, clock } = this.deps;
    const record = store.tx(() => {
      const { endpoint, instance } = usablePair(repos, scope, endpointArn, instanceArn, 'RefreshSchemas');
      const key = schemaRefreshKey(endpoint.arn);
      const current = repos.schemaRefreshes.get(key);
      const next: SchemaRefreshRecord = {
        arn: key,
        identifier: key,
        endpointArn: endpoint.arn,
        instanceArn: instance.arn,
        status: 'refreshing',
        lastRefreshDate: clock.now().toISOString(),
        schemas: current?.schemas ?? [],
        ...(current?.schemasRefreshedAt ? { schemasRefreshedAt: current.schemasRefreshedAt } : {}),
        attemptId: randomUUID(),
      };
      return current ? repos.schemaRefreshes.update(next) : repos.schemaRefreshes.insert(scope, next);
    });
    // After the commit; a new refresh replaces the one in flight.
    this.refreshes.begin(record.arn);
    return record;
  }

  status(scope: Scope, endpointArn: string): SchemaRefreshRecord {
    const endpoint = endpointInScope(this.deps.repos, scope, endpointArn);
    const record = this.deps.repos.schemaRefreshes.get(schemaRefreshKey(endpoint.arn));
    if (!record) throw notFound('Schema refresh status of endpoint', `${endpoint.identifier} (the schemas were never refreshed: call RefreshSchemas first)`);
    return record;
  }

  schemas(scope: Scope, endpointArn: string): readonly string[] {
    const endpoint = endpointInScope(this.deps.repos, scope, endpointArn);
    const record = this.deps.repos.schemaRefreshes.get(schemaRefreshKey(endpoint.arn));
    if (record?.schemasRefreshedAt) return record.schemas;
    const how = 'Call RefreshSchemas with the endpoint and an available replication instance, wait until DescribeRefreshSchemasStatus shows successful, then describe the schemas.';
    if (!record) throw invalidState(`The schemas of endpoint ${endpoint.identifier} have not been refreshed yet. ${how}`);
    if (record.status === 'refreshing') throw invalidState(`The schemas of endpoint ${endpoint.identifier} are being refreshed; describe them once DescribeRefreshSchemasStatus shows successful.`);
    throw invalidState(`The last schema refresh of endpoint ${endpoint.identifier} failed: ${record.lastFailureMessage ?? 'unknown reason'} Fix it, then refresh again.`);
  }
}
