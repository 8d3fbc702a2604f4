/**
 * Configuration from flags and environment variables (flags win), validated once at start.
 * Every setting has an embedded default so `opendms serve` works on a fresh clone.
 */
import { isAbsolute, resolve } from 'node:path';
import { logLevels, type LogLevel } from './common/logger.js';
import type { S3Settings } from './storage/object-store-factory.js';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Local folder that stands in for S3 (assessment reports, exports); `<data-dir>/s3` by default. */
  readonly resultsDir: string;
  /** A real S3-compatible server for results; when set it replaces `resultsDir`. */
  readonly s3?: S3Settings;
  readonly logLevel: LogLevel;
  readonly credentialsFile?: string;
  /** How long a replication instance stays `creating` / `modifying` / `rebooting`. */
  readonly provisioningDelayMs: number;
  /** How long a stopped or failed DMS Serverless replication keeps its capacity before it is deprovisioned. */
  readonly replicationDeprovisionMs: number;
  /** Account quotas for DescribeAccountAttributes and ResourceQuotaExceededFault. */
  readonly quotas: Readonly<Record<string, number>>;
}

export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly default: string;
}

/** The settings table the README documents (kept in one place so they cannot drift). */
export const options: readonly OptionSpec[] = [
  { flag: '--host', env: 'OPENDMS_HOST', description: 'Address to listen on. A non-loopback address requires a credentials file.', default: '127.0.0.1' },
  { flag: '--port', env: 'OPENDMS_PORT', description: 'TCP port of the API (0 picks a free one).', default: '9329' },
  { flag: '--data-dir', env: 'OPENDMS_DATA_DIR', description: 'Folder for the state (SQLite), logs and secrets.', default: './.opendms' },
  { flag: '--results-dir', env: 'OPENDMS_RESULTS_DIR', description: 'Local folder used as the S3-compatible store for reports and exports (one sub-folder per bucket).', default: '<data-dir>/s3' },
  { flag: '--s3-endpoint', env: 'OPENDMS_S3_ENDPOINT', description: 'http(s)://host[:port] of an S3-compatible server; when set, reports and exports go there instead of --results-dir.', default: '(none: the local results folder)' },
  { flag: '--s3-region', env: 'OPENDMS_S3_REGION', description: 'Region the S3 requests are signed for.', default: 'us-east-1' },
  { flag: '--s3-path-style', env: 'OPENDMS_S3_PATH_STYLE', description: 'true: endpoint/bucket/key (most self-hosted servers); false: bucket.endpoint/key (virtual-hosted).', default: 'true' },
  { flag: '--log-level', env: 'OPENDMS_LOG_LEVEL', description: `Server log level: ${logLevels.join(', ')}.`, default: 'info' },
  { flag: '--credentials-file', env: 'OPENDMS_CREDENTIALS_FILE', description: 'JSON list of {accessKeyId, secretAccessKey, accountId}; when set, SigV4 signatures are verified.', default: '(none: any well-formed signature, loopback only)' },
  { flag: '--provisioning-delay-ms', env: 'OPENDMS_PROVISIONING_DELAY_MS', description: 'Time a replication instance spends creating, modifying or rebooting.', default: '3000' },
  { flag: '--replication-deprovision-ms', env: 'OPENDMS_REPLICATION_DEPROVISION_MS', description: 'Idle time after which a stopped or failed serverless replication is deprovisioned (ReplicationDeprovisionTime); starting it again provisions again.', default: '3600000' },
  { flag: '--quotas', env: 'OPENDMS_QUOTAS', description: 'Account quotas as NAME=N,NAME=N (e.g. ReplicationInstances=20,EndpointsPerInstance=100).', default: 'DMS defaults' },
];

/**
 * Settings read only from the environment: secrets given as flags would show in `ps` and in
 * shell history. Both or neither; when absent the AWS SDK's default credential chain answers.
 */
export const envOnlyOptions: readonly Omit<OptionSpec, 'flag'>[] = [
  { env: 'OPENDMS_S3_ACCESS_KEY_ID', description: 'Access key id for --s3-endpoint.', default: "(the AWS SDK's default chain)" },
  { env: 'OPENDMS_S3_SECRET_ACCESS_KEY', description: 'Secret access key for --s3-endpoint (never logged or printed).', default: "(the AWS SDK's default chain)" },
];

/** DMS's default account quotas (names as DescribeAccountAttributes returns them). */
export const defaultQuotas: Readonly<Record<string, number>> = {
  ReplicationInstances: 60,
  AllocatedStorage: 30000,
  Endpoints: 1000,
  EndpointsPerInstance: 100,
  ReplicationTasks: 600,
  ReplicationSubnetGroups: 60,
  SubnetsPerReplicationSubnetGroup: 60,
  EventSubscriptions: 60,
  Certificates: 100,
};

