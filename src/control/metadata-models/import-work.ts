/**
 * StartMetadataModelImport: reads the DDL of the schemas the rules name from the source (or,
 * with Origin TARGET, the target) database, parses it, keeps what the rules select and
 * merges it into the project's model of that side. Refresh=false keeps the objects already
 * imported as they are; Refresh=true replaces them and drops the selected objects the
 * database no longer has.
 */
import { mergeModel, parseDdl, parseSelectionRules, selectModel, selectsObject } from '../../schema-conversion/index.js';
import { connectionOf, databaseFailure, nothingSelected, withSchemaDdl, type WorkEnv } from './work-env.js';
import { countObjects } from './model-objects.js';
import { RequestFailure, type RequestWork } from './request-runner.js';
import { schemasNamed } from './rule-locators.js';

export function importWork(env: WorkEnv): RequestWork {
  return async ({ record, project, signal, progress }) => {
    const side = record.input.origin === 'TARGET' ? 'target' : 'source';
    const endpointType = record.input.origin === 'TARGET' ? 'TARGET' : 'SOURCE';
    const provider = project[side];
    const rules = parseSelectionRules(record.input.selectionRules ?? '', 'SelectionRules');
    const c = connectionOf(env, project, side);
    let available: string[];
    try {
      available = await c.connector.listSchemas(c.params, signal);
    } catch (err) {
      throw databaseFailure(err, signal, `Cannot read the schemas of the ${side} data provider ${provider.name} (${provider.serverName})`);
    }
    const schemas = schemasNamed(rules, provider.serverName, available);
    if (schemas.length === 0) {
      throw new RequestFailure(`${nothingSelected} No schema of ${provider.serverName} matches them (server-name must be the data provider's ServerName '${provider.serverName}'; its schemas: ${available.join(', ') || 'none'}).`);
    }
    progress({ percent: 10, object: { name: schemas[0]!, type: 'schema', endpointType } });
    const dump = await withSchemaDdl(env, project, side, signal, (ddl) => ddl.dumpSchemaDdl(schemas, signal));
    progress({ percent: 60, totalObjects: dump.statements.length, object: { name: schemas[schemas.length - 1]!, type: 'schema', endpointType } });
    const parsed = parseDdl(dump.dialect, dump.statements);
    const selected = selectModel(parsed.model, rules, provider.serverName);
    const total = countObjects(selected);
    const problems = [
      ...dump.problems.map((p) => `${p.object}: ${p.message}`),
      ...parsed.problems.map((p) => `${p.message} (statement: ${p.statement.slice(0, 120)})`),
    ];
    if (total === 0 && selected.schemas.length === 0) {
      throw new RequestFailure(problems.length ? `${nothingSelected} Problems while reading ${schemas.join(', ')}: ${problems.join('; ')}` : nothingSelected);
    }
    progress({ percent: 90, totalObjects: total, object: { endpointType } });
    return {
      notes: [`Imported ${total} objects of ${selected.schemas.map((s) => s.name).join(', ')} from ${provider.serverName}.`, ...problems],
      commit: () =>
        env.models.update(project, (cur) => {
          const stored = cur[side];
          const merged =
            !stored || stored.dialect !== selected.dialect
              ? selected
              : record.input.refresh
                ? mergeModel(stored, selected, { scope: (ref) => selectsObject(rules, provider.serverName, ref) })
                : mergeModel(selected, stored);
          const version = side === 'source' ? { sourceVersion: dump.serverVersion } : { targetVersion: dump.serverVersion };
          return { ...cur, [side]: merged, ...version };
        }),
    };
  };
}
