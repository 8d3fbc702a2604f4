/** Thin handlers of the metadata-model operations: AWS input -> requests/browser -> AWS output. */
import type { HandlerTable, Scope } from '../../api/dispatch.js';
import { invalidParameter } from '../../common/errors.js';
import { parseSelectionRules } from '../../schema-conversion/index.js';
import type { ProjectContext } from '../migration-projects/project-context.js';
import { applyFilters, type FilterInput } from '../shared/filters.js';
import { alreadyExists, noneMatch } from '../shared/faults.js';
import { paginate, standardPage } from '../shared/pagination.js';
import type { MetadataBrowser } from './metadata-browser.js';
import type { ProjectModels } from './project-models.js';
import type { MetadataRequestRecord, RequestInput, RequestKind } from './record.js';
import { kindInfo } from './request-lifecycle.js';
import { toSchemaConversionRequest } from './request-mapper.js';
import type { RequestRunner } from './request-runner.js';
import { creationSchema } from './rule-locators.js';

export interface MetadataModelServices {
  readonly runner: RequestRunner;
  readonly browser: MetadataBrowser;
  readonly projects: ProjectContext;
  readonly models: ProjectModels;
}

export function metadataModelHandlers(s: MetadataModelServices): HandlerTable {
  /** Checks the project and the rules now (400 / ResourceNotFoundFault), then queues the request. */
  const start = (scope: Scope, projectId: string, kind: RequestKind, input: RequestInput) => {
    const project = s.projects.project(scope, projectId);
    if (input.selectionRules !== undefined) parseSelectionRules(input.selectionRules, 'SelectionRules');
    return { RequestIdentifier: s.runner.start(scope, project, kind, input).requestId };
  };

  const describe = (kind: RequestKind, op: string) => (input: { MigrationProjectIdentifier: string; Filters?: FilterInput[]; Marker?: string; MaxRecords?: number }, { scope }: { scope: Scope }) => {
    const project = s.projects.project(scope, input.MigrationProjectIdentifier);
    const filters = input.Filters?.map((f) => (f.Name === 'status' ? { Name: f.Name, Values: f.Values.map((v) => v.toUpperCase()) } : f));
    const matched = applyFilters<MetadataRequestRecord>(s.runner.list(scope, project.arn, kind), filters, { 'request-id': (r) => r.requestId, status: (r) => r.status }, op);
    if (matched.length === 0 && input.Filters?.length) throw noneMatch(kindInfo[kind].plural);
    const page = paginate(matched, input, op, standardPage);
    return { Requests: page.items.map(toSchemaConversionRequest), ...(page.marker ? { Marker: page.marker } : {}) };
  };

  const cancel = (kind: RequestKind) => (input: { MigrationProjectIdentifier: string; RequestIdentifier: string }, { scope }: { scope: Scope }) => {
    const project = s.projects.project(scope, input.MigrationProjectIdentifier);
    return { Request: toSchemaConversionRequest(s.runner.cancel(scope, project.arn, input.RequestIdentifier, kind)) };
  };

  return {
    StartMetadataModelImport: (i, { scope }) =>
      start(scope, i.MigrationProjectIdentifier, 'import', { selectionRules: i.SelectionRules, origin: i.Origin, refresh: i.Refresh ?? false }),
    StartMetadataModelAssessment: (i, { scope }) => start(scope, i.MigrationProjectIdentifier, 'assessment', { selectionRules: i.SelectionRules }),
    StartMetadataModelConversion: (i, { scope }) => start(scope, i.MigrationProjectIdentifier, 'conversion', { selectionRules: i.SelectionRules }),
    StartMetadataModelExportAsScript: (i, { scope }) =>
      start(scope, i.MigrationProjectIdentifier, 'export-script', {
        selectionRules: i.SelectionRules,
        origin: i.Origin,
        ...(i.FileName !== undefined ? { fileName: checkedFileName(i.FileName) } : {}),
      }),
    StartMetadataModelExportToTarget: (i, { scope }) =>
      start(scope, i.MigrationProjectIdentifier, 'export-target', {
        selectionRules: i.SelectionRules,
        ...(i.OverwriteExtensionPack !== undefined ? { overwriteExtensionPack: i.OverwriteExtensionPack } : {}),
      }),
    StartMetadataModelCreation: (i, { scope }) => {
      const project = s.projects.project(scope, i.MigrationProjectIdentifier);
      const placed = creationSchema(parseSelectionRules(i.SelectionRules, 'SelectionRules'));
      if ('error' in placed) throw invalidParameter(placed.error);
      const name = i.MetadataModelName.trim();
      if (!name) throw invalidParameter('MetadataModelName must not be empty: it names the statement in the metadata tree.');
      const definition = i.Properties.StatementProperties?.Definition ?? '';
      if (!definition.trim()) throw invalidParameter('Properties.StatementProperties.Definition must hold the SQL statement to create a metadata model for.');
      if (s.models.get(project).statements.some((st) => st.schema === placed.schema && st.name === name)) {
        throw alreadyExists('The statement metadata model', `${placed.schema}.${name}`);
      }
      return start(scope, i.MigrationProjectIdentifier, 'creation', { selectionRules: i.SelectionRules, metadataModelName: name, definition });
    },
    StartExtensionPackAssociation: (i, { scope }) => start(scope, i.MigrationProjectIdentifier, 'extension-pack', {}),

    DescribeMetadataModelImports: describe('import', 'DescribeMetadataModelImports'),
    DescribeMetadataModelAssessments: describe('assessment', 'DescribeMetadataModelAssessments'),
    DescribeMetadataModelConversions: describe('conversion', 'DescribeMetadataModelConversions'),
    DescribeMetadataModelExportsAsScript: describe('export-script', 'DescribeMetadataModelExportsAsScript'),
    DescribeMetadataModelExportsToTarget: describe('export-target', 'DescribeMetadataModelExportsToTarget'),
    DescribeMetadataModelCreations: describe('creation', 'DescribeMetadataModelCreations'),
    DescribeExtensionPackAssociations: describe('extension-pack', 'DescribeExtensionPackAssociations'),

    CancelMetadataModelConversion: cancel('conversion'),
    CancelMetadataModelCreation: cancel('creation'),

    DescribeMetadataModel: (i, { scope }) => {
      const { node, targets } = s.browser.describe(scope, i.MigrationProjectIdentifier, i.SelectionRules, i.Origin);
      return {
        MetadataModelName: node.name,
        MetadataModelType: node.type,
        ...(i.Origin === 'SOURCE' ? { TargetMetadataModels: targets.map((t) => ({ MetadataModelName: t.name, SelectionRules: t.selectionRules })) } : {}),
        ...(node.definition !== undefined ? { Definition: node.definition } : {}),
      };
    },
    DescribeMetadataModelChildren: (i, { scope }) => {
      const children = s.browser.children(scope, i.MigrationProjectIdentifier, i.SelectionRules, i.Origin);
      const page = paginate(children, i, 'DescribeMetadataModelChildren', standardPage);
      return { MetadataModelChildren: page.items.map((c) => ({ MetadataModelName: c.name, SelectionRules: c.selectionRules })), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    GetTargetSelectionRules: (i, { scope }) => ({ TargetSelectionRules: s.browser.targetRules(scope, i.MigrationProjectIdentifier, i.SelectionRules) }),
    ExportMetadataModelAssessment: async (i, { scope }) => {
      const out = await s.browser.exportAssessment(scope, {
        projectId: i.MigrationProjectIdentifier,
        selectionRules: i.SelectionRules,
        ...(i.FileName !== undefined ? { fileName: checkedFileName(i.FileName) } : {}),
        ...(i.AssessmentReportTypes ? { types: i.AssessmentReportTypes } : {}),
      });
      return {
        ...(out.pdf ? { PdfReport: { S3ObjectKey: out.pdf.key, ObjectURL: out.pdf.url } } : {}),
        ...(out.csv ? { CsvReport: { S3ObjectKey: out.csv.key, ObjectURL: out.csv.url } } : {}),
      };
    },
  };
}

/** A file name is one object name under the project's S3 prefix: no folders, no `..`. */
function checkedFileName(name: string): string {
  const n = name.trim();
  if (!n || n.includes('/') || n.includes('\\') || n === '.' || n === '..' || n.length > 255) {
    throw invalidParameter(`FileName '${name}' must be a plain file name (no '/' or '\\', at most 255 characters); the file goes to the project's S3 location.`);
  }
  return n;
}
