/**
 * ReplicationSettings and TableMappings of a replication config are the documents of a
 * replication task (the same schema, defaults and merge; the same mapping parser), so they are
 * checked by the task functions themselves. Only the messages change: they name the config's
 * members (ReplicationSettings, TableMappings) instead of the task's.
 */
import { ApiError } from '../../common/errors.js';
import { checkTableMappings } from '../replication-tasks/task-mappings.js';
import { settingsForCreate, settingsForModify } from '../replication-tasks/task-settings.js';

type Doc = Record<string, unknown>;

/** Runs a task check and names `member` at the start of its message. */
function naming<T>(member: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ApiError) {
      const detail = err.message.replace(/^ReplicationTaskSettings: /, '');
      throw new ApiError(err.code, `${member}: ${detail}`, err.httpStatus, { cause: err });
    }
    throw err;
  }
}

/** The settings of a new config: the task defaults with `json` merged over them. */
export const settingsOnCreate = (json: string | undefined): Doc => naming('ReplicationSettings', () => settingsForCreate(json));

/** The settings after ModifyReplicationConfig: `json` merged over the current ones. */
export const settingsOnModify = (current: Doc, json: string): Doc => naming('ReplicationSettings', () => settingsForModify(current, json));

export const checkedTableMappings = (json: string): string => naming('TableMappings', () => checkTableMappings(json));
