/**
 * ProjectContext over the store: projects by name or ARN, and the connection to each side of
 * a project, with credentials from the local secret store. What cannot be resolved (a virtual
 * provider, an engine without a connector, no secret, no server) is a message for the
 * request's failure, saying what to fix, as connection tests do for endpoints.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Connectors } from '../../connectors/registry.js';
import { sslModes, type SslMode } from '../../connectors/spi/index.js';
import { parseS3Path } from '../../storage/object-store.js';
import type { DataProviderRecord } from '../data-providers/record.js';
import type { Repositories } from '../repositories.js';
import { lookUpSecret } from '../secrets/secret-lookup.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { parseArn } from '../shared/arn.js';
import { requireByNameOrArn } from './by-name-or-arn.js';
import type { ProjectContext, ProjectDataProvider, ProjectView, ProviderConnection } from './project-context.js';
import type { MigrationProjectRecord } from './record.js';

/** The usual port of each engine a connector serves, for providers that give none. */
const defaultPorts: Readonly<Record<string, number>> = { postgres: 5432, 'aurora-postgresql': 5432, mysql: 3306, mariadb: 3306, aurora: 3306 };
/** PostgreSQL connects to one database; MySQL and MariaDB may go without. */
const needsDatabase = new Set(['postgres', 'aurora-postgresql']);

export interface StoreProjectContextDeps {
  readonly repos: Repositories;
  readonly connectors: Connectors;
  readonly secrets: SecretStore;
}

export class StoreProjectContext implements ProjectContext {
  constructor(private readonly deps: StoreProjectContextDeps) {}

  project(scope: Scope, identifier: string): ProjectView {
    return this.view(requireByNameOrArn(this.deps.repos.migrationProjects, scope, identifier, 'Migration project'));
  }

  projectByArn(arn: string): ProjectView | undefined {
    const r = this.deps.repos.migrationProjects.get(arn);
    return r && this.view(r);
  }

  connection(project: ProjectView, side: 'source' | 'target'): ProviderConnection {
    const { repos, connectors, secrets } = this.deps;
    const record = repos.migrationProjects.get(project.arn);
    if (!record) return { ok: false, message: `Migration project ${project.name} no longer exists.` };
    const descriptor = record[side];
    const provider = repos.dataProviders.get(descriptor.dataProviderArn);
    if (!provider) return { ok: false, message: `The ${side} data provider of migration project ${project.name} no longer exists: give another with ModifyMigrationProject.` };
    const who = `the ${side} data provider ${provider.identifier} of migration project ${project.name}`;
    if (provider.virtual) return { ok: false, message: `The ${side} data provider ${provider.identifier} is virtual: it has no database to connect to. Use a data provider with a server (ModifyDataProvider --no-virtual).` };
    const connector = connectors.forEngine(provider.engine);
    if (!connector) {
      return { ok: false, message: `Schema conversion with ${provider.engine} (${who}) is not supported: OpenDMS connects to ${connectors.engines.join(', ')}.` };
    }
    if (descriptor.secretsManagerSecretId === undefined) {
      return {
        ok: false,
        message: `No SecretsManagerSecretId is set for ${who}: store its credentials with \`opendms secrets put <secret-id> --username <user> --password-stdin\` and name the secret in the project's ${side === 'source' ? 'Source' : 'Target'}DataProviderDescriptors (ModifyMigrationProject).`,
      };
    }
    const secret = lookUpSecret(secrets, descriptor.secretsManagerSecretId, who);
    if (!secret.ok) return secret;
    const s = provider.settings;
    const host = str(s.ServerName) ?? secret.value.host;
    if (!host) return { ok: false, message: `${capitalized(who)} has no ServerName: set it with ModifyDataProvider.` };
    const port = int(s.Port) ?? secret.value.port ?? defaultPorts[provider.engine]!;
    const database = str(s.DatabaseName) ?? secret.value.dbname;
    if (database === undefined && needsDatabase.has(provider.engine)) {
      return { ok: false, message: `${capitalized(who)} has no DatabaseName: set it in Settings.PostgreSqlSettings with ModifyDataProvider (or dbname in the secret).` };
    }
    const mode = str(s.SslMode) ?? 'none';
    if (!(sslModes as readonly string[]).includes(mode)) return { ok: false, message: `SslMode ${mode} of ${who} is not supported; use one of ${sslModes.join(', ')}.` };
    let caPem: string | undefined;
    const certificateArn = str(s.CertificateArn);
    if (certificateArn && mode !== 'none') {
      const cert = repos.certificates.get(certificateArn);
      if (!cert) return { ok: false, message: `The certificate ${certificateArn} of ${who} no longer exists: import the CA certificate again and set it with ModifyDataProvider.` };
      if (!cert.pem) return { ok: false, message: `The certificate ${cert.identifier} of ${who} is an Oracle wallet, not a PEM certificate: import the server's CA as a PEM.` };
      caPem = cert.pem;
    }
    return {
      ok: true,
      connector,
      params: {
        engineName: provider.engine,
        host,
        port,
        ...(database !== undefined ? { database } : {}),
        username: secret.value.username,
        password: secret.value.password,
        ssl: { mode: mode as SslMode, ...(caPem ? { caPem } : {}) },
      },
    };
  }

  private view(r: MigrationProjectRecord): ProjectView {
    const p = parseArn(r.arn)!;
    return {
      arn: r.arn,
      name: r.identifier,
      scope: { account: p.account, region: p.region },
      source: this.provider(r.source.dataProviderArn),
      target: this.provider(r.target.dataProviderArn),
      conversionConfiguration: r.conversionConfiguration,
      ...(r.s3BucketPath !== undefined ? { s3: parseS3Path(r.s3BucketPath, 'SchemaConversionApplicationAttributes.S3BucketPath') } : {}),
      ...(r.transformationRules !== undefined ? { transformationRules: r.transformationRules } : {}),
    };
  }

  private provider(arn: string): ProjectDataProvider {
    // A provider used by a project cannot be deleted, so it is there.
    const d: DataProviderRecord | undefined = this.deps.repos.dataProviders.get(arn);
    if (!d) return { arn, name: arn, engine: 'unknown', serverName: '' };
    const databaseName = str(d.settings.DatabaseName);
    return { arn, name: d.identifier, engine: d.engine, serverName: str(d.settings.ServerName) ?? '', ...(databaseName !== undefined ? { databaseName } : {}) };
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
