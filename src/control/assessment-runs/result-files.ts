/**
 * The files of an assessment run in its result location, under
 * `<ResultLocationBucket>/<ResultLocationFolder>/<AssessmentRunName>/`:
 * - `<individual-assessment-name>.json`: each assessment's result (status, summary, advice,
 *   findings, times), as the DMS user guide names them;
 * - `report.md`: the whole run for people to read;
 * - `summary.json`: the run (ARN, name, task, status, times, statistics) and per assessment its
 *   name, status and summary, plus DMS's own `summary` layout (results grouped by status).
 * summary.json is written last, so once it exists every other file does too. Each object is
 * written with the run's encryption (ResultEncryptionMode / ResultKmsKeyArn).
 */
import { renderReport, type IndividualResult } from '../../assessment/index.js';
import type { ObjectStore, PutOptions, S3Location, StoredObject } from '../../storage/object-store.js';
import { resultStatistic } from './run-mapper.js';
import type { AssessmentRunRecord, RunStatus } from './record.js';

export interface RunOutcome {
  readonly run: AssessmentRunRecord;
  readonly taskIdentifier: string;
  readonly status: RunStatus;
  readonly finishedAt: string;
  readonly results: readonly IndividualResult[];
}

export interface WrittenResults {
  readonly summary: StoredObject;
  /** Per individual assessment name, its JSON file. */
  readonly files: ReadonlyMap<string, StoredObject>;
}

export const resultLocation = (run: Pick<AssessmentRunRecord, 'bucket' | 'prefix'>): S3Location => ({ bucket: run.bucket, prefix: run.prefix });

export async function writeResults(objects: ObjectStore, o: RunOutcome, signal: AbortSignal): Promise<WrittenResults> {
  const { run } = o;
  const location = resultLocation(run);
  const encryption = run.encryptionMode ? { mode: run.encryptionMode, ...(run.kmsKeyArn ? { kmsKeyArn: run.kmsKeyArn } : {}) } : undefined;
  const put = (name: string, body: string, contentType: string): Promise<StoredObject> => {
    signal.throwIfAborted();
    const opts: PutOptions = { contentType, ...(encryption ? { encryption } : {}) };
    return objects.put(location, name, body, opts);
  };
  const files = new Map<string, StoredObject>();
  for (const r of o.results) files.set(r.name, await put(`${r.name}.json`, `${JSON.stringify(r, null, 2)}\n`, 'application/json'));
  const startedAt = run.startedAt ?? run.createdAt;
  await put('report.md', renderReport({ runName: run.name, runArn: run.arn, taskIdentifier: o.taskIdentifier, status: o.status, startedAt }, o.results), 'text/markdown; charset=utf-8');
  const summary = await put('summary.json', `${JSON.stringify(summaryOf(o), null, 2)}\n`, 'application/json');
  return { summary, files };
}

/** The summary.json document. */
export function summaryOf(o: RunOutcome): Record<string, unknown> {
  const { run } = o;
  const byName = new Map(o.results.map((r) => [r.name, r]));
  // Every individual assessment of the run appears, also one the runner never reported.
  const assessments = run.individuals.map((i) => {
    const r = byName.get(i.name);
    return {
      name: i.name,
      status: r?.status ?? i.status,
      summary: r?.summary ?? i.summary ?? '',
      ...(r?.advice ? { advice: r.advice } : {}),
      ...(r ? { 'started-at': r.startedAt, 'finished-at': r.finishedAt } : {}),
      file: `${i.name}.json`,
    };
  });
  const stats = resultStatistic(assessments.map((a) => ({ arn: '', name: a.name, status: a.status })));
  const grouped = (status: string) =>
    assessments
      .filter((a) => a.status === status)
      .map((a) => ({ 'test-name': a.name, 'test-result': a.status, 'test-result-details': a.summary }));
  return {
    version: 'opendms-1',
    'assessment-run-arn': run.arn,
    'assessment-run-name': run.name,
    'replication-task-arn': run.taskArn,
    'replication-task-identifier': o.taskIdentifier,
    'overall-test-result': o.status,
    'created-at': run.createdAt,
    'started-at': run.startedAt ?? run.createdAt,
    'finished-at': o.finishedAt,
    statistics: {
      count: assessments.length,
      passed: stats.Passed,
      failed: stats.Failed,
      error: stats.Error,
      warning: stats.Warning,
      cancelled: stats.Cancelled,
      skipped: stats.Skipped,
    },
    assessments,
    summary: {
      passed: grouped('passed'),
      failed: grouped('failed'),
      error: grouped('error'),
      warning: grouped('warning'),
      cancelled: grouped('cancelled'),
      skipped: grouped('skipped'),
    },
  };
}
