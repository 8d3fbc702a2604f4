/**
 * The engines an endpoint can name, from the model's EngineName doc string plus Timestream
 * (its settings block is in CreateEndpoint). Roles, CDC support and SSL modes come from the
 * DMS User Guide: CHAP_Introduction.Sources/Targets, the per-engine pages' limitations, and the
 * SSL-mode table of CHAP_Security.SSL.
 *
 * Lakehouse is left out on purpose: LakehouseSettings exists only on the Endpoint output shape,
 * so CreateEndpoint cannot carry the settings such an endpoint needs.
 */
import type { DmsSslModeValue } from '../../api/generated/shapes.js';
import type { EndpointKind } from './record.js';

/** The CreateEndpoint/ModifyEndpoint members that carry an engine's settings. */
export const settingsMembers = [
  'DynamoDbSettings', 'S3Settings', 'DmsTransferSettings', 'MongoDbSettings', 'KinesisSettings', 'KafkaSettings',
  'ElasticsearchSettings', 'NeptuneSettings', 'RedshiftSettings', 'PostgreSQLSettings', 'MySQLSettings', 'OracleSettings',
  'SybaseSettings', 'MicrosoftSQLServerSettings', 'IBMDb2Settings', 'DocDbSettings', 'RedisSettings', 'GcpMySQLSettings',
  'TimestreamSettings',
] as const;
export type SettingsMember = (typeof settingsMembers)[number];

export interface EngineSpec {
  readonly name: string;
  readonly displayName: string;
  /** The one settings block this engine accepts (DMS keys a block by engine, not by role). */
  readonly settingsMember: SettingsMember;
  /** Each role the engine can take, and whether DMS captures changes (CDC) in that role. */
  readonly roles: Readonly<Partial<Record<EndpointKind, { readonly cdc: boolean }>>>;
  /**
   * ModifyEndpoint may move an endpoint to another engine of the same family only: those share
   * the settings block and the wire protocol, so the endpoint's settings stay meaningful.
   */
  readonly family: string;
  /** The SslMode values the engine supports; `none` is always the default. */
  readonly sslModes: readonly DmsSslModeValue[];
  readonly minimumVersion?: string;
}

const both = { source: { cdc: true }, target: { cdc: true } } as const;
const targetOnly = { target: { cdc: true } } as const;

// CHAP_Security.SSL's table, one row per engine family.
const sslMySql: readonly DmsSslModeValue[] = ['none', 'verify-ca', 'verify-full'];
const sslSqlServer: readonly DmsSslModeValue[] = ['none', 'require', 'verify-full'];
const sslPostgres: readonly DmsSslModeValue[] = ['none', 'require', 'verify-ca', 'verify-full'];
const sslOracle: readonly DmsSslModeValue[] = ['none', 'verify-ca'];
const sslSybase: readonly DmsSslModeValue[] = ['none', 'verify-full'];
const sslMongo: readonly DmsSslModeValue[] = ['none', 'require', 'verify-full'];
const sslDb2: readonly DmsSslModeValue[] = ['none', 'verify-ca'];
/** Redshift, streams, object stores and NoSQL services: "secure by default", SslMode stays none. */
const sslNone: readonly DmsSslModeValue[] = ['none'];

