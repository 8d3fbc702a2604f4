/** Puts secrets straight into a server's local secret store, as `opendms secrets put` does. */
import { systemClock } from '../../src/common/clock.js';
import { createRepositories } from '../../src/control/repositories.js';
import type { SecretValue } from '../../src/control/secrets/record.js';
import { SecretStore } from '../../src/control/secrets/secret-store.js';
import { Store } from '../../src/store/store.js';

export function putLocalSecrets(dataDir: string, secrets: Readonly<Record<string, SecretValue>>): void {
  const store = new Store(dataDir);
  try {
    const repo = new SecretStore(store, createRepositories(store).secrets, systemClock);
    for (const [id, value] of Object.entries(secrets)) repo.put(id, value);
  } finally {
    store.close();
  }
}
