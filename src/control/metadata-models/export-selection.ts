/**
 * The objects an export takes: the project's target model (or, for an export as script with
 * Origin SOURCE, its source model) as the rules select it. Rules written for the source
 * server are accepted for the target too: they are first turned into target rules through
 * the conversion report, as GetTargetSelectionRules does.
 */
import {
  parseSelectionRules,
  selectModel,
  targetSelectionRules,
  type SchemaModel,
} from '../../schema-conversion/index.js';
import type { ProjectView } from '../migration-projects/project-context.js';
import { countObjects } from './model-objects.js';
import type { ProjectModelsRecord } from './record.js';
import { RequestFailure } from './request-runner.js';
import { nothingSelected } from './work-env.js';

export function exportSelection(project: ProjectView, state: ProjectModelsRecord, rulesJson: string, origin: 'SOURCE' | 'TARGET'): SchemaModel {
  const rules = parseSelectionRules(rulesJson, 'SelectionRules');
  if (origin === 'SOURCE') {
    if (!state.source) throw new RequestFailure(`Nothing was imported from the source data provider ${project.source.name} yet: run StartMetadataModelImport with Origin SOURCE first.`);
    const selected = selectModel(state.source, rules, project.source.serverName);
    if (countObjects(selected) === 0) throw new RequestFailure(`${nothingSelected} (The rules' server-name must be the source's ServerName '${project.source.serverName}'.)`);
    return selected;
  }
  if (!state.target) throw new RequestFailure(`The migration project ${project.name} has no converted objects yet: run StartMetadataModelConversion first.`);
  let selected = selectModel(state.target, rules, project.target.serverName);
  if (countObjects(selected) === 0 && state.conversionReport.length > 0) {
    const translated = parseSelectionRules(targetSelectionRules(rules, state.conversionReport, project.source.serverName, project.target.serverName), 'SelectionRules');
    selected = selectModel(state.target, translated, project.target.serverName);
  }
  if (countObjects(selected) === 0) {
    throw new RequestFailure(`${nothingSelected} (Name the target's ServerName '${project.target.serverName}' and the converted names, or the source's '${project.source.serverName}' and the source names of converted objects.)`);
  }
  return selected;
}
