/**
 * Rules of endpoints: engine and role, the engine's settings block, connection values, SSL and
 * certificates, identifiers, quotas. Every change runs in one store transaction.
 */
import type { Scope } from '../../api/dispatch.js';
import type { DmsSslModeValue, Tag } from '../../api/generated/shapes.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import { removeConnectionsOf } from '../connections/connection-cleanup.js';
import type { ControlDeps } from '../deps.js';
import { newArn, parseArn } from '../shared/arn.js';
import { alreadyExists, notFound, quotaExceeded, requireByArn } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { defaultKmsKeyId } from './default-kms-key.js';
import { tasksUsingEndpoint } from './endpoint-users.js';
import { engineNames, findEngine, rolesOf, type EngineSpec, type SettingsMember } from './engines.js';
import { checkExtraConnectionAttributes } from './extra-connection-attributes.js';
import type { EndpointKind, EndpointRecord } from './record.js';
import { checkBlocksBelong, liftConnectionValues, type ConnectionValues } from './settings-blocks.js';

/** The members CreateEndpoint and ModifyEndpoint share, in the service's terms. */
export interface EndpointFields {
  readonly endpointType?: EndpointKind;
  readonly engineName?: string;
  readonly username?: string;
  readonly password?: string;
  readonly serverName?: string;
  readonly port?: number;
  readonly databaseName?: string;
  readonly extraConnectionAttributes?: string;
  readonly certificateArn?: string;
  readonly sslMode?: DmsSslModeValue;
  readonly serviceAccessRoleArn?: string;
  readonly externalTableDefinition?: string;
  /** The settings blocks of the request, by AWS member name. */
  readonly settings: ReadonlyMap<SettingsMember, Record<string, unknown>>;
}

export interface CreateEndpointInput extends EndpointFields {
  readonly identifier: string;
  readonly endpointType: EndpointKind;
  readonly engineName: string;
  readonly kmsKeyId?: string;
  readonly resourceIdentifier?: string;
  readonly tags?: readonly Tag[];
}

export interface ModifyEndpointInput extends EndpointFields {
  readonly identifier?: string;
  /** true: a given block replaces the stored one; false (default): its members are merged in. */
  readonly exactSettings?: boolean;
}

export class EndpointService {
  constructor(private readonly deps: ControlDeps) {}

