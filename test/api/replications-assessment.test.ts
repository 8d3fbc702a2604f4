/**
 * StartReplication's PremigrationAssessmentSettings (issue 6 §2) through the real SDK client
 * against real PostgreSQL: the source has a table without a primary key and REPLICA IDENTITY
 * DEFAULT, so postgres-check-pk fails for a full-load-and-cdc replication. With
 * FailOnAssessmentFailure true (the default) the replication ends failed naming the run and the
 * failed check, and never runs; with false it runs. PremigrationAssessmentStatuses shows the run
 * in DescribeReplications. The settings are checked as StartReplicationTaskAssessmentRun's members.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateReplicationConfigCommand,
  DeleteReplicationConfigCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationsCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  type DatabaseMigrationServiceClient,
  type Replication,
} from '@aws-sdk/client-database-migration-service';
import { dropTaskSlot } from '../helpers/cdc-workload.js';
import { pgCreateDatabase, pgDropDatabase, pgExec, pgQuery } from '../helpers/databases.js';
import { expectFault, startTestServer, uniqueName, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { describeReplication } from './replications.fixtures.js';
import { createEndpoint, includeAll, suffix } from './replication-tasks.fixtures.js';

const sfx = suffix();
const srcDb = `opendms_replpa_src_${sfx}`;
const tgtDb = `opendms_replpa_tgt_${sfx}`;
const tgtDb2 = `opendms_replpa_tgt2_${sfx}`;

let server: TestServer;
let dms: DatabaseMigrationServiceClient;
let sourceArn: string;
const slots: string[] = [];


const replicationOf = (configArn: string, client = dms): Promise<Replication> => describeReplication(client, configArn);

async function createConfig(targetDb: string): Promise<string> {
  const targetArn = (await createEndpoint(dms, { EndpointType: 'target', DatabaseName: targetDb })).arn;
  const out = await dms.send(
    new CreateReplicationConfigCommand({
      ReplicationConfigIdentifier: uniqueName('replpa'),
      SourceEndpointArn: sourceArn,
      TargetEndpointArn: targetArn,
      ReplicationType: 'full-load-and-cdc',
      TableMappings: includeAll('public'),
      ComputeConfig: { MinCapacityUnits: 1, MaxCapacityUnits: 2 },
    }),
  );
  const arn = out.ReplicationConfig!.ReplicationConfigArn!;
  slots.push(`replication-${arn.slice(arn.lastIndexOf(':') + 1).toLowerCase()}`);
  return arn;
}

const count = async (db: string, table: string): Promise<number> => {
  const rows = await pgQuery<{ n: string }>(db, `SELECT count(*) AS n FROM public.${table}`).catch(() => [{ n: '-1' }]);
  return Number(rows[0]!.n);
};

before(async () => {
  for (const db of [srcDb, tgtDb, tgtDb2]) await pgCreateDatabase(db);
  await pgExec(
    `CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL);
     INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 100) g;
     CREATE TABLE public.keyless (id int, note text);
     INSERT INTO public.keyless SELECT g, 'note ' || g FROM generate_series(1, 10) g; ANALYZE;`,
    srcDb,
  );
  server = await startTestServer();
  dms = server.client();
  sourceArn = (await createEndpoint(dms, { EndpointType: 'source', DatabaseName: srcDb })).arn;
});

after(async () => {
  await server?.stop();
  for (const s of slots) await dropTaskSlot(s);
  for (const db of [srcDb, tgtDb, tgtDb2]) await pgDropDatabase(db);
});

describe('StartReplication with PremigrationAssessmentSettings', () => {
  it('refuses settings StartReplicationTaskAssessmentRun would refuse', async () => {
    const configArn = await createConfig(tgtDb);
    const start = (settings: string) =>
      dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'start-replication', PremigrationAssessmentSettings: settings }));
    await expectFault(start('not json'), 'InvalidParameterValueException', /not valid JSON/);
    await expectFault(start('[1]'), 'InvalidParameterValueException', /must be a JSON object/);
    await expectFault(start('{"ResultLocationBucket":"x"}'), 'InvalidParameterValueException', /keys DMS does not know: ResultLocationBucket/);
    await expectFault(start('{"FailOnAssessmentFailure":"maybe"}'), 'InvalidParameterValueException', /FailOnAssessmentFailure must be true or false/);
    await expectFault(start('{"IncludeOnly":"postgres-check-pk","Exclude":"postgres-check-pk"}'), 'InvalidParameterCombinationException', /IncludeOnly and Exclude/);
    await expectFault(start('{"IncludeOnly":"no-such-check"}'), 'InvalidParameterValueException', /do not apply.*no-such-check.*Valid names/s);
    await expectFault(start('{"ResultEncryptionMode":"SSE_KMS"}'), 'InvalidParameterCombinationException', /SSE_KMS needs ResultKmsKeyArn/);
    await expectFault(start('{"ResultLocationFolder":"a/../b"}'), 'InvalidParameterValueException', /ResultLocationFolder/);
    // Nothing was started by a refused request.
    await expectFault(dms.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [configArn] }] })), 'ResourceNotFoundFault', /No replications found/);
    await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn }));
  });

  it('FailOnAssessmentFailure true (the default): a failed check stops the start; the replication never runs', async () => {
    const configArn = await createConfig(tgtDb);
    const started = (
      await dms.send(
        new StartReplicationCommand({
          ReplicationConfigArn: configArn,
          StartReplicationType: 'start-replication',
          PremigrationAssessmentSettings: JSON.stringify({ ResultLocationFolder: 'premigration', ResultEncryptionMode: 'SSE_S3' }),
        }),
      )
    ).Replication!;
    assert.equal(started.Status, 'initializing');

    const seen = new Set<string>();
    const failed = await until('the replication failed', async () => {
      const r = await replicationOf(configArn);
      seen.add(r.Status!);
      assert.notEqual(r.Status, 'running', 'the replication must not run');
      return r.Status === 'failed' ? r : undefined;
    });
    assert.ok(!seen.has('calculating_capacity') && !seen.has('replication_starting'), [...seen].join(','));
    assert.equal(failed.StopReason, 'Stop Reason FATAL_ERROR');
    const message = failed.FailureMessages?.join('\n') ?? '';
    assert.match(message, /premigration assessment run premigration-\d{14}-1 \(arn:aws:dms:us-east-1:123456789012:assessment-run:[^)]+\) ended failed/);
    assert.match(message, /postgres-check-pk/);
    assert.match(message, /without primary key/);
    assert.match(message, /FailOnAssessmentFailure/);

    const statuses = failed.PremigrationAssessmentStatuses ?? [];
    assert.equal(statuses.length, 1);
    const s = statuses[0]!;
    assert.ok(message.includes(s.PremigrationAssessmentRunArn!), 'the failure names the run');
    assert.equal(s.Status, 'failed');
    assert.equal(s.FailOnAssessmentFailure, true);
    assert.ok(s.PremigrationAssessmentRunCreationDate instanceof Date);
    assert.equal(s.ResultLocationBucket, 'dms-123456789012-us-east-1');
    assert.equal(s.ResultLocationFolder, 'premigration');
    assert.equal(s.ResultEncryptionMode, 'SSE_S3');
    assert.match(s.LastFailureMessage ?? '', /postgres-check-pk/);
    const stat = s.ResultStatistic!;
    assert.ok((stat.Failed ?? 0) >= 1, JSON.stringify(stat));
    const total = (stat.Passed ?? 0) + (stat.Failed ?? 0) + (stat.Error ?? 0) + (stat.Warning ?? 0) + (stat.Cancelled ?? 0) + (stat.Skipped ?? 0);
    assert.equal(s.AssessmentProgress?.IndividualAssessmentCount, total);
    assert.equal(s.AssessmentProgress?.IndividualAssessmentCompletedCount, total);

    // It never ran: nothing on the target, no capacity, and resume-processing says it never ran.
    assert.equal(failed.ProvisionData, undefined);
    assert.equal(await count(tgtDb, 'items'), -1);
    await expectFault(dms.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: 'resume-processing' })), 'InvalidParameterValueException', /never run/);
    // The run is the replication's, not a task's the user sees.
    const runs = await dms.send(new DescribeReplicationTaskAssessmentRunsCommand({})).catch((err: Error) => err);
    if (!(runs instanceof Error)) assert.ok(!(runs.ReplicationTaskAssessmentRuns ?? []).some((r) => r.ReplicationTaskAssessmentRunArn === s.PremigrationAssessmentRunArn));
  });

  it('FailOnAssessmentFailure false: the assessment fails, the replication runs; its status stays in DescribeReplications', async () => {
    const configArn = await createConfig(tgtDb2);
    await dms.send(
      new StartReplicationCommand({
        ReplicationConfigArn: configArn,
        StartReplicationType: 'start-replication',
        PremigrationAssessmentSettings: JSON.stringify({ FailOnAssessmentFailure: false, IncludeOnly: 'postgres-check-pk postgres-check-wallevel' }),
      }),
    );
    const assessing = await until('the assessment run recorded', async () => {
      const r = await replicationOf(configArn);
      assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
      return r.PremigrationAssessmentStatuses?.length ? r : undefined;
    });
    assert.equal(assessing.PremigrationAssessmentStatuses![0]!.FailOnAssessmentFailure, false);

    const running = await until('running', async () => {
      const r = await replicationOf(configArn);
      assert.notEqual(r.Status, 'failed', r.FailureMessages?.join('; '));
      return r.Status === 'running' ? r : undefined;
    });
    const s = running.PremigrationAssessmentStatuses![0]!;
    assert.equal(s.Status, 'failed');
    assert.equal(s.AssessmentProgress?.IndividualAssessmentCount, 2);
    assert.equal(s.ResultStatistic?.Failed, 1);
    assert.equal(running.ProvisionData?.ProvisionState, 'provisioned');
    await until('the full load on the target', async () => ((await count(tgtDb2, 'items')) === 100 ? true : undefined));

    await dms.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
    const stopped = await until('stopped', async () => {
      const r = await replicationOf(configArn);
      return r.Status === 'stopped' ? r : undefined;
    });
    assert.equal(stopped.PremigrationAssessmentStatuses?.[0]?.PremigrationAssessmentRunArn, s.PremigrationAssessmentRunArn);
    await dms.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: configArn }));
  });
});
