/**
 * StartMetadataModelExportToTarget: the DDL of the selected converted objects applied to the
 * target database, all or nothing (SchemaDdlAccess.applyDdl); every failing statement is
 * named in the request's error.
 */
import { printDdl } from '../../schema-conversion/index.js';
import { exportSelection } from './export-selection.js';
import { RequestFailure, type RequestWork } from './request-runner.js';
import { withSchemaDdl, type WorkEnv } from './work-env.js';

export function exportTargetWork(env: WorkEnv): RequestWork {
  return async ({ record, project, signal, progress }) => {
    const state = env.models.get(project);
    const selected = exportSelection(project, state, record.input.selectionRules ?? '', 'TARGET');
    const ddl = printDdl(selected);
    progress({ percent: 5, totalObjects: ddl.length, object: { name: selected.schemas[0]?.name, type: 'schema', endpointType: 'TARGET' } });
    const result = await withSchemaDdl(env, project, 'target', signal, (session) => session.applyDdl(ddl.map((s) => s.sql), signal));
    if (result.failures.length > 0) {
      const lines = result.failures.map((f) => {
        const s = ddl[f.index];
        return `statement ${f.index + 1}${s ? ` (${s.objectType} ${s.schema}.${s.name})` : ''}: ${f.message}`;
      });
      throw new RequestFailure(
        `${result.failures.length} of ${ddl.length} statements failed on ${project.target.serverName}, and everything this export created was undone: ${lines.join('; ')}. Fix the objects (or the target) and export again.`,
      );
    }
    return { notes: [`Applied ${result.applied} statements to ${project.target.serverName}.`] };
  };
}