export class ConfigError extends Error {}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const spec = options.find((o) => o.flag === flag);
    if (!spec) throw new ConfigError(`unknown option ${flag}; options: ${options.map((o) => o.flag).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    given.set(spec.flag, value);
  }
  const get = (flag: string): string | undefined => given.get(flag) ?? env[options.find((o) => o.flag === flag)!.env];

  const host = get('--host') ?? '127.0.0.1';
  const portText = get('--port') ?? '9329';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a TCP port number (0-65535), got '${portText}'`);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(get('--data-dir') ?? './.opendms');
  const resultsDir = abs(get('--results-dir') ?? `${dataDir}/s3`);
  const logLevel = (get('--log-level') ?? 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${logLevels.join(', ')}, got '${logLevel}'`);
  const delayText = get('--provisioning-delay-ms') ?? '3000';
  const provisioningDelayMs = Number(delayText);
  if (!Number.isInteger(provisioningDelayMs) || provisioningDelayMs < 0) throw new ConfigError(`--provisioning-delay-ms must be a whole number of milliseconds, got '${delayText}'`);
  const deprovisionText = get('--replication-deprovision-ms') ?? '3600000';
  const replicationDeprovisionMs = Number(deprovisionText);
  if (!Number.isInteger(replicationDeprovisionMs) || replicationDeprovisionMs < 0) {
    throw new ConfigError(`--replication-deprovision-ms must be a whole number of milliseconds, got '${deprovisionText}'`);
  }
  const quotas: Record<string, number> = { ...defaultQuotas };
  const quotaText = get('--quotas');
  if (quotaText) {
    for (const part of quotaText.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, n] = part.split('=') as [string, string?];
      if (!(name in defaultQuotas)) throw new ConfigError(`unknown quota '${name}' in --quotas; known: ${Object.keys(defaultQuotas).join(', ')}`);
      const v = Number(n);
      if (!Number.isInteger(v) || v < 0) throw new ConfigError(`quota ${name} must be a whole number, got '${n ?? ''}'`);
      quotas[name] = v;
    }
  }
  const credentialsFile = get('--credentials-file');
  const s3 = s3Settings(get, env);
  return { host, port, dataDir, resultsDir, ...(s3 ? { s3 } : {}), logLevel, provisioningDelayMs, replicationDeprovisionMs, quotas, ...(credentialsFile ? { credentialsFile: abs(credentialsFile) } : {}) };
}

/** The S3 settings when an endpoint is given; S3 settings without one are a mistake, not a silent local fallback. */
function s3Settings(get: (flag: string) => string | undefined, env: NodeJS.ProcessEnv): S3Settings | undefined {
  const endpointText = get('--s3-endpoint');
  const region = get('--s3-region');
  const pathStyleText = get('--s3-path-style');
  const accessKeyId = env.OPENDMS_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.OPENDMS_S3_SECRET_ACCESS_KEY || undefined;
  if (!endpointText) {
    const stray = [region && '--s3-region', pathStyleText && '--s3-path-style', accessKeyId && 'OPENDMS_S3_ACCESS_KEY_ID', secretAccessKey && 'OPENDMS_S3_SECRET_ACCESS_KEY'].filter(Boolean);
    if (stray.length) throw new ConfigError(`${stray.join(', ')} set without --s3-endpoint (OPENDMS_S3_ENDPOINT): results would go to the local --results-dir; set the endpoint or remove them`);
    return undefined;
  }
  if (!accessKeyId !== !secretAccessKey) {
    throw new ConfigError(`set both OPENDMS_S3_ACCESS_KEY_ID and OPENDMS_S3_SECRET_ACCESS_KEY, or neither to use the AWS SDK's default credentials; only ${accessKeyId ? 'OPENDMS_S3_ACCESS_KEY_ID' : 'OPENDMS_S3_SECRET_ACCESS_KEY'} is set`);
  }
  let pathStyle = true;
  if (pathStyleText !== undefined) {
    if (pathStyleText !== 'true' && pathStyleText !== 'false') throw new ConfigError(`--s3-path-style must be true or false, got '${pathStyleText}'`);
    pathStyle = pathStyleText === 'true';
  }
  if (region !== undefined && !/^[a-z0-9-]+$/.test(region)) throw new ConfigError(`--s3-region must be a region name like us-east-1, got '${region}'`);
  return {
    endpoint: s3Endpoint(endpointText),
    region: region ?? 'us-east-1',
    forcePathStyle: pathStyle,
    ...(accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : {}),
  };
}

/** `http(s)://host[:port]`, nothing more: credentials in the URL would show in `ps`, and a path would be mistaken for a bucket. */
function s3Endpoint(text: string): string {
  const hint = 'give http(s)://host[:port], e.g. http://127.0.0.1:9000 or https://s3.us-east-1.amazonaws.com';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--s3-endpoint '${text.replace(/\/\/[^/@]*@/, '//***@')}' is not a URL: ${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`--s3-endpoint '${text}' must use http or https, not ${url.protocol.replace(/:$/, '')}: ${hint}`);
  if (url.username || url.password) throw new ConfigError(`--s3-endpoint must not carry credentials (they would show in ps); set OPENDMS_S3_ACCESS_KEY_ID and OPENDMS_S3_SECRET_ACCESS_KEY instead`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new ConfigError(`--s3-endpoint '${url.origin}${url.pathname}' has a path or query; ${hint} (the bucket comes from each S3 path)`);
  return url.origin;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
