/** What the DMS Serverless replication API tests share. */
import assert from 'node:assert/strict';
import { DescribeReplicationsCommand, type DatabaseMigrationServiceClient, type Replication } from '@aws-sdk/client-database-migration-service';

/** The replication of a config, through DescribeReplications filtered by the config's ARN. */
export async function describeReplication(client: DatabaseMigrationServiceClient, configArn: string): Promise<Replication> {
  const out = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [configArn] }] }));
  assert.equal(out.Replications?.length, 1);
  return out.Replications[0]!;
}
