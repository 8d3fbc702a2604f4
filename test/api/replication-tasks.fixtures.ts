/**
 * Shared set-up of the replication task tests: real databases on the local PostgreSQL and
 * MariaDB (unique names, dropped afterwards), an available instance, endpoints, and helpers
 * that wait for task states through the real SDK waiters.
 */
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  waitUntilReplicationInstanceAvailable,
  type CreateEndpointCommandInput,
  type CreateReplicationTaskCommandInput,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { uniqueSuffix } from '../helpers/databases.js';
import { uniqueName } from '../helpers/server.js';

export const waiter = (client: DatabaseMigrationServiceClient, maxWaitTime = 60) => ({ client, maxWaitTime, minDelay: 1, maxDelay: 1 });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const suffix = uniqueSuffix;

export async function createInstance(dms: DatabaseMigrationServiceClient, extra: { EngineVersion?: string } = {}): Promise<{ arn: string; id: string }> {
  const id = uniqueName('ri');
  const out = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: id, ReplicationInstanceClass: 'dms.t3.micro', ...extra }));
  const arn = out.ReplicationInstance!.ReplicationInstanceArn!;
  await waitUntilReplicationInstanceAvailable(waiter(dms), { Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
  return { arn, id: id.toLowerCase() };
}

export async function createEndpoint(dms: DatabaseMigrationServiceClient, input: Partial<CreateEndpointCommandInput>): Promise<{ arn: string; id: string }> {
  const id = uniqueName('ep');
  const out = await dms.send(
    new CreateEndpointCommand({ EndpointIdentifier: id, EndpointType: 'source', EngineName: 'postgres', ServerName: '127.0.0.1', Port: 5432, Username: 'postgres', ...input }),
  );
  return { arn: out.Endpoint!.EndpointArn!, id: id.toLowerCase() };
}

export const includeAll = (schema = 'public') =>
  JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': schema, 'table-name': '%' }, 'rule-action': 'include' }] });

export async function createTask(
  dms: DatabaseMigrationServiceClient,
  base: { instanceArn: string; sourceArn: string; targetArn: string },
  extra: Partial<CreateReplicationTaskCommandInput> = {},
): Promise<ReplicationTask> {
  const out = await dms.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: uniqueName('task'),
      SourceEndpointArn: base.sourceArn,
      TargetEndpointArn: base.targetArn,
      ReplicationInstanceArn: base.instanceArn,
      MigrationType: 'full-load',
      TableMappings: includeAll(),
      ...extra,
    }),
  );
  return out.ReplicationTask!;
}

export async function describeTask(dms: DatabaseMigrationServiceClient, arn: string): Promise<ReplicationTask> {
  const out = await dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }));
  return out.ReplicationTasks![0]!;
}

/** Polls until the task reaches one of `statuses`. */
export async function untilStatus(dms: DatabaseMigrationServiceClient, arn: string, statuses: readonly string[], timeoutMs = 60_000): Promise<ReplicationTask> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await describeTask(dms, arn);
    if (statuses.includes(t.Status!)) return t;
    if (Date.now() > end) throw new Error(`task ${arn} is still ${t.Status} after ${timeoutMs} ms (wanted ${statuses.join('/')}); LastFailureMessage: ${t.LastFailureMessage ?? '-'}`);
    await sleep(100);
  }
}

export const taskArnFilter = (arn: string) => ({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] });
