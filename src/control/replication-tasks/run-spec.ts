/**
 * What a run needs, resolved from the records inside StartReplicationTask's transaction: the
 * connection values of both endpoints (through the same endpoint-target code as connection
 * tests), the engine settings and the tables a resumed full load must not load again.
 */
import type { Connectors } from '../../connectors/registry.js';
import { ApiError, invalidParameter } from '../../common/errors.js';
import type { EndpointSpec, StartType, TaskRunSpec } from '../../engine/ports.js';
import { endpointTarget } from '../connections/endpoint-target.js';
import type { EndpointRecord } from '../endpoints/record.js';
import type { Repositories } from '../repositories.js';
import type { TaskRecord, TableStatsRecord } from './record.js';
import { toEngineSettings } from './task-settings.js';
import type { CdcPositions } from './cdc-positions.js';

/** The engines the full-load engine migrates between for now. */
export const taskEngines: readonly string[] = ['postgres', 'aurora-postgresql', 'mysql', 'mariadb', 'aurora'];

/** A feature OpenDMS has not built yet: 501, never a fake success. */
export const notYet = (message: string): ApiError => new ApiError('NotImplementedException', message, 501);

export function endpointSpecOf(repos: Repositories, connectors: Connectors, e: EndpointRecord, role: 'source' | 'target'): EndpointSpec {
  if (!taskEngines.includes(e.engineName)) {
    throw notYet(
      `Replication tasks with a ${e.engineName} ${role} endpoint (${e.identifier}) are not supported by OpenDMS yet: tasks migrate between ${taskEngines.join(', ')}. The task was kept; it can start once its engine is supported.`,
    );
  }
  const target = endpointTarget(repos, connectors, e, 'Replication tasks');
  if (!target.ok) throw invalidParameter(`The ${role} endpoint ${e.identifier} cannot be used: ${target.message}`);
  return { engineName: e.engineName, params: target.params };
}

export function runSpecOf(
  t: TaskRecord,
  runId: number,
  startType: StartType,
  endpoints: { source: EndpointSpec; target: EndpointSpec },
  previousTables: readonly TableStatsRecord[],
  /** CdcStartTime / CdcStartPosition / CdcStopPosition of the StartReplicationTask request (they win over the task's). */
  requested: CdcPositions = {},
): TaskRunSpec {
  const startPosition = requested.cdcStartPosition ?? (requested.cdcStartTime ? undefined : t.cdcStartPosition);
  const startTime = requested.cdcStartTime ?? (requested.cdcStartPosition ? undefined : t.cdcStartTime);
  const stopPosition = requested.cdcStopPosition ?? t.cdcStopPosition;
  return {
    taskArn: t.arn,
    taskIdentifier: t.identifier,
    runId,
    migrationType: t.migrationType,
    startType,
    source: endpoints.source,
    target: endpoints.target,
    tableMappings: t.tableMappings,
    settings: toEngineSettings(t.settings),
    // resume-processing skips what an earlier run completed; the other start types load everything.
    completedTables:
      startType === 'resume-processing' ? previousTables.filter((s) => s.state === 'Table completed').map((s) => ({ schema: s.schemaName, name: s.tableName })) : [],
    ...(t.migrationType !== 'full-load'
      ? {
          cdc: {
            // A position the user gives for this start wins over the checkpoint.
            ...(t.recoveryCheckpoint && !requested.cdcStartPosition && !requested.cdcStartTime ? { checkpoint: t.recoveryCheckpoint } : {}),
            ...(startPosition ? { startPosition } : {}),
            ...(startTime ? { startTime } : {}),
            ...(stopPosition ? { stopPosition } : {}),
          },
        }
      : {}),
  };
}
