/** A migration project as OpenDMS stores it. */
export interface ProjectDescriptorRecord {
  readonly dataProviderArn: string;
  readonly secretsManagerSecretId?: string;
  readonly secretsManagerAccessRoleArn?: string;
}

export interface MigrationProjectRecord {
  readonly arn: string;
  /** MigrationProjectName: unique in the account and region. */
  readonly identifier: string;
  readonly source: ProjectDescriptorRecord;
  readonly target: ProjectDescriptorRecord;
  readonly instanceProfileArn: string;
  /** The TransformationRules JSON exactly as given. */
  readonly transformationRules?: string;
  readonly description?: string;
  /** SchemaConversionApplicationAttributes, as given (the path is checked with parseS3Path). */
  readonly s3BucketPath?: string;
  readonly s3BucketRoleArn?: string;
  /** The conversion configuration JSON (DescribeConversionConfiguration). */
  readonly conversionConfiguration: string;
  readonly createdAt: string;
}
