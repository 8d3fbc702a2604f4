/**
 * What the migration-project module asks of this one (MigrationProjectHooks): a project with
 * a metadata-model request under way cannot be modified or deleted, and deleting a project
 * removes its requests and models. Built from the store alone, so app.ts can pass it to
 * migrationProjectModule before this module is registered.
 */
import { ResourceRepository } from '../../store/resource-repository.js';
import type { ControlDeps } from '../deps.js';
import { finalStatuses, type MetadataRequestRecord, type ProjectModelsRecord } from './record.js';
import { kindInfo } from './request-lifecycle.js';

/** The resource kinds this module stores (its own; not in control/repositories.ts). */
export const requestKind = 'metadata-model-request';
export const projectModelsKind = 'metadata-models';

export function metadataModelProjectHooks(deps: Pick<ControlDeps, 'store'>): {
  busyReason(projectArn: string): string | undefined;
  onDelete(project: { readonly arn: string }): void;
} {
  const requests = new ResourceRepository<MetadataRequestRecord>(deps.store, requestKind);
  const models = new ResourceRepository<ProjectModelsRecord>(deps.store, projectModelsKind);
  return {
    busyReason(projectArn) {
      const running = requests.all().find((r) => r.projectArn === projectArn && !finalStatuses.includes(r.status));
      return running
        ? `its ${kindInfo[running.kind].what} ${running.requestId} is ${running.status}; wait for it to finish${running.kind === 'conversion' || running.kind === 'creation' ? ' or cancel it' : ''}`
        : undefined;
    },
    onDelete(project) {
      for (const r of requests.all()) if (r.projectArn === project.arn) requests.delete(r.arn);
      models.delete(`${project.arn}/metadata-models`);
    },
  };
}
