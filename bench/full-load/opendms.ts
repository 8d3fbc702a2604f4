/**
 * Runs one OpenDMS full load through the DMS API, in a fresh `opendms serve` process so its
 * peak memory (VmHWM) belongs to that load alone.
 */
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  waitUntilReplicationInstanceAvailable,
} from '@aws-sdk/client-database-migration-service';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../test/helpers/process.js';
import type { Measured } from './peers.js';

export interface EndpointDef {
  readonly engine: 'postgres' | 'mariadb';
  readonly database: string;
}

export interface OpenDmsRun extends Measured {
  readonly rowsLoaded: number;
  /** CPU time (user + system) of the OpenDMS process: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
}

const cpuSeconds = (pid: number): number => {
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const peakRssMiB = (pid: number): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

export async function runOpenDms(source: EndpointDef, target: EndpointDef, settings: Record<string, unknown> = {}): Promise<OpenDmsRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-opendms-'));
  const server = await spawnServer(dataDir, ['--provisioning-delay-ms', '0', '--log-level', 'warn']);
  const dms = new DatabaseMigrationServiceClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  try {
    const ri = await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'bench', ReplicationInstanceClass: 'dms.c5.xlarge', AllocatedStorage: 50 }));
    await waitUntilReplicationInstanceAvailable({ client: dms, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { Filters: [{ Name: 'replication-instance-id', Values: ['bench'] }] });
    const endpoint = async (id: string, type: 'source' | 'target', def: EndpointDef): Promise<string> => {
      const pgLike = def.engine === 'postgres';
      const out = await dms.send(
        new CreateEndpointCommand({
          EndpointIdentifier: id,
          EndpointType: type,
          EngineName: def.engine,
          ServerName: '127.0.0.1',
          Port: pgLike ? 5432 : 3306,
          Username: pgLike ? 'postgres' : 'root',
          ...(pgLike || type === 'source' ? { DatabaseName: def.database } : {}),
        }),
      );
      return out.Endpoint!.EndpointArn!;
    };
    const src = await endpoint('bench-src', 'source', source);
    const tgt = await endpoint('bench-tgt', 'target', target);
    const schema = source.engine === 'postgres' ? 'public' : source.database;
    const task = await dms.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'bench-task',
        ReplicationInstanceArn: ri.ReplicationInstance!.ReplicationInstanceArn!,
        SourceEndpointArn: src,
        TargetEndpointArn: tgt,
        MigrationType: 'full-load',
        TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'schema-name': schema, 'table-name': '%' }, 'rule-action': 'include' }] }),
        ReplicationTaskSettings: JSON.stringify({
          TargetMetadata: { TargetSchema: 'public', ...((settings.TargetMetadata as object) ?? {}) },
          FullLoadSettings: { TargetTablePrepMode: 'DROP_AND_CREATE', ...((settings.FullLoadSettings as object) ?? {}) },
          ...(process.env.BENCH_SHOW_LOG === '1' ? { Logging: { EnableLogging: true } } : {}),
        }),
      }),
    );
    const taskArn = task.ReplicationTask!.ReplicationTaskArn!;
    const byArn = { Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] };
    for (;;) {
      const t = (await dms.send(new DescribeReplicationTasksCommand(byArn))).ReplicationTasks![0]!;
      if (t.Status === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const start = process.hrtime.bigint();
    await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: taskArn, StartReplicationTaskType: 'start-replication' }));
    let final;
    for (;;) {
      final = (await dms.send(new DescribeReplicationTasksCommand(byArn))).ReplicationTasks![0]!;
      if (final.Status === 'stopped' || final.Status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (final.Status !== 'stopped') throw new Error(`the OpenDMS task ended ${final.Status}: ${final.LastFailureMessage ?? ''}`);
    const stats = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 500 }));
    const rowsLoaded = (stats.TableStatistics ?? []).reduce((n, s) => n + (s.FullLoadRows ?? 0), 0);
    // BENCH_SHOW_LOG=1 prints the task log: where the time went, per table and segment.
    if (process.env.BENCH_SHOW_LOG === '1') console.log(await fetch(`${server.url}/tasks/bench-task/log`).then((r) => r.text()));
    return { seconds, peakRssMiB: peakRssMiB(server.child.pid!), rowsLoaded, cpuSeconds: cpuSeconds(server.child.pid!) };
  } finally {
    dms.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
