/**
 * Rules of migration projects: a unique name; exactly one source and one target data provider,
 * each existing (by name or ARN); an existing instance profile; transformation rules with the
 * DMS shape; an S3 location OpenDMS can read; the conversion configuration.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidParameter } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { newArn } from '../shared/arn.js';
import { alreadyExists, invalidState, quotaExceeded } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { nameFromArn, requireByNameOrArn } from './by-name-or-arn.js';
import { defaultConversionConfiguration, mergeConversionConfiguration } from './conversion-configuration.js';
import { checkRoleArn, checkS3BucketPath, checkTransformationRulesShape } from './project-attributes.js';
import type { MigrationProjectRecord, ProjectDescriptorRecord } from './record.js';

export interface DescriptorInput {
  readonly dataProviderIdentifier: string;
  readonly secretsManagerSecretId?: string;
  readonly secretsManagerAccessRoleArn?: string;
}

export interface ProjectFields {
  readonly name?: string;
  readonly sources?: readonly DescriptorInput[];
  readonly targets?: readonly DescriptorInput[];
  readonly instanceProfileIdentifier?: string;
  readonly transformationRules?: string;
  readonly description?: string;
  readonly s3BucketPath?: string;
  readonly s3BucketRoleArn?: string;
}

export interface CreateProjectInput extends ProjectFields {
  readonly sources: readonly DescriptorInput[];
  readonly targets: readonly DescriptorInput[];
  readonly instanceProfileIdentifier: string;
  readonly tags?: readonly Tag[];
}

export interface MigrationProjectHooks {
  /** The converter's detailed check of TransformationRules (throws a clear error); the JSON shape is always checked. */
  readonly validateTransformationRules?: (json: string) => void;
  /** Why the project cannot be modified or deleted now (a metadata-model request runs), or undefined. */
  readonly busyReason?: (projectArn: string) => string | undefined;
  /** Called in the delete's transaction, to remove what belongs to the project (requests, models). */
  readonly onDelete?: (project: MigrationProjectRecord) => void;
}

export class MigrationProjectService {
  constructor(
    private readonly deps: ControlDeps,
    private readonly hooks: MigrationProjectHooks = {},
  ) {}

