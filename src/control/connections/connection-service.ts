/**
 * Rules of connections. TestConnection creates or refreshes the record in `testing` and
 * starts a real connection attempt in the background (connection-tests.ts), which moves it
 * to `successful` or `failed`. DeleteConnection answers with the record in `deleting` and
 * removes it at once.
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { invalidState, notFound } from '../shared/faults.js';
import { connectionLifecycle } from './connection-lifecycle.js';
import { usablePair } from './connection-pair.js';
import { connectionKey, type ConnectionRecord } from './record.js';

/** A record with the current identifiers of its endpoint and instance, for responses. */
export interface ConnectionView {
  readonly record: ConnectionRecord;
  readonly endpointIdentifier: string;
  readonly instanceIdentifier: string;
}

export interface ConnectionTestStarter {
  begin(key: string): void;
}

export class ConnectionService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly tests: ConnectionTestStarter,
  ) {}

  test(scope: Scope, endpointArn: string, instanceArn: string): ConnectionView {
    const { repos, store, clock } = this.deps;
    const record = store.tx(() => {
      const { endpoint, instance } = usablePair(repos, scope, endpointArn, instanceArn, 'TestConnection');
      const key = connectionKey(instance.arn, endpoint.arn);
      const current = repos.connections.get(key);
      const next: ConnectionRecord = {
        arn: key,
        identifier: key,
        instanceArn: instance.arn,
        endpointArn: endpoint.arn,
        endpointIdentifier: endpoint.identifier,
        instanceIdentifier: instance.identifier,
        status: current ? connectionLifecycle.move(current.status, 'testing', this.describe(current), 'test') : 'testing',
        testedAt: clock.now().toISOString(),
        attemptId: randomUUID(),
      };
      return current ? repos.connections.update(next) : repos.connections.insert(scope, next);
    });
    // After the commit, so the attempt never sees an uncommitted record; a re-test replaces
    // the attempt in flight (whose result would be discarded anyway).
    this.tests.begin(record.arn);
    return this.view(record);
  }

  list(scope: Scope): ConnectionView[] {
    return this.deps.repos.connections.list(scope).map((r) => this.view(r));
  }

  /** Answers with the connection in `deleting`; the record is gone when this returns. */
  delete(scope: Scope, endpointArn: string, instanceArn: string): ConnectionView {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const key = connectionKey(instanceArn, endpointArn);
      const current = repos.connections.getInScope(scope, key);
      if (!current) throw notFound('Connection', `between endpoint ${endpointArn} and replication instance ${instanceArn}`);
      if (current.status === 'testing') {
        throw invalidState(
          `Cannot delete the ${this.describe(current)}: a connection test is in progress. Wait until DescribeConnections shows it successful or failed, then delete it.`,
        );
      }
      const status = connectionLifecycle.move(current.status, 'deleting', this.describe(current), 'delete');
      repos.connections.delete(current.arn);
      return this.view({ ...current, status });
    });
  }

  private describe(r: ConnectionRecord): string {
    return `connection between endpoint ${r.endpointIdentifier} and replication instance ${r.instanceIdentifier}`;
  }

  private view(record: ConnectionRecord): ConnectionView {
    const { repos } = this.deps;
    return {
      record,
      endpointIdentifier: repos.endpoints.get(record.endpointArn)?.identifier ?? record.endpointIdentifier,
      instanceIdentifier: repos.instances.get(record.instanceArn)?.identifier ?? record.instanceIdentifier,
    };
  }
}
