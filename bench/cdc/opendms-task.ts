/** A full-load-and-cdc task through the DMS API in a fresh `opendms serve`, running until closed. */
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DeleteReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  waitUntilReplicationInstanceAvailable,
} from '@aws-sdk/client-database-migration-service';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../test/helpers/process.js';

export interface Side {
  readonly engine: 'postgres' | 'mariadb';
  readonly database: string;
  readonly schema?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startCdcTask(source: Side, target: Side, opts: { batchApply?: boolean } = {}): Promise<{ close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cdc-'));
  const server = await spawnServer(dataDir, ['--provisioning-delay-ms', '0', '--log-level', 'warn']);
  const dms = new DatabaseMigrationServiceClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  const endpoint = async (id: string, type: 'source' | 'target', s: Side): Promise<string> => {
    const pgLike = s.engine === 'postgres';
    const out = await dms.send(
      new CreateEndpointCommand({ EndpointIdentifier: id, EndpointType: type, EngineName: s.engine, ServerName: '127.0.0.1', Port: pgLike ? 5432 : 3306, Username: pgLike ? 'postgres' : 'root', ...(pgLike || type === 'source' ? { DatabaseName: s.database } : {}) }),
    );
    return out.Endpoint!.EndpointArn!;
  };
  const ri = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'bench', ReplicationInstanceClass: 'dms.c5.xlarge', AllocatedStorage: 50 }));
  await waitUntilReplicationInstanceAvailable({ client: dms, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { Filters: [{ Name: 'replication-instance-id', Values: ['bench'] }] });
  const task = await dms.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: `bench-cdc-${process.pid}`,
      ReplicationInstanceArn: ri.ReplicationInstance!.ReplicationInstanceArn!,
      SourceEndpointArn: await endpoint('src', 'source', source),
      TargetEndpointArn: await endpoint('tgt', 'target', target),
      MigrationType: 'full-load-and-cdc',
      TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': source.schema ?? 'public', 'table-name': 'events' }, 'rule-action': 'include' }] }),
      ReplicationTaskSettings: JSON.stringify({ TargetMetadata: { TargetSchema: 'public', BatchApplyEnabled: opts.batchApply === true }, FullLoadSettings: { TargetTablePrepMode: 'DROP_AND_CREATE' } }),
    }),
  );
  const arn = task.ReplicationTask!.ReplicationTaskArn!;
  const byArn = { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] };
  const status = async () => (await dms.send(new DescribeReplicationTasksCommand(byArn))).ReplicationTasks![0]!;
  while ((await status()).Status !== 'ready') await sleep(100);
  await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' }));
  // Replicating once the (empty) table is loaded.
  for (;;) {
    const t = await status();
    if (t.Status === 'failed' || t.Status === 'stopped') throw new Error(`the OpenDMS task ended ${t.Status}: ${t.LastFailureMessage ?? ''}`);
    const stats = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    if (t.Status === 'running' && stats.TableStatistics?.[0]?.TableState === 'Table completed') break;
    await sleep(100);
  }
  await sleep(1000);
  return {
    close: async () => {
      try {
        await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
        while (!['stopped', 'failed'].includes((await status()).Status!)) await sleep(100);
        await dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }));
        await sleep(1500); // the slot is released in the background
      } finally {
        dms.destroy();
        server.child.kill('SIGTERM');
        await server.exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
