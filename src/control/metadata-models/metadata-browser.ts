/**
 * The synchronous calls on a project's metadata models: DescribeMetadataModel,
 * DescribeMetadataModelChildren, GetTargetSelectionRules and ExportMetadataModelAssessment.
 */
import type { Scope } from '../../api/dispatch.js';
import { invalidParameter } from '../../common/errors.js';
import {
  describeNode,
  listChildren,
  parseSelectionRules,
  renderAssessmentCsv,
  renderAssessmentPdf,
  selectModel,
  targetSelectionRules,
  type MetadataNode,
  type MetadataNodeRef,
  type ReportMeta,
  type SchemaModel,
} from '../../schema-conversion/index.js';
import type { ObjectStore, StoredObject } from '../../storage/object-store.js';
import type { Clock } from '../../common/clock.js';
import type { ProjectContext, ProjectView } from '../migration-projects/project-context.js';
import { invalidState, notFound } from '../shared/faults.js';
import { ResourceNotFoundFault } from '../../api/generated/errors.js';
import { reportFor } from './model-objects.js';
import type { Origin } from './record.js';
import type { ProjectModels } from './project-models.js';

export interface DescribedModel {
  readonly node: MetadataNode;
  readonly targets: readonly MetadataNodeRef[];
}

export class MetadataBrowser {
  constructor(
    private readonly projects: ProjectContext,
    private readonly models: ProjectModels,
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
  ) {}

  describe(scope: Scope, projectId: string, rulesJson: string, origin: Origin): DescribedModel {
    const project = this.projects.project(scope, projectId);
    const rules = parseSelectionRules(rulesJson, 'SelectionRules');
    const state = this.models.get(project);
    const { model, server } = this.side(project, origin, state[origin === 'SOURCE' ? 'source' : 'target']);
    const node = describeNode(model, rules, server);
    if (!node) throw new ResourceNotFoundFault(`The ${origin.toLowerCase()} metadata model of ${project.name} holds no object the SelectionRules locate on ${server}. Browse the tree with DescribeMetadataModelChildren, or import the object first.`);
    const targets: MetadataNodeRef[] = [];
    if (origin === 'SOURCE' && state.target && state.conversionReport.length > 0 && node.type !== 'server') {
      const targetRules = targetSelectionRules(rules, state.conversionReport, server, project.target.serverName);
      const converted = describeNode(state.target, parseSelectionRules(targetRules, 'TargetSelectionRules'), project.target.serverName);
      if (converted) targets.push({ name: converted.name, selectionRules: targetRules });
    }
    return { node, targets };
  }

  children(scope: Scope, projectId: string, rulesJson: string, origin: Origin): MetadataNodeRef[] {
    const project = this.projects.project(scope, projectId);
    const rules = parseSelectionRules(rulesJson, 'SelectionRules');
    const state = this.models.get(project);
    const { model, server } = this.side(project, origin, state[origin === 'SOURCE' ? 'source' : 'target']);
    if (!describeNode(model, rules, server)) {
      throw new ResourceNotFoundFault(`The ${origin.toLowerCase()} metadata model of ${project.name} holds no node the SelectionRules locate on ${server}; start from {"server-name": "${server}"}.`);
    }
    return listChildren(model, rules, server);
  }

  targetRules(scope: Scope, projectId: string, rulesJson: string): string {
    const project = this.projects.project(scope, projectId);
    const rules = parseSelectionRules(rulesJson, 'SelectionRules');
    const state = this.models.get(project);
    if (state.conversionReport.length === 0) {
      throw invalidState(`The migration project ${project.name} has converted nothing yet, so there are no target names: run StartMetadataModelConversion first.`);
    }
    return targetSelectionRules(rules, state.conversionReport, project.source.serverName, project.target.serverName);
  }

  async exportAssessment(
    scope: Scope,
    input: { readonly projectId: string; readonly selectionRules: string; readonly fileName?: string; readonly types?: readonly string[] },
  ): Promise<{ pdf?: StoredObject; csv?: StoredObject }> {
    const project = this.projects.project(scope, input.projectId);
    const rules = parseSelectionRules(input.selectionRules, 'SelectionRules');
    if (!project.s3) {
      throw invalidParameter(`The migration project ${project.name} has no S3 location for its reports: set SchemaConversionApplicationAttributes.S3BucketPath with ModifyMigrationProject, then export again.`);
    }
    const state = this.models.get(project);
    if (!state.source) throw notFound('A source metadata model of migration project', `${project.name} (run StartMetadataModelImport first)`);
    const selected = selectModel(state.source, rules, project.source.serverName);
    const lines = reportFor(state.assessmentReport, selected);
    if (lines.length === 0) {
      throw new ResourceNotFoundFault(`No assessment of the selected objects of ${project.name} exists: run StartMetadataModelAssessment with these SelectionRules first (server-name '${project.source.serverName}').`);
    }
    const meta: ReportMeta = { projectName: project.name, sourceEngine: project.source.engine, targetEngine: project.target.engine, generatedAt: this.clock.now() };
    const base = (input.fileName?.trim() || `${project.name}-assessment-${meta.generatedAt.toISOString().replace(/[:.]/g, '-')}`).replace(/\.(pdf|zip|csv)$/i, '');
    const types = input.types?.length ? input.types : ['pdf', 'csv'];
    const out: { pdf?: StoredObject; csv?: StoredObject } = {};
    if (types.includes('pdf')) out.pdf = await this.objects.put(project.s3, `${base}.pdf`, renderAssessmentPdf(lines, meta));
    if (types.includes('csv')) out.csv = await this.objects.put(project.s3, `${base}.zip`, renderAssessmentCsv(lines, meta));
    return out;
  }

  private side(project: ProjectView, origin: Origin, model: SchemaModel | undefined): { model: SchemaModel; server: string } {
    const provider = origin === 'SOURCE' ? project.source : project.target;
    if (!model) {
      throw new ResourceNotFoundFault(
        origin === 'SOURCE'
          ? `Nothing was imported from the source data provider ${provider.name} of ${project.name} yet: run StartMetadataModelImport with Origin SOURCE first.`
          : `The migration project ${project.name} has no target metadata model yet: run StartMetadataModelConversion (or StartMetadataModelImport with Origin TARGET) first.`,
      );
    }
    return { model, server: provider.serverName };
  }
}