  create(scope: Scope, input: CreateEndpointInput): EndpointRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const identifier = checkIdentifier('EndpointIdentifier', input.identifier).toLowerCase();
    const engine = requireEngine(input.engineName);
    checkRole(engine, input.endpointType);
    checkBlocksBelong(engine, input.settings);
    const lifted = liftConnectionValues(engine.settingsMember, input.settings.get(engine.settingsMember), topLevelValues(input));
    const arn = newArn(scope, 'endpoint', input.resourceIdentifier);
    return store.tx(() => {
      if (repos.endpoints.byIdentifier(scope, identifier)) {
        throw alreadyExists('Endpoint', identifier, repos.endpoints.byIdentifier(scope, identifier)!.arn);
      }
      if (repos.endpoints.get(arn)) throw alreadyExists('Endpoint with ResourceIdentifier', input.resourceIdentifier ?? arn, arn);
      const max = settings.quotas.Endpoints ?? Infinity;
      if (repos.endpoints.count(scope) >= max) throw quotaExceeded('Endpoints', max);
      const record: EndpointRecord = withConnectionValues(
        {
          arn,
          identifier,
          endpointType: input.endpointType,
          engineName: engine.name,
          engineDisplayName: engine.displayName,
          status: 'active',
          kmsKeyId: input.kmsKeyId ?? defaultKmsKeyId(scope),
          sslMode: input.sslMode ?? 'none',
          ...optional('extraConnectionAttributes', input.extraConnectionAttributes),
          ...optional('certificateArn', input.certificateArn || undefined),
          ...optional('serviceAccessRoleArn', input.serviceAccessRoleArn),
          ...optional('externalTableDefinition', input.externalTableDefinition),
          settings: lifted.rest ? { [engine.settingsMember]: lifted.rest } : {},
          createdAt: clock.now().toISOString(),
        },
        lifted.values,
      );
      this.check(scope, record, engine);
      repos.endpoints.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  modify(scope: Scope, arn: string, input: ModifyEndpointInput): EndpointRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, arn);
      const engine = input.engineName !== undefined ? requireEngine(input.engineName) : requireEngine(current.engineName);
      if (engine.family !== requireEngine(current.engineName).family) {
        const compatible = engineNames().filter((n) => findEngine(n)!.family === requireEngine(current.engineName).family && n !== current.engineName);
        throw invalidCombination(
          `Endpoint ${current.identifier} cannot change its engine from ${current.engineName} to ${engine.name}: the engines use different settings and protocols. ` +
            (compatible.length ? `It can move to ${compatible.join(', ')}; ` : 'It cannot move to another engine; ') +
            'otherwise create a new endpoint.',
        );
      }
      const kind = input.endpointType ?? current.endpointType;
      checkRole(engine, kind);
      checkBlocksBelong(engine, input.settings);

      let identifier = current.identifier;
      if (input.identifier !== undefined) {
        identifier = checkIdentifier('EndpointIdentifier', input.identifier).toLowerCase();
        const other = repos.endpoints.byIdentifier(scope, identifier);
        if (other && other.arn !== current.arn) throw alreadyExists('Endpoint', identifier, other.arn);
      }

      const given = input.settings.get(engine.settingsMember);
      const lifted = liftConnectionValues(engine.settingsMember, given, topLevelValues(input));
      const stored = current.settings[engine.settingsMember];
      // ExactSettings (DMS semantics): true replaces the block; false merges member by member.
      const block = lifted.rest === undefined ? stored : input.exactSettings === true ? lifted.rest : { ...(stored ?? {}), ...lifted.rest };
      const next = withConnectionValues(
        {
          ...current,
          identifier,
          endpointType: kind,
          engineName: engine.name,
          engineDisplayName: engine.displayName,
          ...(input.sslMode !== undefined ? { sslMode: input.sslMode } : {}),
          ...optional('extraConnectionAttributes', input.extraConnectionAttributes),
          ...optional('certificateArn', input.certificateArn),
          ...optional('serviceAccessRoleArn', input.serviceAccessRoleArn),
          ...optional('externalTableDefinition', input.externalTableDefinition),
          settings: block ? { [engine.settingsMember]: block } : {},
        },
        lifted.values,
      );
      // An empty CertificateArn takes the certificate off the endpoint.
      if (input.certificateArn === '') delete (next as { certificateArn?: string }).certificateArn;
      this.check(scope, next, engine);
      // Connections are kept: DMS keeps them, and the next TestConnection refreshes them.
      return repos.endpoints.update(next);
    });
  }

  /** Removes the endpoint, its connections and tags; returns it as DMS does, with Status `deleting`. */
  delete(scope: Scope, arn: string): EndpointRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, arn);
      tasksUsingEndpoint(this.deps, scope, current);
      removeConnectionsOf(repos, scope, { endpointArn: current.arn });
      repos.endpoints.delete(current.arn);
      tags.removeAll(current.arn);
      return { ...current, status: 'deleting' };
    });
  }

  get(scope: Scope, arn: string): EndpointRecord {
    return requireByArn(this.deps.repos.endpoints, scope, arn, 'Endpoint');
  }

  list(scope: Scope): EndpointRecord[] {
    return this.deps.repos.endpoints.list(scope);
  }

  /** The rules that hold for every stored endpoint, checked on the record about to be written. */
  private check(scope: Scope, r: EndpointRecord, engine: EngineSpec): void {
    if (r.port !== undefined && (r.port < 1 || r.port > 65535)) throw invalidParameter(`Port ${r.port} is not valid: give a TCP port from 1 to 65535.`);
    if (r.extraConnectionAttributes !== undefined) checkExtraConnectionAttributes(r.extraConnectionAttributes);
    if (!engine.sslModes.includes(r.sslMode as DmsSslModeValue)) {
      throw invalidParameter(
        engine.sslModes.length === 1
          ? `SslMode ${r.sslMode} does not apply to engine ${engine.name}: DMS connects to it securely by default, so SslMode must be none (use the engine's settings block for its own TLS options).`
          : `SslMode ${r.sslMode} is not supported for engine ${engine.name}; supported: ${engine.sslModes.join(', ')}.`,
      );
    }
    // verify-ca and verify-full check the server's certificate against a CA, so DMS needs the
    // CA certificate (the console asks for it for these modes, for every engine).
    if ((r.sslMode === 'verify-ca' || r.sslMode === 'verify-full') && !r.certificateArn) {
      throw invalidCombination(`SslMode ${r.sslMode} needs a CertificateArn: import the CA certificate with ImportCertificate and give its ARN, or use another SslMode.`);
    }
    if (r.certificateArn) this.requireCertificate(scope, 'CertificateArn', r.certificateArn);
    // Kafka and Redis name imported certificates inside their blocks (SslCaCertificateArn ...).
    for (const [member, block] of Object.entries(r.settings)) {
      for (const [name, value] of Object.entries(block)) {
        if (name.endsWith('CertificateArn') && typeof value === 'string' && parseArn(value)?.type === 'cert') {
          this.requireCertificate(scope, `${member}.${name}`, value);
        }
      }
    }
  }

  private requireCertificate(scope: Scope, member: string, arn: string): void {
    if (!this.deps.repos.certificates.getInScope(scope, arn)) {
      throw notFound(`Certificate given as ${member}`, `${arn} (import it with ImportCertificate first)`);
    }
  }
}

function requireEngine(name: string): EngineSpec {
  const engine = findEngine(name);
  if (!engine) throw invalidParameter(`EngineName '${name}' is not valid; valid engine names: ${engineNames().join(', ')}.`);
  return engine;
}

function checkRole(engine: EngineSpec, kind: EndpointKind): void {
  if (!engine.roles[kind]) {
    const roles = rolesOf(engine);
    throw invalidParameter(`Engine ${engine.name} cannot be a ${kind} endpoint; DMS supports it as a ${roles.join(' or ')} only.`);
  }
}

function topLevelValues(f: EndpointFields): ConnectionValues {
  return {
    ...(f.serverName !== undefined ? { ServerName: f.serverName } : {}),
    ...(f.port !== undefined ? { Port: f.port } : {}),
    ...(f.databaseName !== undefined ? { DatabaseName: f.databaseName } : {}),
    ...(f.username !== undefined ? { Username: f.username } : {}),
    ...(f.password !== undefined ? { Password: f.password } : {}),
  };
}

/** Writes the connection values of a request onto the record; members not given keep their value. */
function withConnectionValues(r: EndpointRecord, v: ConnectionValues): EndpointRecord {
  return {
    ...r,
    ...optional('serverName', v.ServerName),
    ...optional('port', v.Port),
    ...optional('databaseName', v.DatabaseName),
    ...optional('username', v.Username),
    ...optional('password', v.Password),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
