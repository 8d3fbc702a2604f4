/** Thin handlers: AWS input -> service call -> AWS output. */
import type { HandlerTable } from '../../api/dispatch.js';
import type { CreateMigrationProjectMessage, DataProviderDescriptorDefinition, ModifyMigrationProjectMessage } from '../../api/generated/shapes.js';
import type { Repositories } from '../repositories.js';
import { applyFilters } from '../shared/filters.js';
import { noneMatch } from '../shared/faults.js';
import { paginate } from '../shared/pagination.js';
import { toMigrationProject } from './migration-project-mapper.js';
import type { DescriptorInput, MigrationProjectService, ProjectFields } from './migration-project-service.js';
import type { MigrationProjectRecord } from './record.js';

export function migrationProjectHandlers(service: MigrationProjectService, repos: Repositories): HandlerTable {
  const out = (r: MigrationProjectRecord) => toMigrationProject(r, repos);
  /** A data provider's name and ARN, for the filters that take either. */
  const providerIds = (arn: string): string[] => namesAnd(arn, repos.dataProviders.get(arn)?.identifier);
  return {
    CreateMigrationProject: (input, { scope }) => ({
      MigrationProject: out(
        service.create(scope, {
          ...fieldsOf(input),
          sources: input.SourceDataProviderDescriptors.map(descriptorOf),
          targets: input.TargetDataProviderDescriptors.map(descriptorOf),
          instanceProfileIdentifier: input.InstanceProfileIdentifier,
          ...(input.Tags ? { tags: input.Tags } : {}),
        }),
      ),
    }),
    ModifyMigrationProject: (input, { scope }) => ({ MigrationProject: out(service.modify(scope, input.MigrationProjectIdentifier, fieldsOf(input))) }),
    DeleteMigrationProject: (input, { scope }) => ({ MigrationProject: out(service.delete(scope, input.MigrationProjectIdentifier)) }),
    DescribeMigrationProjects: (input, { scope }) => {
      const matched = applyFilters(
        service.list(scope),
        input.Filters,
        {
          'migration-project-identifier': (p) => [p.identifier, p.arn],
          'instance-profile-identifier': (p) => namesAnd(p.instanceProfileArn, repos.instanceProfiles.get(p.instanceProfileArn)?.identifier),
          'data-provider-identifier': (p) => [...providerIds(p.source.dataProviderArn), ...providerIds(p.target.dataProviderArn)],
          'source-data-provider-identifier': (p) => providerIds(p.source.dataProviderArn),
          'target-data-provider-identifier': (p) => providerIds(p.target.dataProviderArn),
        },
        'DescribeMigrationProjects',
      );
      if (matched.length === 0 && input.Filters?.length) throw noneMatch('Migration Projects');
      const page = paginate(matched, input, 'DescribeMigrationProjects');
      return { MigrationProjects: page.items.map(out), ...(page.marker ? { Marker: page.marker } : {}) };
    },
    DescribeConversionConfiguration: (input, { scope }) => {
      const p = service.describeConversionConfiguration(scope, input.MigrationProjectIdentifier);
      return { MigrationProjectIdentifier: p.arn, ConversionConfiguration: p.conversionConfiguration };
    },
    ModifyConversionConfiguration: (input, { scope }) => ({
      MigrationProjectIdentifier: service.modifyConversionConfiguration(scope, input.MigrationProjectIdentifier, input.ConversionConfiguration).arn,
    }),
  };
}

const namesAnd = (arn: string, name: string | undefined): string[] => (name === undefined ? [arn] : [arn, name]);

function descriptorOf(d: DataProviderDescriptorDefinition): DescriptorInput {
  return {
    dataProviderIdentifier: d.DataProviderIdentifier,
    ...(d.SecretsManagerSecretId !== undefined ? { secretsManagerSecretId: d.SecretsManagerSecretId } : {}),
    ...(d.SecretsManagerAccessRoleArn !== undefined ? { secretsManagerAccessRoleArn: d.SecretsManagerAccessRoleArn } : {}),
  };
}

function fieldsOf(input: CreateMigrationProjectMessage | ModifyMigrationProjectMessage): ProjectFields {
  const a = input.SchemaConversionApplicationAttributes;
  const f: Record<string, unknown> = {
    name: input.MigrationProjectName,
    sources: input.SourceDataProviderDescriptors?.map(descriptorOf),
    targets: input.TargetDataProviderDescriptors?.map(descriptorOf),
    instanceProfileIdentifier: input.InstanceProfileIdentifier,
    transformationRules: input.TransformationRules,
    description: input.Description,
    s3BucketPath: a?.S3BucketPath,
    s3BucketRoleArn: a?.S3BucketRoleArn,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f as ProjectFields;
}
