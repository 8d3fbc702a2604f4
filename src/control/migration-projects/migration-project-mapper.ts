/**
 * Migration project record -> AWS shape. Names of the data providers and the instance profile
 * are read at answer time (they can be renamed); MigrationProjectCreationTime is an
 * Iso8601DateTime (RFC 3339 on the wire). The secret ids are references, not secrets.
 */
import type { DataProviderDescriptor, MigrationProject } from '../../api/generated/shapes.js';
import type { Repositories } from '../repositories.js';
import type { MigrationProjectRecord, ProjectDescriptorRecord } from './record.js';

export function toMigrationProject(r: MigrationProjectRecord, repos: Repositories): MigrationProject {
  const profile = repos.instanceProfiles.get(r.instanceProfileArn);
  const attributes = {
    ...(r.s3BucketPath !== undefined ? { S3BucketPath: r.s3BucketPath } : {}),
    ...(r.s3BucketRoleArn !== undefined ? { S3BucketRoleArn: r.s3BucketRoleArn } : {}),
  };
  return {
    MigrationProjectName: r.identifier,
    MigrationProjectArn: r.arn,
    MigrationProjectCreationTime: new Date(r.createdAt),
    SourceDataProviderDescriptors: [toDescriptor(r.source, repos)],
    TargetDataProviderDescriptors: [toDescriptor(r.target, repos)],
    InstanceProfileArn: r.instanceProfileArn,
    ...(profile ? { InstanceProfileName: profile.identifier } : {}),
    ...(r.transformationRules !== undefined ? { TransformationRules: r.transformationRules } : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(Object.keys(attributes).length ? { SchemaConversionApplicationAttributes: attributes } : {}),
  };
}

function toDescriptor(d: ProjectDescriptorRecord, repos: Repositories): DataProviderDescriptor {
  const provider = repos.dataProviders.get(d.dataProviderArn);
  return {
    DataProviderArn: d.dataProviderArn,
    ...(provider ? { DataProviderName: provider.identifier } : {}),
    ...(d.secretsManagerSecretId !== undefined ? { SecretsManagerSecretId: d.secretsManagerSecretId } : {}),
    ...(d.secretsManagerAccessRoleArn !== undefined ? { SecretsManagerAccessRoleArn: d.secretsManagerAccessRoleArn } : {}),
  };
}
