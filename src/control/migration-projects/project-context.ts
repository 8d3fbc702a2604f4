/**
 * The seam between the migration-project resources (projects, data providers, instance
 * profiles, secrets: control/migration-projects, control/data-providers, control/secrets)
 * and the metadata-model requests that work on a project (control/metadata-models).
 * app.ts passes an implementation of ProjectContext to the metadata-model module.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Connector, ConnectionParams } from '../../connectors/spi/index.js';
import type { S3Location } from '../../storage/object-store.js';

export interface ProjectDataProvider {
  readonly arn: string;
  readonly name: string;
  /** The data provider's Engine: postgres, mysql, mariadb, aurora, aurora-postgresql ... */
  readonly engine: string;
  /** ServerName of its settings: the `server-name` of selection rules. */
  readonly serverName: string;
  /** DatabaseName (PostgreSQL), when set. */
  readonly databaseName?: string;
}

export interface ProjectView {
  readonly arn: string;
  readonly name: string;
  readonly scope: Scope;
  readonly source: ProjectDataProvider;
  readonly target: ProjectDataProvider;
  /** SchemaConversionApplicationAttributes.S3BucketPath, parsed; undefined when not set. */
  readonly s3?: S3Location;
  /** The project's TransformationRules JSON, as given. */
  readonly transformationRules?: string;
  /** The current conversion configuration JSON (DescribeConversionConfiguration). */
  readonly conversionConfiguration: string;
}

export type ProviderConnection =
  | { readonly ok: true; readonly connector: Connector; readonly params: ConnectionParams }
  /** Why the provider cannot be reached (no connector, missing secret, no server name ...), for the request's error. */
  | { readonly ok: false; readonly message: string };

export interface ProjectContext {
  /** The project by name or ARN in the caller's scope; throws ResourceNotFoundFault naming it. */
  project(scope: Scope, identifier: string): ProjectView;
  /** All projects of the store (for resuming requests after a restart). */
  projectByArn(arn: string): ProjectView | undefined;
  /**
   * The connector and connection values for one side of a project, with the user name and
   * password of the descriptor's SecretsManagerSecretId resolved from the secret store.
   */
  connection(project: ProjectView, side: 'source' | 'target'): ProviderConnection;
}
