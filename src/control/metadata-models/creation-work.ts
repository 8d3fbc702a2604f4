/**
 * StartMetadataModelCreation: a statement metadata model, the SQL of
 * Properties.StatementProperties.Definition placed under the source schema the rules name
 * with MetadataModelName. A later conversion of that schema translates it (translateSql).
 */
import { parseSelectionRules } from '../../schema-conversion/index.js';
import { splitStatements } from '../../schema-conversion/sql/tokenizer.js';
import { RequestFailure, type RequestWork } from './request-runner.js';
import { creationSchema } from './rule-locators.js';
import type { WorkEnv } from './work-env.js';

export function creationWork(env: WorkEnv): RequestWork {
  return async ({ record, project, signal, progress }) => {
    const rules = parseSelectionRules(record.input.selectionRules ?? '', 'SelectionRules');
    const placed = creationSchema(rules);
    if ('error' in placed) throw new RequestFailure(placed.error);
    const name = record.input.metadataModelName ?? '';
    const state = env.models.get(project);
    const schema = state.source?.schemas.find((s) => s.name === placed.schema);
    if (!state.source || !schema) {
      throw new RequestFailure(`The schema ${placed.schema} is not in the project's source metadata model: import it with StartMetadataModelImport (Origin SOURCE) first.`);
    }
    const statements = splitStatements(record.input.definition ?? '', state.source.dialect);
    if (statements.length !== 1) {
      throw new RequestFailure(`Properties.StatementProperties.Definition must hold exactly one SQL statement; it holds ${statements.length}. Create one metadata model per statement.`);
    }
    progress({ percent: 50, totalObjects: 1, object: { name, type: 'statement', endpointType: 'SOURCE' } });
    signal.throwIfAborted();
    return {
      notes: [`Created the statement ${placed.schema}.${name}.`],
      commit: () =>
        env.models.update(project, (cur) => ({
          ...cur,
          statements: [...cur.statements.filter((s) => !(s.schema === placed.schema && s.name === name)), { schema: placed.schema, name, definition: statements[0]! }],
        })),
    };
  };
}
