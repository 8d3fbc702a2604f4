/** Replication records (with their config and the task behind them) -> the AWS Replication shape. */
import type { ProvisionData, Replication } from '../../api/generated/shapes.js';
import { toStats } from '../replication-tasks/task-mapper.js';
import { toPremigrationStatus } from './premigration.js';
import type { ReplicationService, ReplicationView } from './replication-service.js';

const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> => (v === undefined ? {} : ({ [key]: v } as Record<K, V>));
const date = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

export function toReplication(v: ReplicationView, service: ReplicationService, now: Date): Replication {
  const { record: r, config, task } = v;
  const status = service.statusOfRecord(r, task);
  const inRun = r.stage === 'run';
  const stopReason = inRun ? task?.stopReason : r.stopReason;
  const failure = inRun ? task?.lastFailureMessage : r.failureMessage;
  const lastStop = service.lastStopOf(r, task);
  const deprovisionAt = service.deprovisionTimeOf(r, task);
  return {
    ReplicationConfigIdentifier: config.identifier,
    ReplicationConfigArn: config.arn,
    SourceEndpointArn: config.sourceEndpointArn,
    TargetEndpointArn: config.targetEndpointArn,
    ReplicationType: config.replicationType,
    Status: status,
    ...opt('ProvisionData', provisionData(r.stage, status, r.provisioning, r.newProvisioning)),
    ...opt('StopReason', stopReason),
    ...(failure !== undefined ? { FailureMessages: [failure] } : {}),
    ...(task?.stats ? { ReplicationStats: toStats(task.stats, now) } : {}),
    StartReplicationType: r.startType,
    ...opt('CdcStartTime', date(r.cdcStartTime)),
    ...opt('CdcStartPosition', r.cdcStartPosition),
    ...opt('CdcStopPosition', r.cdcStopPosition),
    ...opt('RecoveryCheckpoint', task?.recoveryCheckpoint),
    ReplicationCreateTime: new Date(r.createdAt),
    ReplicationUpdateTime: new Date(r.updatedAt),
    ...opt('ReplicationLastStopTime', date(lastStop)),
    ...opt('ReplicationDeprovisionTime', deprovisionAt),
    ...(v.assessments.length > 0 ? { PremigrationAssessmentStatuses: v.assessments.map(({ assessment, run }) => toPremigrationStatus(assessment, run)) } : {}),
  };
}

function provisionData(stage: string, status: string, p: ReplicationView['record']['provisioning'], next: ReplicationView['record']['newProvisioning']): ProvisionData | undefined {
  if (stage === 'calculating_capacity') return { ProvisionState: 'provisioning', IsNewProvisioningAvailable: false };
  if (!p) return undefined;
  const state = status === 'deprovisioned' ? 'deprovisioned' : stage === 'provisioning_capacity' ? 'provisioning' : 'provisioned';
  return {
    ProvisionState: state,
    ProvisionedCapacityUnits: state === 'deprovisioned' ? 0 : p.units,
    DateProvisioned: new Date(p.dateProvisioned),
    IsNewProvisioningAvailable: next !== undefined,
    ...(next ? { DateNewProvisioningDataAvailable: new Date(next.date), ReasonForNewProvisioningData: next.reason } : {}),
  };
}
