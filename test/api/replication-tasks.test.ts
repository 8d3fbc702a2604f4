/**
 * Replication tasks through the real SDK client: create validation, settings merge and
 * refusals, describe filters and pagination, modify, move and delete rules, the lifecycle and
 * its waiters, start-type rules, events, quotas, task logs (API, HTTP route, `opendms logs`)
 * and the recovery of runs a restart interrupted. Runs of the full-load engine are in
 * replication-tasks-runs.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  AddTagsToResourceCommand,
  DeleteEndpointCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
  DescribeAccountAttributesCommand,
  DescribeEventsCommand,
  DescribeReplicationInstanceTaskLogsCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyReplicationTaskCommand,
  MoveReplicationTaskCommand,
  ReloadTablesCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  waitUntilReplicationTaskDeleted,
  waitUntilReplicationTaskReady,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, uniqueName, type TestServer, failure } from '../helpers/server.js';
import { TaskLogStore } from '../../src/engine/task-log/task-log-store.js';
import { mariaDropDatabase, mariaExec, pgCreateDatabase, pgDropDatabase } from '../helpers/databases.js';
import { createEndpoint, createInstance, createTask, describeTask, includeAll, suffix, taskArnFilter, untilStatus, waiter } from './replication-tasks.fixtures.js';

const sfx = suffix();
const pgDb = `opendms_tasks_${sfx}`;
const mariaDb = `opendms_tasks_${sfx}`;
const bin = fileURLToPath(new URL('../../bin/opendms.mjs', import.meta.url));

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let instance: { arn: string; id: string };
let source: { arn: string; id: string };
let target: { arn: string; id: string };
let mariaSource: { arn: string; id: string };
let base: { instanceArn: string; sourceArn: string; targetArn: string };


/** The model's DescribeEvents SourceType lists only replication-instance, so task events are picked out here. */
async function taskEvents(c: DatabaseMigrationServiceClient, id: string) {
  const out = await c.send(new DescribeEventsCommand({ Duration: 60 }));
  return out.Events!.filter((e) => (e.SourceType as string | undefined) === 'replication-task' && e.SourceIdentifier === id);
}

before(async () => {
  await pgCreateDatabase(pgDb);
  await mariaExec(`CREATE DATABASE ${mariaDb}`);
  server = await startTestServer({ keepDataDir: true });
  dms = server.client();
  instance = await createInstance(dms);
  source = await createEndpoint(dms, { EndpointType: 'source', DatabaseName: pgDb });
  target = await createEndpoint(dms, { EndpointType: 'target', DatabaseName: pgDb });
  mariaSource = await createEndpoint(dms, { EndpointType: 'source', EngineName: 'mariadb', Port: 3306, Username: 'root', DatabaseName: mariaDb });
  base = { instanceArn: instance.arn, sourceArn: source.arn, targetArn: target.arn };
});

after(async () => {
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  await pgDropDatabase(pgDb);
  await mariaDropDatabase(mariaDb);
});

