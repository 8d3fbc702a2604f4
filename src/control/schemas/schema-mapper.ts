/** Schema refresh record -> AWS shape. */
import type { RefreshSchemasStatus } from '../../api/generated/shapes.js';
import type { SchemaRefreshRecord } from './record.js';

export function toRefreshSchemasStatus(r: SchemaRefreshRecord): RefreshSchemasStatus {
  return {
    EndpointArn: r.endpointArn,
    ReplicationInstanceArn: r.instanceArn,
    Status: r.status,
    ...(r.lastRefreshDate ? { LastRefreshDate: new Date(r.lastRefreshDate) } : {}),
    ...(r.lastFailureMessage !== undefined ? { LastFailureMessage: r.lastFailureMessage } : {}),
  };
}
