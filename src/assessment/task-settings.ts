/**
 * The task settings the checks act on, read from the merged ReplicationTaskSettings document
 * (the control plane merges DMS's defaults in; a missing member here means DMS's default).
 */
import type { AssessmentSubject } from './types.js';

export type TargetTablePrepMode = 'DO_NOTHING' | 'TRUNCATE_BEFORE_LOAD' | 'DROP_AND_CREATE';

export interface AssessedSettings {
  /** TargetMetadata.TargetSchema, trimmed; '' = the source schema. */
  readonly targetSchema: string;
  readonly supportLobs: boolean;
  readonly fullLobMode: boolean;
  readonly limitedSizeLobMode: boolean;
  readonly targetTablePrepMode: TargetTablePrepMode;
  readonly batchApplyEnabled: boolean;
  /** OpenDmsSettings.CreateSecondaryObjectsAfterFullLoad: OpenDMS creates indexes, unique constraints, foreign keys and identities after the full load. */
  readonly createSecondaryObjects: boolean;
}

type Doc = Record<string, unknown>;

const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const groupOf = (doc: Doc, name: string): Doc => (isDoc(doc[name]) ? doc[name] : {});
const prepModes: readonly TargetTablePrepMode[] = ['DO_NOTHING', 'TRUNCATE_BEFORE_LOAD', 'DROP_AND_CREATE'];

export function settingsOf(subject: AssessmentSubject): AssessedSettings {
  const target = groupOf(subject.taskSettings, 'TargetMetadata');
  const fullLoad = groupOf(subject.taskSettings, 'FullLoadSettings');
  const openDms = groupOf(subject.taskSettings, 'OpenDmsSettings');
  const mode = fullLoad.TargetTablePrepMode;
  return {
    targetSchema: typeof target.TargetSchema === 'string' ? target.TargetSchema.trim() : '',
    supportLobs: target.SupportLobs !== false,
    fullLobMode: target.FullLobMode === true,
    limitedSizeLobMode: target.LimitedSizeLobMode !== false,
    targetTablePrepMode: prepModes.includes(mode as TargetTablePrepMode) ? (mode as TargetTablePrepMode) : 'DROP_AND_CREATE',
    batchApplyEnabled: target.BatchApplyEnabled === true,
    createSecondaryObjects: openDms.CreateSecondaryObjectsAfterFullLoad === true,
  };
}
