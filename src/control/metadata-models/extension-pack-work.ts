/**
 * StartExtensionPackAssociation. DMS installs an extension pack (a schema of helper functions
 * emulating source features) that its converted code calls. OpenDMS's converter emits only
 * built-in SQL of the target engine and reports what it cannot express as manual work, so it
 * has no extension pack to install. What this request really does: it connects to the target
 * with the project's credentials and runs a query, so a SUCCESS means the target is reachable
 * and usable, and a FAILED says why (as DMS's own association fails on bad credentials).
 */
import type { RequestWork } from './request-runner.js';
import { connectionOf, databaseFailure, type WorkEnv } from './work-env.js';

export function extensionPackWork(env: WorkEnv): RequestWork {
  return async ({ project, signal, progress }) => {
    const c = connectionOf(env, project, 'target');
    progress({ percent: 10, object: { endpointType: 'TARGET' } });
    try {
      await c.connector.testConnection(c.params, signal);
    } catch (err) {
      throw databaseFailure(err, signal, `Cannot connect to the target data provider ${project.target.name} (${project.target.serverName})`);
    }
    signal.throwIfAborted();
    return {
      notes: [
        `Connected to ${project.target.serverName} (${project.target.engine}). OpenDMS's converted code uses only built-in features of the target engine, so no extension pack schema is needed and none was installed.`,
      ],
    };
  };
}
