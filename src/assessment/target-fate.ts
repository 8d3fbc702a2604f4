/**
 * What the task will do with a target table, which decides whether the target's own
 * definition matters to a check (a table the task keeps) or the plan's (a table the task
 * creates from the source's definition, with its primary key only).
 */
import { performsFullLoad } from './engines.js';
import { settingsOf } from './task-settings.js';
import type { AssessmentSubject } from './types.js';

/**
 * - `kept`: the table exists and the task loads into it as it is (DO_NOTHING,
 *   TRUNCATE_BEFORE_LOAD, or a cdc task, which never prepares tables);
 * - `recreated`: it exists and the full load drops and creates it (DROP_AND_CREATE);
 * - `created`: it does not exist and the full load creates it;
 * - `missing`: it does not exist and nothing creates it (a cdc task expects its tables on
 *   the target, as in DMS).
 */
export type TargetFate = 'kept' | 'recreated' | 'created' | 'missing';

export function targetFateOf(subject: AssessmentSubject, exists: boolean): TargetFate {
  const loads = performsFullLoad(subject.migrationType);
  if (!exists) return loads ? 'created' : 'missing';
  return loads && settingsOf(subject).targetTablePrepMode === 'DROP_AND_CREATE' ? 'recreated' : 'kept';
}