describe('CreateReplicationTask', () => {
  it('creates a task that becomes ready, with the merged settings, TaskData, tags and ResourceIdentifier', async () => {
    const id = uniqueName('Create-Task');
    const resourceId = `T${sfx.replace(/_/g, '')}`.slice(0, 31);
    const t = await createTask(dms, base, {
      ReplicationTaskIdentifier: id,
      ResourceIdentifier: resourceId,
      ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING', CommitRate: 5000 } }),
      TaskData: '{"note":"kept"}',
      Tags: [{ Key: 'team', Value: 'data' }],
    });
    assert.equal(t.Status, 'creating');
    assert.equal(t.ReplicationTaskIdentifier, id.toLowerCase());
    assert.match(t.ReplicationTaskArn!, new RegExp(`^arn:aws:dms:us-east-1:123456789012:task:${resourceId}$`));
    assert.equal(t.MigrationType, 'full-load');
    assert.equal(t.TaskData, '{"note":"kept"}');
    assert.ok(t.ReplicationTaskCreationDate instanceof Date);

    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(t.ReplicationTaskArn!));
    const ready = await describeTask(dms, t.ReplicationTaskArn!);
    assert.equal(ready.Status, 'ready');
    const settings = JSON.parse(ready.ReplicationTaskSettings!);
    assert.equal(settings.FullLoadSettings.TargetTablePrepMode, 'DO_NOTHING');
    assert.equal(settings.FullLoadSettings.CommitRate, 5000);
    assert.equal(settings.FullLoadSettings.MaxFullLoadSubTasks, 8, 'defaults fill what was not given');
    assert.equal(settings.TargetMetadata.LobMaxSize, 32);
    assert.equal(settings.Logging.LogComponents.length, 19);
    assert.equal(settings.Logging.CloudWatchLogGroup, `dms-tasks-${instance.id}`);
    assert.equal(settings.Logging.CloudWatchLogStream, `dms-task-${resourceId}`);
    assert.equal(settings.BeforeImageSettings, null);
    assert.equal(settings.ErrorBehavior.FailOnNoTablesCaptured, true);
    assert.equal(ready.TableMappings, includeAll());
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: t.ReplicationTaskArn! }));
    assert.deepEqual(tags.TagList?.map((x) => [x.Key, x.Value]), [['team', 'data']]);
  });

  it('gives the DMS defaults when no settings are given', async () => {
    const t = await createTask(dms, base);
    const settings = JSON.parse(t.ReplicationTaskSettings!);
    assert.equal(settings.FullLoadSettings.TargetTablePrepMode, 'DROP_AND_CREATE');
    assert.equal(settings.ErrorBehavior.DataErrorPolicy, 'LOG_ERROR');
    assert.equal(settings.ValidationSettings.EnableValidation, false);
    assert.equal(settings.ControlTablesSettings.historyTimeslotInMinutes, 5);
    assert.equal(settings.Logging.EnableLogging, false);
  });

  it('refuses missing resources, wrong endpoint roles, bad identifiers, duplicates and bad CDC positions', async () => {
    const missingRi = instance.arn.replace(/rep:.*/, 'rep:NOSUCHINSTANCE');
    let err = await failure(createTask(dms, { ...base, instanceArn: missingRi }));
    assert.ok(err instanceof ResourceNotFoundFault, err.name);
    err = await failure(createTask(dms, { ...base, sourceArn: source.arn.replace(/endpoint:.*/, 'endpoint:NOSUCH') }));
    assert.ok(err instanceof ResourceNotFoundFault, err.name);

    err = await failure(createTask(dms, { ...base, sourceArn: target.arn }));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /SourceEndpointArn names endpoint .* which is a target endpoint/);
    err = await failure(createTask(dms, { ...base, targetArn: source.arn }));
    assert.match(err.message, /TargetEndpointArn .* source endpoint/);

    for (const bad of ['1task', 'task-', 'ta--sk', 'x'.repeat(256), 'has_underscore']) {
      err = await failure(createTask(dms, base, { ReplicationTaskIdentifier: bad }));
      assert.equal(err.name, 'InvalidParameterValueException', bad);
      assert.match(err.message, /ReplicationTaskIdentifier/);
    }
    assert.equal((await createTask(dms, base, { ReplicationTaskIdentifier: `a${'b'.repeat(254)}` })).ReplicationTaskIdentifier!.length, 255);

    const id = uniqueName('dup');
    await createTask(dms, base, { ReplicationTaskIdentifier: id });
    err = await failure(createTask(dms, base, { ReplicationTaskIdentifier: id.toUpperCase() }));
    assert.ok(err instanceof ResourceAlreadyExistsFault, err.name);

    err = await failure(createTask(dms, base, { CdcStartTime: new Date(), CdcStartPosition: 'checkpoint:V1#1#000004AF/B00000D0#0#0#*#0#0' }));
    assert.equal(err.name, 'InvalidParameterCombinationException');
    err = await failure(createTask(dms, base, { CdcStopPosition: 'tomorrow' }));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /server_time:/);

    const kept = await createTask(dms, base, { MigrationType: 'cdc', CdcStartPosition: 'mysql-bin-changelog.000024:373', CdcStopPosition: 'server_time:2030-02-09T12:12:12' });
    assert.equal(kept.CdcStartPosition, 'mysql-bin-changelog.000024:373');
    assert.equal(kept.CdcStopPosition, 'server_time:2030-02-09T12:12:12');
  });

  it('refuses table mappings the parser rejects, with its message', async () => {
    const err = await failure(createTask(dms, base, { TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '7', 'rule-action': 'include' }] }) }));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /Invalid Table Mappings document/);
    assert.match(err.message, /7/);
    const notJson = await failure(createTask(dms, base, { TableMappings: '{rules' }));
    assert.equal(notJson.name, 'InvalidParameterValueException');
  });
});