const list: readonly EngineSpec[] = [
  { name: 'mysql', displayName: 'MySQL', settingsMember: 'MySQLSettings', roles: both, family: 'mysql', sslModes: sslMySql },
  { name: 'mariadb', displayName: 'MariaDB', settingsMember: 'MySQLSettings', roles: both, family: 'mysql', sslModes: sslMySql },
  { name: 'aurora', displayName: 'Amazon Aurora MySQL', settingsMember: 'MySQLSettings', roles: both, family: 'mysql', sslModes: sslMySql },
  { name: 'aurora-serverless', displayName: 'Amazon Aurora MySQL Serverless', settingsMember: 'MySQLSettings', roles: targetOnly, family: 'mysql', sslModes: sslMySql },
  { name: 'gcp-mysql', displayName: 'Google Cloud SQL for MySQL', settingsMember: 'GcpMySQLSettings', roles: { source: { cdc: true } }, family: 'gcp-mysql', sslModes: sslMySql, minimumVersion: '3.4.6' },
  { name: 'postgres', displayName: 'PostgreSQL', settingsMember: 'PostgreSQLSettings', roles: both, family: 'postgres', sslModes: sslPostgres },
  { name: 'aurora-postgresql', displayName: 'Amazon Aurora PostgreSQL', settingsMember: 'PostgreSQLSettings', roles: both, family: 'postgres', sslModes: sslPostgres },
  { name: 'aurora-postgresql-serverless', displayName: 'Amazon Aurora PostgreSQL Serverless', settingsMember: 'PostgreSQLSettings', roles: targetOnly, family: 'postgres', sslModes: sslPostgres },
  // Babelfish is reached through its SQL Server (TDS) port; DMS supports it as a full-load-only target.
  { name: 'babelfish', displayName: 'Babelfish for Aurora PostgreSQL', settingsMember: 'MicrosoftSQLServerSettings', roles: { target: { cdc: false } }, family: 'babelfish', sslModes: sslSqlServer },
  { name: 'oracle', displayName: 'Oracle', settingsMember: 'OracleSettings', roles: both, family: 'oracle', sslModes: sslOracle },
  { name: 'sqlserver', displayName: 'Microsoft SQL Server', settingsMember: 'MicrosoftSQLServerSettings', roles: both, family: 'sqlserver', sslModes: sslSqlServer },
  { name: 'azuredb', displayName: 'Microsoft Azure SQL Database', settingsMember: 'MicrosoftSQLServerSettings', roles: { source: { cdc: false } }, family: 'sqlserver', sslModes: sslSqlServer },
  { name: 'azure-sql-managed-instance', displayName: 'Microsoft Azure SQL Managed Instance', settingsMember: 'MicrosoftSQLServerSettings', roles: { source: { cdc: true } }, family: 'sqlserver', sslModes: sslSqlServer },
  { name: 'sybase', displayName: 'SAP Sybase ASE', settingsMember: 'SybaseSettings', roles: both, family: 'sybase', sslModes: sslSybase },
  { name: 'db2', displayName: 'IBM Db2 for Linux, UNIX, and Windows', settingsMember: 'IBMDb2Settings', roles: { source: { cdc: true } }, family: 'db2', sslModes: sslDb2 },
  { name: 'db2-zos', displayName: 'IBM Db2 for z/OS', settingsMember: 'IBMDb2Settings', roles: { source: { cdc: false } }, family: 'db2', sslModes: sslDb2 },
  { name: 'redshift', displayName: 'Amazon Redshift', settingsMember: 'RedshiftSettings', roles: targetOnly, family: 'redshift', sslModes: sslNone },
  { name: 'redshift-serverless', displayName: 'Amazon Redshift Serverless', settingsMember: 'RedshiftSettings', roles: targetOnly, family: 'redshift', sslModes: sslNone },
  { name: 's3', displayName: 'Amazon S3', settingsMember: 'S3Settings', roles: both, family: 's3', sslModes: sslNone },
  { name: 'dms-transfer', displayName: 'AWS DMS Transfer', settingsMember: 'DmsTransferSettings', roles: { source: { cdc: false } }, family: 'dms-transfer', sslModes: sslNone },
  { name: 'dynamodb', displayName: 'Amazon DynamoDB', settingsMember: 'DynamoDbSettings', roles: targetOnly, family: 'dynamodb', sslModes: sslNone },
  { name: 'mongodb', displayName: 'MongoDB', settingsMember: 'MongoDbSettings', roles: { source: { cdc: true } }, family: 'mongodb', sslModes: sslMongo },
  { name: 'docdb', displayName: 'Amazon DocumentDB', settingsMember: 'DocDbSettings', roles: both, family: 'docdb', sslModes: sslMongo },
  { name: 'kinesis', displayName: 'Amazon Kinesis', settingsMember: 'KinesisSettings', roles: targetOnly, family: 'kinesis', sslModes: sslNone },
  { name: 'kafka', displayName: 'Kafka', settingsMember: 'KafkaSettings', roles: targetOnly, family: 'kafka', sslModes: sslNone },
  { name: 'elasticsearch', displayName: 'Amazon Elasticsearch Service', settingsMember: 'ElasticsearchSettings', roles: targetOnly, family: 'search', sslModes: sslNone },
  { name: 'opensearch', displayName: 'Amazon OpenSearch Service', settingsMember: 'ElasticsearchSettings', roles: targetOnly, family: 'search', sslModes: sslNone },
  { name: 'neptune', displayName: 'Amazon Neptune', settingsMember: 'NeptuneSettings', roles: { target: { cdc: false } }, family: 'neptune', sslModes: sslNone },
  { name: 'redis', displayName: 'Redis', settingsMember: 'RedisSettings', roles: targetOnly, family: 'redis', sslModes: sslNone },
  { name: 'timestream', displayName: 'Amazon Timestream', settingsMember: 'TimestreamSettings', roles: targetOnly, family: 'timestream', sslModes: sslNone },
];

export const engines: ReadonlyMap<string, EngineSpec> = new Map(list.map((e) => [e.name, e]));

/** Names some documentation uses for an engine whose API value differs (ModifyEndpoint's doc says "documentdb"). */
const aliases: Readonly<Record<string, string>> = { documentdb: 'docdb' };

export const engineNames = (): string[] => [...engines.keys()].sort();

/** The engine named by a request, or undefined. Engine names are matched case-insensitively. */
export function findEngine(name: string): EngineSpec | undefined {
  const key = name.toLowerCase();
  return engines.get(aliases[key] ?? key);
}

export const rolesOf = (e: EngineSpec): EndpointKind[] => (['source', 'target'] as const).filter((r) => e.roles[r] !== undefined);
