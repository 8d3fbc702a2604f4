/**
 * CdcStartTime, CdcStartPosition and CdcStopPosition of CreateReplicationTask,
 * ModifyReplicationTask and StartReplicationTask: stored as given (change data capture is not
 * built yet), checked for DMS's documented rules and forms.
 */
import { invalidCombination, invalidParameter } from '../../common/errors.js';

export interface CdcInput {
  readonly CdcStartTime?: Date;
  readonly CdcStartPosition?: string;
  readonly CdcStopPosition?: string;
}

export interface CdcPositions {
  readonly cdcStartTime?: string;
  readonly cdcStartPosition?: string;
  readonly cdcStopPosition?: string;
}

const stopRe = /^(server_time|commit_time):\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The positions a request gives (only those it gives), checked. */
export function cdcPositionsOf(input: CdcInput): CdcPositions {
  if (input.CdcStartTime !== undefined && input.CdcStartPosition !== undefined) {
    throw invalidCombination('CdcStartTime and CdcStartPosition cannot both be given: use one of them to say where change data capture starts.');
  }
  if (input.CdcStopPosition !== undefined && !stopRe.test(input.CdcStopPosition)) {
    throw invalidParameter(
      `CdcStopPosition '${input.CdcStopPosition}' is not valid: use server_time:YYYY-MM-DDThh:mm:ss or commit_time:YYYY-MM-DDThh:mm:ss, for example server_time:2018-02-09T12:12:12.`,
    );
  }
  if (input.CdcStartPosition !== undefined && input.CdcStartPosition.trim() === '') {
    throw invalidParameter('CdcStartPosition is empty: give a date, a checkpoint (checkpoint:V1#...) or a native position (an LSN, a binlog file:position).');
  }
  return {
    ...(input.CdcStartTime !== undefined ? { cdcStartTime: input.CdcStartTime.toISOString() } : {}),
    ...(input.CdcStartPosition !== undefined ? { cdcStartPosition: input.CdcStartPosition } : {}),
    ...(input.CdcStopPosition !== undefined ? { cdcStopPosition: input.CdcStopPosition } : {}),
  };
}

export const givesCdcPosition = (p: CdcPositions): boolean =>
  p.cdcStartTime !== undefined || p.cdcStartPosition !== undefined || p.cdcStopPosition !== undefined;