describe('ReplicationTaskSettings', () => {
  const refused = async (settings: unknown, pattern: RegExp, name = 'InvalidParameterValueException') => {
    const err = await failure(createTask(dms, base, { ReplicationTaskSettings: typeof settings === 'string' ? settings : JSON.stringify(settings) }));
    assert.equal(err.name, name, err.message);
    assert.match(err.message, pattern);
  };

  it('refuses CloudWatchLogGroup/Stream on create with DMS message', async () => {
    await refused({ Logging: { CloudWatchLogGroup: 'mine' } }, /^Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create\.$/);
    await refused({ Logging: { CloudWatchLogStream: 'mine' } }, /cannot be set on create/);
  });

  it('refuses unknown groups and members, naming the closest one', async () => {
    await refused({ FullLoadSettings: { MaxFullLoadSubTask: 4 } }, /^ReplicationTaskSettings: unknown member FullLoadSettings\.MaxFullLoadSubTask; did you mean MaxFullLoadSubTasks\?$/);
    await refused({ FullLoadSetting: {} }, /unknown group FullLoadSetting; did you mean FullLoadSettings\?/);
    await refused({ Nonsense: {} }, /unknown group Nonsense; valid groups: TargetMetadata/);
    await refused('[1]', /must be a JSON object/);
    await refused('{"TargetMetadata":', /not valid JSON/);
  });

  it('checks types, enum values and ranges', async () => {
    await refused({ FullLoadSettings: { TargetTablePrepMode: 'DROP' } }, /TargetTablePrepMode must be one of DO_NOTHING, DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD/);
    await refused({ FullLoadSettings: { MaxFullLoadSubTasks: 50 } }, /MaxFullLoadSubTasks must be a whole number from 1 to 49; got 50/);
    await refused({ FullLoadSettings: { CommitRate: 0 } }, /CommitRate must be a whole number from 1 to 50000/);
    await refused({ TargetMetadata: { SupportLobs: 'yes' } }, /SupportLobs must be true or false/);
    await refused({ Logging: { LogComponents: [{ Id: 'TARGET_LOAD', Severity: 'LOUD' }] } }, /Severity must be one of LOGGER_SEVERITY_DEFAULT/);
    await refused({ Logging: { LogComponents: [{ Id: 'NOPE', Severity: 'LOGGER_SEVERITY_DEBUG' }] } }, /Id must be one of TRANSFORMATION/);
    await refused({ Logging: { EnableLogContext: true } }, /EnableLogContext needs Logging.EnableLogging/, 'InvalidParameterCombinationException');
    await refused({ TargetMetadata: { FullLobMode: true } }, /FullLobMode and LimitedSizeLobMode cannot both be true/, 'InvalidParameterCombinationException');
  });

  it('merges log components by Id and fills groups DMS leaves null', async () => {
    const t = await createTask(dms, base, {
      ReplicationTaskSettings: JSON.stringify({
        Logging: { EnableLogging: true, LogComponents: [{ Id: 'TARGET_LOAD', Severity: 'LOGGER_SEVERITY_DEBUG' }] },
        BeforeImageSettings: { EnableBeforeImage: true },
        ControlTablesSettings: { HistoryTimeslotInMinutes: 10 },
      }),
    });
    const s = JSON.parse(t.ReplicationTaskSettings!);
    assert.equal(s.Logging.LogComponents.length, 19);
    assert.equal(s.Logging.LogComponents.find((c: { Id: string }) => c.Id === 'TARGET_LOAD').Severity, 'LOGGER_SEVERITY_DEBUG');
    assert.equal(s.Logging.LogComponents.find((c: { Id: string }) => c.Id === 'SOURCE_UNLOAD').Severity, 'LOGGER_SEVERITY_DEFAULT');
    assert.deepEqual(s.BeforeImageSettings, { EnableBeforeImage: true, FieldName: '', ColumnFilter: 'pk-only' });
    assert.equal(s.ControlTablesSettings.historyTimeslotInMinutes, 10);
  });
});

