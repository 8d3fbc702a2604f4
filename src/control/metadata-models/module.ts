/**
 * The metadata-model requests of migration projects (schema conversion): Start*, Describe*,
 * Cancel*, and the browsing and report calls. app.ts registers the handler table and calls
 * closeMetadataModels(deps) at stop, before the store closes.
 */
import type { HandlerTable } from '../../api/dispatch.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { ResourceRepository } from '../../store/resource-repository.js';
import type { ControlDeps } from '../deps.js';
import type { ProjectContext } from '../migration-projects/project-context.js';
import { conversionWork } from './conversion-work.js';
import { creationWork } from './creation-work.js';
import { exportScriptWork } from './export-script-work.js';
import { exportTargetWork } from './export-target-work.js';
import { extensionPackWork } from './extension-pack-work.js';
import { metadataModelHandlers } from './handlers.js';
import { importWork } from './import-work.js';
import { MetadataBrowser } from './metadata-browser.js';
import { ProjectModels } from './project-models.js';
import type { MetadataRequestRecord, ProjectModelsRecord } from './record.js';
import { RequestRunner } from './request-runner.js';
import type { WorkEnv } from './work-env.js';

import { projectModelsKind, requestKind } from './project-hooks.js';

/** The resource kinds this module stores (its own; not in control/repositories.ts). */
export { requestKind, projectModelsKind };

const runners = new WeakMap<ControlDeps, RequestRunner>();

export function metadataModelModule(deps: ControlDeps, shared: { projects: ProjectContext; objects: ObjectStore }): HandlerTable {
  const models = new ProjectModels(deps.store, new ResourceRepository<ProjectModelsRecord>(deps.store, projectModelsKind), deps.clock);
  const env: WorkEnv = { projects: shared.projects, models, objects: shared.objects, log: deps.log.child({ component: 'metadata-models' }) };
  const runner = new RequestRunner(deps, new ResourceRepository<MetadataRequestRecord>(deps.store, requestKind), shared.projects, {
    import: importWork(env),
    assessment: conversionWork(env, 'assessment'),
    conversion: conversionWork(env, 'conversion'),
    'export-script': exportScriptWork(env),
    'export-target': exportTargetWork(env),
    creation: creationWork(env),
    'extension-pack': extensionPackWork(env),
  });
  runner.recover();
  runners.set(deps, runner);
  const browser = new MetadataBrowser(shared.projects, models, shared.objects, deps.clock);
  return metadataModelHandlers({ runner, browser, projects: shared.projects, models });
}

/**
 * Stops the requests in flight (conversion workers are terminated, database sessions closed)
 * and waits for them; what they leave unfinished is settled at the next start. Call at stop,
 * before the store closes.
 */
export async function closeMetadataModels(deps: ControlDeps): Promise<void> {
  await runners.get(deps)?.close();
}
