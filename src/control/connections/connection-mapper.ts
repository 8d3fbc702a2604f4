/** Connection record -> AWS shape. */
import type { Connection } from '../../api/generated/shapes.js';
import type { ConnectionView } from './connection-service.js';

export function toConnection(v: ConnectionView): Connection {
  const r = v.record;
  return {
    ReplicationInstanceArn: r.instanceArn,
    EndpointArn: r.endpointArn,
    Status: r.status,
    ...(r.lastFailureMessage !== undefined ? { LastFailureMessage: r.lastFailureMessage } : {}),
    EndpointIdentifier: v.endpointIdentifier,
    ReplicationInstanceIdentifier: v.instanceIdentifier,
  };
}