describe('DescribeReplicationTasks', () => {
  let other: { arn: string; id: string };
  const created: string[] = [];

  before(async () => {
    other = await createInstance(dms);
    for (let i = 0; i < 21; i++) created.push((await createTask(dms, { ...base, instanceArn: other.arn }, { MigrationType: i === 0 ? 'full-load-and-cdc' : 'full-load' })).ReplicationTaskArn!);
  });

  it('filters by instance, id, arn, migration type and endpoint (source or target), and pages', async () => {
    const byInstance = [{ Name: 'replication-instance-arn', Values: [other.arn] }];
    const first = await dms.send(new DescribeReplicationTasksCommand({ Filters: byInstance, MaxRecords: 20 }));
    assert.equal(first.ReplicationTasks!.length, 20);
    assert.ok(first.Marker);
    const second = await dms.send(new DescribeReplicationTasksCommand({ Filters: byInstance, MaxRecords: 20, Marker: first.Marker }));
    assert.equal(second.ReplicationTasks!.length, 1);
    assert.equal(second.Marker, undefined);
    assert.deepEqual([...first.ReplicationTasks!, ...second.ReplicationTasks!].map((t) => t.ReplicationTaskArn), created);

    const one = await describeTask(dms, created[3]!);
    const byId = await dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: [one.ReplicationTaskIdentifier!.toUpperCase()] }] }));
    assert.deepEqual(byId.ReplicationTasks!.map((t) => t.ReplicationTaskArn), [created[3]]);
    const cdc = await dms.send(new DescribeReplicationTasksCommand({ Filters: [...byInstance, { Name: 'migration-type', Values: ['full-load-and-cdc'] }] }));
    assert.deepEqual(cdc.ReplicationTasks!.map((t) => t.ReplicationTaskArn), [created[0]]);
    for (const endpointArn of [source.arn, target.arn]) {
      const byEndpoint = await dms.send(new DescribeReplicationTasksCommand({ Filters: [...byInstance, { Name: 'endpoint-arn', Values: [endpointArn] }], MaxRecords: 100 }));
      assert.equal(byEndpoint.ReplicationTasks!.length, 21);
    }
  });

  it('leaves out settings and table mappings WithoutSettings', async () => {
    const out = await dms.send(new DescribeReplicationTasksCommand({ Filters: taskArnFilter(created[1]!).Filters, WithoutSettings: true }));
    const t = out.ReplicationTasks![0]!;
    assert.equal(t.ReplicationTaskSettings, undefined);
    assert.equal(t.TableMappings, undefined);
    assert.equal(t.ReplicationTaskArn, created[1]);
  });

  it('answers ResourceNotFoundFault when filters match nothing, and refuses unknown filters', async () => {
    const err = await failure(dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: ['nothing-here'] }] })));
    assert.ok(err instanceof ResourceNotFoundFault);
    assert.equal(err.message, 'No Tasks found matching provided filters');
    const bad = await failure(dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'status', Values: ['ready'] }] })));
    assert.equal(bad.name, 'InvalidParameterValueException');
  });
});

