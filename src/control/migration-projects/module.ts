/**
 * Migration projects: CreateMigrationProject, ModifyMigrationProject, DeleteMigrationProject,
 * DescribeMigrationProjects, DescribeConversionConfiguration, ModifyConversionConfiguration.
 * The metadata-model requests that work on a project reach it through ProjectContext.
 */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ControlDeps } from '../deps.js';
import { migrationProjectHandlers } from './handlers.js';
import { MigrationProjectService, type MigrationProjectHooks } from './migration-project-service.js';

export function migrationProjectModule(deps: ControlDeps, hooks: MigrationProjectHooks = {}): HandlerTable {
  return migrationProjectHandlers(new MigrationProjectService(deps, hooks), deps.repos);
}
