/**
 * The metadata models of each migration project (one record per project, JSON): read by the
 * requests and the browsing calls, changed only inside a store transaction so that
 * concurrent requests of one project merge into the latest state.
 */
import type { Store } from '../../store/store.js';
import type { ResourceRepository } from '../../store/resource-repository.js';
import type { Clock } from '../../common/clock.js';
import type { ProjectView } from '../migration-projects/project-context.js';
import type { ProjectModelsRecord } from './record.js';

export class ProjectModels {
  constructor(
    private readonly store: Store,
    private readonly repo: ResourceRepository<ProjectModelsRecord>,
    private readonly clock: Clock,
  ) {}

  /** The project's models; an empty record when nothing was imported yet. */
  get(project: ProjectView): ProjectModelsRecord {
    return this.repo.get(arnOf(project.arn)) ?? this.empty(project);
  }

  /** Changes the project's models in one transaction (call inside the caller's transaction to join it). */
  update(project: ProjectView, change: (current: ProjectModelsRecord) => Omit<ProjectModelsRecord, 'arn' | 'identifier' | 'projectArn' | 'updatedAt'>): ProjectModelsRecord {
    return this.store.tx(() => {
      const existing = this.repo.get(arnOf(project.arn));
      const next: ProjectModelsRecord = {
        ...change(existing ?? this.empty(project)),
        arn: arnOf(project.arn),
        identifier: project.arn,
        projectArn: project.arn,
        updatedAt: this.clock.now().toISOString(),
      };
      return existing ? this.repo.update(next) : this.repo.insert(project.scope, next);
    });
  }

  private empty(project: ProjectView): ProjectModelsRecord {
    return {
      arn: arnOf(project.arn),
      identifier: project.arn,
      projectArn: project.arn,
      conversionReport: [],
      assessmentReport: [],
      statements: [],
      convertedStatements: [],
      updatedAt: this.clock.now().toISOString(),
    };
  }
}

const arnOf = (projectArn: string): string => `${projectArn}/metadata-models`;