describe('ModifyReplicationTask, MoveReplicationTask, DeleteReplicationTask', () => {
  it('modifies settings (merged again), mappings, type and identifier, then returns to ready', async () => {
    const t = await createTask(dms, base, { ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { CommitRate: 5000 } }) });
    const arn = t.ReplicationTaskArn!;
    const early = await failure(dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, MigrationType: 'cdc' })));
    assert.ok(early instanceof InvalidResourceStateFault, 'a task being created cannot be modified');
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));

    const newId = uniqueName('Renamed');
    const mappings = includeAll('sales');
    const m = await dms.send(
      new ModifyReplicationTaskCommand({
        ReplicationTaskArn: arn,
        ReplicationTaskIdentifier: newId,
        MigrationType: 'full-load-and-cdc',
        TableMappings: mappings,
        ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { MaxFullLoadSubTasks: 4 }, Logging: { CloudWatchLogGroup: 'ignored-on-modify' } }),
        CdcStartTime: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    assert.equal(m.ReplicationTask!.Status, 'modifying');
    // The Ready waiter fails on `modifying`, as DMS's does: poll until the modify is done.
    await untilStatus(dms, arn, ['ready']);
    const after = await describeTask(dms, arn);
    assert.equal(after.ReplicationTaskIdentifier, newId.toLowerCase());
    assert.equal(after.MigrationType, 'full-load-and-cdc');
    assert.equal(after.TableMappings, mappings);
    const s = JSON.parse(after.ReplicationTaskSettings!);
    assert.equal(s.FullLoadSettings.CommitRate, 5000, 'earlier settings are kept');
    assert.equal(s.FullLoadSettings.MaxFullLoadSubTasks, 4);
    assert.equal(s.Logging.CloudWatchLogGroup, `dms-tasks-${instance.id}`);

    const bad = await failure(dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, ReplicationTaskSettings: '{"ValidationSettings":{"ValidationOnly":true}}' })));
    assert.match(bad.message, /ValidationOnly cannot be changed/);
    const badMappings = await failure(dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, TableMappings: '{"rules":[{"rule-type":"selection"}]}' })));
    assert.equal(badMappings.name, 'InvalidParameterValueException');
  });

  it('deletes a task (deleting, then gone with its tags) and protects endpoints and instances in use', async () => {
    const ep = await createEndpoint(dms, { EndpointType: 'target', DatabaseName: pgDb });
    const ri = await createInstance(dms);
    const t = await createTask(dms, { ...base, instanceArn: ri.arn, targetArn: ep.arn });
    const arn = t.ReplicationTaskArn!;
    await dms.send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }));

    const epErr = await failure(dms.send(new DeleteEndpointCommand({ EndpointArn: ep.arn })));
    assert.ok(epErr instanceof InvalidResourceStateFault);
    assert.match(epErr.message, new RegExp(`used by replication task\\(s\\) ${t.ReplicationTaskIdentifier}`));
    const riErr = await failure(dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: ri.arn })));
    assert.ok(riErr instanceof InvalidResourceStateFault);
    assert.match(riErr.message, /delete the tasks/);

    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    const d = await dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }));
    assert.equal(d.ReplicationTask!.Status, 'deleting');
    await waitUntilReplicationTaskDeleted(waiter(dms), taskArnFilter(arn));
    const gone = await failure(dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn })));
    assert.ok(gone instanceof ResourceNotFoundFault);
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn })).catch(() => ({ TagList: [] }));
    assert.deepEqual(tags.TagList ?? [], []);
    await dms.send(new DeleteEndpointCommand({ EndpointArn: ep.arn }));
    await dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: ri.arn }));
  });

  it('moves a task to another available instance of the same or a later version', async () => {
    const t = await createTask(dms, base);
    const arn = t.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    const same = await failure(dms.send(new MoveReplicationTaskCommand({ ReplicationTaskArn: arn, TargetReplicationInstanceArn: instance.arn })));
    assert.match(same.message, /already runs on replication instance/);
    const older = await createInstance(dms, { EngineVersion: '3.5.1' });
    const down = await failure(dms.send(new MoveReplicationTaskCommand({ ReplicationTaskArn: arn, TargetReplicationInstanceArn: older.arn })));
    assert.equal(down.name, 'InvalidParameterValueException');
    assert.match(down.message, /same or a later version/);

    const dest = await createInstance(dms);
    const moving = await dms.send(new MoveReplicationTaskCommand({ ReplicationTaskArn: arn, TargetReplicationInstanceArn: dest.arn }));
    assert.equal(moving.ReplicationTask!.Status, 'moving');
    assert.equal(moving.ReplicationTask!.TargetReplicationInstanceArn, dest.arn);
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    const moved = await describeTask(dms, arn);
    assert.equal(moved.ReplicationInstanceArn, dest.arn);
    assert.equal(moved.TargetReplicationInstanceArn, undefined);
  });
});