  create(scope: Scope, input: CreateProjectInput): MigrationProjectRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const arn = newArn(scope, 'migration-project');
    const identifier = input.name !== undefined ? checkIdentifier('MigrationProjectName', input.name) : nameFromArn(arn);
    this.checkAttributes(input);
    return store.tx(() => {
      const existing = repos.migrationProjects.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Migration project', identifier, existing.arn);
      const max = settings.quotas.MigrationProjects ?? Infinity;
      if (repos.migrationProjects.count(scope) >= max) throw quotaExceeded('MigrationProjects', max);
      const record: MigrationProjectRecord = {
        arn,
        identifier,
        source: this.descriptor(scope, 'SourceDataProviderDescriptors', input.sources),
        target: this.descriptor(scope, 'TargetDataProviderDescriptors', input.targets),
        instanceProfileArn: requireByNameOrArn(repos.instanceProfiles, scope, input.instanceProfileIdentifier, 'Instance profile').arn,
        conversionConfiguration: defaultConversionConfiguration,
        createdAt: clock.now().toISOString(),
        ...optional('transformationRules', input.transformationRules),
        ...optional('description', input.description),
        ...optional('s3BucketPath', input.s3BucketPath),
        ...optional('s3BucketRoleArn', input.s3BucketRoleArn),
      };
      repos.migrationProjects.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  modify(scope: Scope, id: string, input: ProjectFields): MigrationProjectRecord {
    const { repos, store } = this.deps;
    this.checkAttributes(input);
    return store.tx(() => {
      const current = this.get(scope, id);
      this.requireIdle(current, 'modified');
      let identifier = current.identifier;
      if (input.name !== undefined && input.name !== current.identifier) {
        identifier = checkIdentifier('MigrationProjectName', input.name);
        const other = repos.migrationProjects.byIdentifier(scope, identifier);
        if (other) throw alreadyExists('Migration project', identifier, other.arn);
      }
      const next: { -readonly [K in keyof MigrationProjectRecord]: MigrationProjectRecord[K] } = {
        ...current,
        identifier,
        source: input.sources ? this.descriptor(scope, 'SourceDataProviderDescriptors', input.sources) : current.source,
        target: input.targets ? this.descriptor(scope, 'TargetDataProviderDescriptors', input.targets) : current.target,
        instanceProfileArn:
          input.instanceProfileIdentifier !== undefined
            ? requireByNameOrArn(repos.instanceProfiles, scope, input.instanceProfileIdentifier, 'Instance profile').arn
            : current.instanceProfileArn,
        ...optional('transformationRules', input.transformationRules),
        ...optional('description', input.description),
        ...optional('s3BucketPath', input.s3BucketPath),
        ...optional('s3BucketRoleArn', input.s3BucketRoleArn),
      };
      // An empty string takes an optional member off the project.
      for (const k of ['transformationRules', 's3BucketPath', 's3BucketRoleArn'] as const) if (next[k] === '') delete next[k];
      return repos.migrationProjects.update(next);
    });
  }

  delete(scope: Scope, id: string): MigrationProjectRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      this.requireIdle(current, 'deleted');
      this.hooks.onDelete?.(current);
      repos.migrationProjects.delete(current.arn);
      tags.removeAll(current.arn);
      return current;
    });
  }

  describeConversionConfiguration(scope: Scope, id: string): MigrationProjectRecord {
    return this.get(scope, id);
  }

  modifyConversionConfiguration(scope: Scope, id: string, configuration: string): MigrationProjectRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      this.requireIdle(current, 'reconfigured');
      return repos.migrationProjects.update({ ...current, conversionConfiguration: mergeConversionConfiguration(current.conversionConfiguration, configuration) });
    });
  }

  get(scope: Scope, id: string): MigrationProjectRecord {
    return requireByNameOrArn(this.deps.repos.migrationProjects, scope, id, 'Migration project');
  }

  list(scope: Scope): MigrationProjectRecord[] {
    return this.deps.repos.migrationProjects.list(scope);
  }

  private checkAttributes(input: ProjectFields): void {
    if (input.transformationRules !== undefined && input.transformationRules !== '') {
      checkTransformationRulesShape(input.transformationRules);
      this.hooks.validateTransformationRules?.(input.transformationRules);
    }
    if (input.s3BucketPath !== undefined && input.s3BucketPath !== '') checkS3BucketPath(input.s3BucketPath);
    if (input.s3BucketRoleArn !== undefined && input.s3BucketRoleArn !== '') checkRoleArn('SchemaConversionApplicationAttributes.S3BucketRoleArn', input.s3BucketRoleArn);
  }

  /** OpenDMS converts one source into one target: a list of any other length is refused. */
  private descriptor(scope: Scope, member: string, list: readonly DescriptorInput[]): ProjectDescriptorRecord {
    if (list.length !== 1) {
      throw invalidParameter(
        `${member} has ${list.length} data providers; OpenDMS migration projects take exactly one source and one target data provider (as DMS Schema Conversion does): give one.`,
      );
    }
    const d = list[0]!;
    const provider = requireByNameOrArn(this.deps.repos.dataProviders, scope, d.dataProviderIdentifier, `Data provider given in ${member}`);
    if (d.secretsManagerAccessRoleArn !== undefined) checkRoleArn(`${member}.SecretsManagerAccessRoleArn`, d.secretsManagerAccessRoleArn);
    return {
      dataProviderArn: provider.arn,
      ...optional('secretsManagerSecretId', d.secretsManagerSecretId),
      ...optional('secretsManagerAccessRoleArn', d.secretsManagerAccessRoleArn),
    };
  }

  private requireIdle(project: MigrationProjectRecord, action: string): void {
    const reason = this.hooks.busyReason?.(project.arn);
    if (reason !== undefined) throw invalidState(`Migration project ${project.identifier} cannot be ${action} now: ${reason}`);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
