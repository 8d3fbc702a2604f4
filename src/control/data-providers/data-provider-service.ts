/**
 * Rules of data providers: a unique name; settings in the engine's DataProviderSettings member;
 * a ServerName unless the provider is virtual; a port in range; verify-ca / verify-full with
 * an imported certificate; a provider used by a migration project cannot be deleted.
 */
import type { Scope } from '../../api/dispatch.js';
import type { Tag } from '../../api/generated/shapes.js';
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import { parseS3Path } from '../../storage/object-store.js';
import type { ControlDeps } from '../deps.js';
import { nameFromArn, requireByNameOrArn } from '../migration-projects/by-name-or-arn.js';
import { newArn, parseArn } from '../shared/arn.js';
import { alreadyExists, invalidState, notFound, quotaExceeded } from '../shared/faults.js';
import { checkIdentifier } from '../shared/identifiers.js';
import { checkEngine, checkEngineChange, checkSettingsMember } from './data-provider-engines.js';
import type { DataProviderRecord } from './record.js';

/** The one member of the request's DataProviderSettings union, with its name. */
export interface GivenSettings {
  readonly member: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface CreateDataProviderInput {
  readonly name?: string;
  readonly description?: string;
  readonly engine: string;
  readonly virtual?: boolean;
  readonly settings: GivenSettings;
  readonly tags?: readonly Tag[];
}

export interface ModifyDataProviderInput {
  readonly name?: string;
  readonly description?: string;
  readonly engine?: string;
  readonly virtual?: boolean;
  /** true: the given settings replace the stored ones; false (default): they are merged in, member by member. */
  readonly exactSettings?: boolean;
  readonly settings?: GivenSettings;
}

export class DataProviderService {
  constructor(private readonly deps: ControlDeps) {}

  create(scope: Scope, input: CreateDataProviderInput): DataProviderRecord {
    const { repos, tags, store, clock, settings } = this.deps;
    const engine = checkEngine(input.engine);
    checkSettingsMember(engine, input.settings.member);
    const arn = newArn(scope, 'data-provider');
    const identifier = input.name !== undefined ? checkIdentifier('DataProviderName', input.name) : nameFromArn(arn);
    return store.tx(() => {
      const existing = repos.dataProviders.byIdentifier(scope, identifier);
      if (existing) throw alreadyExists('Data provider', identifier, existing.arn);
      const max = settings.quotas.DataProviders ?? Infinity;
      if (repos.dataProviders.count(scope) >= max) throw quotaExceeded('DataProviders', max);
      const record: DataProviderRecord = {
        arn,
        identifier,
        engine,
        virtual: input.virtual ?? false,
        settingsMember: input.settings.member,
        settings: { ...input.settings.values },
        createdAt: clock.now().toISOString(),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      this.check(scope, record);
      repos.dataProviders.insert(scope, record);
      tags.attach(record.arn, input.tags);
      return record;
    });
  }

  modify(scope: Scope, id: string, input: ModifyDataProviderInput): DataProviderRecord {
    const { repos, store } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      let identifier = current.identifier;
      if (input.name !== undefined && input.name !== current.identifier) {
        identifier = checkIdentifier('DataProviderName', input.name);
        const other = repos.dataProviders.byIdentifier(scope, identifier);
        if (other) throw alreadyExists('Data provider', identifier, other.arn);
      }
      const engine = input.engine !== undefined ? checkEngine(input.engine) : current.engine;
      if (engine !== current.engine) checkEngineChange(current.engine, engine, current.settingsMember, input.settings !== undefined);
      let member = current.settingsMember;
      let values = current.settings;
      if (input.settings) {
        checkSettingsMember(engine, input.settings.member);
        // ExactSettings (the model's semantics): Y replaces every setting; N replaces the
        // settings given and adds new ones. Settings of another member never merge.
        const merge = input.exactSettings !== true && input.settings.member === current.settingsMember;
        member = input.settings.member;
        values = merge ? { ...current.settings, ...input.settings.values } : { ...input.settings.values };
      }
      const next: DataProviderRecord = {
        ...current,
        identifier,
        engine,
        virtual: input.virtual ?? current.virtual,
        settingsMember: member,
        settings: values,
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      this.check(scope, next);
      return repos.dataProviders.update(next);
    });
  }

  delete(scope: Scope, id: string): DataProviderRecord {
    const { repos, store, tags } = this.deps;
    return store.tx(() => {
      const current = this.get(scope, id);
      const users = repos.migrationProjects.list(scope).filter((p) => p.source.dataProviderArn === current.arn || p.target.dataProviderArn === current.arn);
      if (users.length > 0) {
        throw invalidState(
          `Data provider ${current.identifier} is used by migration project(s) ${users.map((p) => p.identifier).join(', ')}; give those projects another data provider with ModifyMigrationProject, or delete them, then delete it.`,
        );
      }
      repos.dataProviders.delete(current.arn);
      tags.removeAll(current.arn);
      return current;
    });
  }

  get(scope: Scope, id: string): DataProviderRecord {
    return requireByNameOrArn(this.deps.repos.dataProviders, scope, id, 'Data provider');
  }

  list(scope: Scope): DataProviderRecord[] {
    return this.deps.repos.dataProviders.list(scope);
  }

  /** The rules every stored data provider satisfies, checked on the record about to be written. */
  private check(scope: Scope, r: DataProviderRecord): void {
    const s = r.settings;
    const where = `Settings.${r.settingsMember}`;
    if (!r.virtual && (typeof s.ServerName !== 'string' || s.ServerName.trim() === '')) {
      throw invalidParameter(`${where}.ServerName is required: give the database server's host name or IP address (only a virtual data provider may go without one).`);
    }
    if (s.Port !== undefined && (typeof s.Port !== 'number' || !Number.isInteger(s.Port) || s.Port < 1 || s.Port > 65535)) {
      throw invalidParameter(`${where}.Port ${String(s.Port)} is not valid: give a TCP port from 1 to 65535.`);
    }
    if ((s.SslMode === 'verify-ca' || s.SslMode === 'verify-full') && !s.CertificateArn) {
      throw invalidCombination(`${where}.SslMode ${s.SslMode} needs a CertificateArn: import the CA certificate with ImportCertificate and give its ARN, or use another SslMode.`);
    }
    if (typeof s.CertificateArn === 'string' && s.CertificateArn !== '') {
      if (parseArn(s.CertificateArn)?.type !== 'cert' || !this.deps.repos.certificates.getInScope(scope, s.CertificateArn)) {
        throw notFound(`Certificate given as ${where}.CertificateArn`, `${s.CertificateArn} (import it with ImportCertificate first)`);
      }
    }
    if (typeof s.S3Path === 'string' && s.S3Path !== '') parseS3Path(s.S3Path, `${where}.S3Path`);
  }
}