describe('StartReplicationTask, StopReplicationTask, ReloadTables rules', () => {
  it('takes start-replication only for the first run, and refuses what is not built yet', async () => {
    const t = await createTask(dms, base);
    const arn = t.ReplicationTaskArn!;
    const creating = await failure(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' })));
    assert.ok(creating instanceof InvalidResourceStateFault, creating.name);
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    for (const type of ['resume-processing', 'reload-target'] as const) {
      const err = await failure(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: type })));
      assert.equal(err.name, 'InvalidParameterValueException');
      assert.match(err.message, /has never run: its first start must use StartReplicationTaskType start-replication/);
    }
    const stop = await failure(dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn })));
    assert.ok(stop instanceof InvalidResourceStateFault);
    assert.match(stop.message, /Only a starting or running task can be stopped/);
    const reload = await failure(dms.send(new ReloadTablesCommand({ ReplicationTaskArn: arn, TablesToReload: [{ SchemaName: 'public', TableName: 'x' }] })));
    assert.ok(reload instanceof InvalidResourceStateFault);
    assert.match(reload.message, /only while the task is running/);
    const stats = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    assert.deepEqual(stats.TableStatistics, []);
  });

  it('refuses resume-processing as the first start of a CDC task; answers 501 for unsupported engines and unimplemented settings', async () => {
    const cdc = await createTask(dms, base, { MigrationType: 'full-load-and-cdc' });
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(cdc.ReplicationTaskArn!));
    let err = await failure(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: cdc.ReplicationTaskArn!, StartReplicationTaskType: 'resume-processing' })));
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.match(err.message, /has never run: its first start must use StartReplicationTaskType start-replication/);
    assert.equal((await describeTask(dms, cdc.ReplicationTaskArn!)).Status, 'ready', 'a refused start changes nothing');

    const oracle = await createEndpoint(dms, { EndpointType: 'source', EngineName: 'oracle', Port: 1521, DatabaseName: 'ORCL' });
    const ora = await createTask(dms, { ...base, sourceArn: oracle.arn });
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(ora.ReplicationTaskArn!));
    err = await failure(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: ora.ReplicationTaskArn!, StartReplicationTaskType: 'start-replication' })));
    assert.equal(err.name, 'NotImplementedException');
    assert.match(err.message, /oracle source endpoint .* not supported by OpenDMS yet/);

    const validating = await createTask(dms, base, { ReplicationTaskSettings: '{"ValidationSettings":{"EnableValidation":true}}' });
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(validating.ReplicationTaskArn!));
    err = await failure(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: validating.ReplicationTaskArn!, StartReplicationTaskType: 'start-replication' })));
    assert.equal(err.name, 'NotImplementedException');
    assert.match(err.message, /ValidationSettings.EnableValidation/);
  });

  it('creates tasks from a MariaDB source', async () => {
    const t = await createTask(dms, { ...base, sourceArn: mariaSource.arn }, { TableMappings: includeAll(mariaDb) });
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(t.ReplicationTaskArn!));
    assert.equal((await describeTask(dms, t.ReplicationTaskArn!)).SourceEndpointArn, mariaSource.arn);
  });
});

describe('events, quotas', () => {
  it('records creation, configuration change and deletion events', async () => {
    const t = await createTask(dms, base);
    const arn = t.ReplicationTaskArn!;
    await waitUntilReplicationTaskReady(waiter(dms), taskArnFilter(arn));
    await dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, ReplicationTaskSettings: '{}' }));
    await untilStatus(dms, arn, ['ready']);
    await dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: arn }));
    await waitUntilReplicationTaskDeleted(waiter(dms), taskArnFilter(arn));
    assert.deepEqual(
      (await taskEvents(dms, t.ReplicationTaskIdentifier!)).map((e) => [e.EventCategories, e.Message]),
      [
        [['creation'], 'The replication task is created.'],
        [['configuration change'], 'The replication task is modified.'],
        [['deletion'], 'The replication task is deleted.'],
      ],
    );
  });

  it('counts tasks against the ReplicationTasks quota', async () => {
    const s = await startTestServer({ args: ['--quotas', 'ReplicationTasks=1'] });
    try {
      const c = s.client();
      const ri = await createInstance(c);
      const src = await createEndpoint(c, { EndpointType: 'source', DatabaseName: pgDb });
      const tgt = await createEndpoint(c, { EndpointType: 'target', DatabaseName: pgDb });
      const b = { instanceArn: ri.arn, sourceArn: src.arn, targetArn: tgt.arn };
      await createTask(c, b);
      const err = await failure(createTask(c, b));
      assert.ok(err instanceof ResourceQuotaExceededFault, err.name);
      const attrs = await c.send(new DescribeAccountAttributesCommand({}));
      assert.deepEqual(attrs.AccountQuotas!.find((q) => q.AccountQuotaName === 'ReplicationTasks'), { AccountQuotaName: 'ReplicationTasks', Used: 1, Max: 1 });
    } finally {
      await s.stop();
    }
  });
});

