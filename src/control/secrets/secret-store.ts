/**
 * The local secret store: secrets in the data folder's SQLite store (resource kind
 * `local-secret`), shared by the server and the `opendms secrets` command, which may write
 * while the server runs (WAL). Secrets belong to the OpenDMS installation, not to an account
 * or region: an ARN's account and region are not checked, only the name in it is used.
 */
import type { Clock } from '../../common/clock.js';
import type { ResourceRepository, ScopeKey } from '../../store/resource-repository.js';
import type { Store } from '../../store/store.js';
import type { SecretRecord, SecretValue } from './record.js';
import { secretNameCandidates, secretNameForPut } from './secret-id.js';

/** The one scope the store's rows live in (they are not DMS resources of an account). */
export const localSecretScope: ScopeKey = { account: 'local', region: 'local' };

export interface SecretSummary {
  readonly name: string;
  readonly changedAt: string;
}

/** Reads secrets: what a connection needs (SecretStore is one; `secretReader` makes one from the repository alone). */
export interface SecretReader {
  /** The secret a name or ARN refers to, or undefined; throws SecretIdError for an id of the wrong form. */
  get(id: string): SecretRecord | undefined;
}

export function secretReader(repo: ResourceRepository<SecretRecord>): SecretReader {
  return {
    get(id) {
      for (const name of secretNameCandidates(id)) {
        const found = repo.byIdentifier(localSecretScope, name);
        if (found) return found;
      }
      return undefined;
    },
  };
}

export class SecretStore implements SecretReader {
  constructor(
    private readonly store: Store,
    private readonly repo: ResourceRepository<SecretRecord>,
    private readonly clock: Clock,
  ) {}

  /** Stores a value under the id's name; true when the secret is new, false when replaced. */
  put(id: string, value: SecretValue): { readonly name: string; readonly created: boolean } {
    const name = secretNameForPut(id);
    return this.store.tx(() => {
      const current = this.repo.byIdentifier(localSecretScope, name);
      const record: SecretRecord = { arn: keyOf(name), identifier: name, value, changedAt: this.clock.now().toISOString() };
      if (current) this.repo.update(record);
      else this.repo.insert(localSecretScope, record);
      return { name, created: !current };
    });
  }

  /** The secret a name or ARN refers to, or undefined. */
  get(id: string): SecretRecord | undefined {
    return secretReader(this.repo).get(id);
  }

  /** Removes the secret a name or ARN refers to; returns its name, or undefined when there is none. */
  delete(id: string): string | undefined {
    return this.store.tx(() => {
      const found = this.get(id);
      if (!found) return undefined;
      this.repo.delete(found.arn);
      return found.identifier;
    });
  }

  /** Names and change times only, sorted by name. */
  list(): SecretSummary[] {
    return this.repo
      .list(localSecretScope)
      .map((r) => ({ name: r.identifier, changedAt: r.changedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

const keyOf = (name: string): string => `opendms:local-secret:${name}`;
