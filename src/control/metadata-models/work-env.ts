/** What the request works share: the project seam, the models, the object store, and how they reach a database. */
import { ConnectorError, type SchemaDdlAccess } from '../../connectors/spi/index.js';
import { messageOf } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ProjectContext, ProjectView } from '../migration-projects/project-context.js';
import type { ProjectModels } from './project-models.js';
import { RequestFailure } from './request-runner.js';

export interface WorkEnv {
  readonly projects: ProjectContext;
  readonly models: ProjectModels;
  readonly objects: ObjectStore;
  readonly log: Logger;
}

/** DMS's own words for a selection that holds nothing. */
export const nothingSelected = 'No objects were found according to the specified selection rules. Please review your selection rules and try again.';

/** The connection to one side of the project, or a RequestFailure saying why there is none. */
export function connectionOf(env: WorkEnv, project: ProjectView, side: 'source' | 'target') {
  const c = env.projects.connection(project, side);
  if (!c.ok) throw new RequestFailure(c.message);
  return c;
}

/** A connector error in the words the user can act on; the signal's reason when aborted. */
export function databaseFailure(err: unknown, signal: AbortSignal, what: string): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ConnectorError) return new RequestFailure(`${what}: ${err.explanation}`, { cause: err });
  if (err instanceof RequestFailure) return err;
  return new RequestFailure(`${what}: ${messageOf(err)}`, { cause: err });
}

/** Runs `use` with a schema-DDL session on one side of the project, closed afterwards. */
export async function withSchemaDdl<T>(env: WorkEnv, project: ProjectView, side: 'source' | 'target', signal: AbortSignal, use: (ddl: SchemaDdlAccess) => Promise<T>): Promise<T> {
  const c = connectionOf(env, project, side);
  const provider = project[side];
  let ddl: SchemaDdlAccess;
  try {
    ddl = await c.connector.openSchemaDdl(c.params, signal);
  } catch (err) {
    throw databaseFailure(err, signal, `Cannot connect to the ${side} data provider ${provider.name} (${provider.serverName})`);
  }
  try {
    return await use(ddl);
  } catch (err) {
    throw databaseFailure(err, signal, `The ${side} data provider ${provider.name} (${provider.serverName}) failed`);
  } finally {
    await ddl.close().catch((err: unknown) => env.log.warn('closing a schema DDL session failed', { error: messageOf(err) }));
  }
}