describe('task logs', () => {
  let task: { arn: string; id: string };

  before(async () => {
    const t = await createTask(dms, base);
    task = { arn: t.ReplicationTaskArn!, id: t.ReplicationTaskIdentifier! };
    // What a run writes, written here so the log APIs are tested without running the engine.
    new TaskLogStore(server.dataDir).writer(task.arn, { enabled: true, components: {} }).log('TASK_MANAGER', 'LOGGER_SEVERITY_INFO', 'Task is running');
  });

  it('DescribeReplicationInstanceTaskLogs lists the tasks that have a log, with sizes', async () => {
    const out = await dms.send(new DescribeReplicationInstanceTaskLogsCommand({ ReplicationInstanceArn: instance.arn }));
    assert.equal(out.ReplicationInstanceArn, instance.arn);
    const entry = out.ReplicationInstanceTaskLogs!.find((l) => l.ReplicationTaskArn === task.arn);
    assert.ok(entry, 'the task with a log is listed');
    assert.equal(entry.ReplicationTaskName, task.id);
    assert.ok(entry.ReplicationInstanceTaskLogSize! > 20);
    assert.ok(out.ReplicationInstanceTaskLogs!.every((l) => l.ReplicationInstanceTaskLogSize! > 0), 'tasks without a log are not listed');
  });

  it('GET /tasks/<id or arn>/log serves the log as text/plain, 404 with a reason otherwise', async () => {
    for (const key of [task.id, task.arn]) {
      const res = await fetch(`${server.url}/tasks/${encodeURIComponent(key)}/log`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/plain/);
      assert.match(await res.text(), /\[TASK_MANAGER\s*\]I:  Task is running/);
    }
    const unknown = await fetch(`${server.url}/tasks/no-such-task/log`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No replication task 'no-such-task' found/);
    const fresh = await createTask(dms, base);
    const none = await fetch(`${server.url}/tasks/${fresh.ReplicationTaskIdentifier}/log`);
    assert.equal(none.status, 404);
    assert.match(await none.text(), /has no log yet/);
  });

  it('`opendms logs` prints the log, and --follow prints what is appended', async () => {
    const r = spawnSync(process.execPath, [bin, 'logs', task.id, '--data-dir', server.dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Task is running/);
    const missing = spawnSync(process.execPath, [bin, 'logs', 'no-such-task', '--data-dir', server.dataDir], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No replication task 'no-such-task' found/);

    const child = spawn(process.execPath, [bin, 'logs', task.arn, '--data-dir', server.dataDir, '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((res) => setTimeout(res, 50));
      assert.match(out, re);
    };
    try {
      await until(/Task is running/);
      appendFileSync(new TaskLogStore(server.dataDir).pathOf(task.arn), 'appended line\n');
      await until(/appended line/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('restart recovery', () => {
  it('a task left running by a stopped server that cannot be resumed is failed at the next start, saying how to go on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opendms-task-restart-'));
    try {
      let s = await startTestServer({ dataDir });
      let c = s.client();
      const ri = await createInstance(c);
      const src = await createEndpoint(c, { EndpointType: 'source', DatabaseName: pgDb });
      const tgt = await createEndpoint(c, { EndpointType: 'target', DatabaseName: pgDb });
      const t = await createTask(c, { instanceArn: ri.arn, sourceArn: src.arn, targetArn: tgt.arn });
      const stopping = await createTask(c, { instanceArn: ri.arn, sourceArn: src.arn, targetArn: tgt.arn });
      await untilStatus(c, t.ReplicationTaskArn!, ['ready']);
      await untilStatus(c, stopping.ReplicationTaskArn!, ['ready']);
      await s.stop();

      // As if the server had died during the runs.
      const db = new Database(join(dataDir, 'opendms.sqlite'));
      const set = (arn: string, status: string, more: Record<string, unknown> = {}) => {
        const row = db.prepare('SELECT data FROM resources WHERE arn = ?').get(arn) as { data: string };
        db.prepare('UPDATE resources SET data = ? WHERE arn = ?').run(JSON.stringify({ ...JSON.parse(row.data), status, runId: 1, ...more }), arn);
      };
      // Its source endpoint is gone, so the automatic resume-processing cannot start it.
      set(t.ReplicationTaskArn!, 'running', { sourceEndpointArn: `${src.arn}-gone` });
      set(stopping.ReplicationTaskArn!, 'stopping');
      db.close();

      s = await startTestServer({ dataDir });
      c = s.client();
      const failed = await describeTask(c, t.ReplicationTaskArn!);
      assert.equal(failed.Status, 'failed');
      assert.match(failed.LastFailureMessage!, /OpenDMS restarted while this task was running.*resuming it automatically failed.*resume-processing/);
      const stopped = await describeTask(c, stopping.ReplicationTaskArn!);
      assert.equal(stopped.Status, 'stopped');
      assert.equal(stopped.StopReason, 'Stop Reason NORMAL');
      assert.ok((await taskEvents(c, t.ReplicationTaskIdentifier!)).some((e) => e.EventCategories?.includes('failure')));
      await s.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
