/**
 * StartMetadataModelAssessment and StartMetadataModelConversion: the selected source objects
 * (and the statement models under selected schemas) converted in a worker thread with the
 * project's transformation rules. An assessment stores only its report; a conversion also
 * merges the converted objects into the project's target model.
 */
import { conversionSettingsOf } from '../migration-projects/conversion-configuration.js';
import { mergeModel, otherDialect, parseSelectionRules, selectModel } from '../../schema-conversion/index.js';
import { runConversionInThread } from './conversion-thread.js';
import { countObjects, mergeReport } from './model-objects.js';
import { dialectOfEngine, type ConvertedStatement } from './record.js';
import { RequestFailure, type RequestWork } from './request-runner.js';
import { selectsStatements } from './rule-locators.js';
import { nothingSelected, type WorkEnv } from './work-env.js';

export function conversionWork(env: WorkEnv, kind: 'assessment' | 'conversion'): RequestWork {
  return async ({ record, project, signal, progress }) => {
    const state = env.models.get(project);
    const server = project.source.serverName;
    if (!state.source) {
      throw new RequestFailure(`Nothing was imported from the source data provider ${project.source.name} yet: run StartMetadataModelImport with Origin SOURCE first.`);
    }
    const targetDialect = dialectOfEngine(project.target.engine);
    if (targetDialect !== otherDialect(state.source.dialect)) {
      throw new RequestFailure(
        `OpenDMS converts MySQL/MariaDB schemas to PostgreSQL and back; the target data provider ${project.target.name} has engine ${project.target.engine}. Use a ${otherDialect(state.source.dialect) === 'postgres' ? 'postgres or aurora-postgresql' : 'mysql, mariadb or aurora'} target.`,
      );
    }
    const rules = parseSelectionRules(record.input.selectionRules ?? '', 'SelectionRules');
    const selected = selectModel(state.source, rules, server);
    const statements = state.statements.filter((s) => selected.schemas.some((x) => x.name === s.schema) && selectsStatements(rules, server, s.schema));
    const total = countObjects(selected) + statements.length;
    if (total === 0) throw new RequestFailure(`${nothingSelected} (The rules' server-name must be the source's ServerName '${server}'.)`);
    progress({ percent: 0, totalObjects: total, object: { name: selected.schemas[0]?.name, type: 'schema', endpointType: 'SOURCE' } });
    // The project's ConversionConfiguration names the target version to convert for; without
    // it, the version read when the target was imported (Origin TARGET), if any.
    const targetVersion = conversionSettingsOf(project.conversionConfiguration).targetVersion ?? state.targetVersion;
    const result = await runConversionInThread(
      {
        source: selected,
        statements,
        targetEngine: project.target.engine,
        ...(targetVersion !== undefined ? { targetVersion } : {}),
        ...(project.transformationRules ? { transformationRules: project.transformationRules } : {}),
      },
      signal,
    );
    const report = result.conversion.report;
    const manual = report.filter((r) => r.status === 'manual').length;
    const warned = report.filter((r) => r.status === 'converted-with-warnings').length;
    const notes = [`${kind === 'assessment' ? 'Assessed' : 'Converted'} ${total} objects: ${manual} report lines need manual work, ${warned} converted with warnings.`];
    if (kind === 'assessment') {
      return { notes, commit: () => env.models.update(project, (cur) => ({ ...cur, assessmentReport: mergeReport(cur.assessmentReport, report) })) };
    }
    return {
      notes,
      commit: () =>
        env.models.update(project, (cur) => ({
          ...cur,
          target: cur.target && cur.target.dialect === result.conversion.model.dialect ? mergeModel(cur.target, result.conversion.model) : result.conversion.model,
          conversionReport: mergeReport(cur.conversionReport, report),
          // A conversion assesses what it converts, so the assessment report follows it.
          assessmentReport: mergeReport(cur.assessmentReport, report),
          convertedStatements: mergeStatements(cur.convertedStatements, result.statements),
        })),
    };
  };
}

function mergeStatements(base: readonly ConvertedStatement[], update: readonly ConvertedStatement[]): ConvertedStatement[] {
  const key = (s: ConvertedStatement): string => `${s.sourceSchema}\u0000${s.name}`;
  const replaced = new Set(update.map(key));
  return [...base.filter((s) => !replaced.has(key(s))), ...update];
}
