/** Assessment run records -> AWS shapes (ReplicationTaskAssessmentRun, ReplicationTaskIndividualAssessment). */
import type {
  ReplicationTaskAssessmentRun,
  ReplicationTaskAssessmentRunResultStatistic,
  ReplicationTaskIndividualAssessment,
} from '../../api/generated/shapes.js';
import { finishedIndividual, type AssessmentRunRecord, type IndividualRecord } from './record.js';

const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> => (v === undefined ? {} : ({ [key]: v } as Record<K, V>));

/** How many individual assessments ended in each status; the six numbers sum to the count once the run ended. */
export function resultStatistic(individuals: readonly IndividualRecord[]): Required<ReplicationTaskAssessmentRunResultStatistic> {
  const n = (s: string) => individuals.filter((i) => i.status === s).length;
  return { Passed: n('passed'), Failed: n('failed'), Error: n('error'), Warning: n('warning'), Cancelled: n('cancelled'), Skipped: n('skipped') };
}

export function toAssessmentRun(r: AssessmentRunRecord, isLatest: boolean): ReplicationTaskAssessmentRun {
  return {
    ReplicationTaskAssessmentRunArn: r.arn,
    ReplicationTaskArn: r.taskArn,
    Status: r.status,
    ReplicationTaskAssessmentRunCreationDate: new Date(r.createdAt),
    AssessmentProgress: {
      IndividualAssessmentCount: r.individuals.length,
      IndividualAssessmentCompletedCount: r.individuals.filter((i) => finishedIndividual(i.status)).length,
    },
    ...opt('LastFailureMessage', r.lastFailureMessage),
    ServiceAccessRoleArn: r.serviceAccessRoleArn,
    ResultLocationBucket: r.bucket,
    ...opt('ResultLocationFolder', r.folder),
    ...opt('ResultEncryptionMode', r.encryptionMode),
    ...opt('ResultKmsKeyArn', r.kmsKeyArn),
    AssessmentRunName: r.name,
    IsLatestTaskAssessmentRun: isLatest,
    ResultStatistic: resultStatistic(r.individuals),
  };
}

export function toIndividualAssessment(r: AssessmentRunRecord, i: IndividualRecord): ReplicationTaskIndividualAssessment {
  return {
    ReplicationTaskIndividualAssessmentArn: i.arn,
    ReplicationTaskAssessmentRunArn: r.arn,
    IndividualAssessmentName: i.name,
    Status: i.status,
    ...opt('ReplicationTaskIndividualAssessmentStartDate', i.startedAt === undefined ? undefined : new Date(i.startedAt)),
  };
}
