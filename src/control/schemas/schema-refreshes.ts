/**
 * The background half of RefreshSchemas: reads the endpoint's real catalog and moves the
 * refresh from `refreshing` to `successful` (with the schema names) or `failed`.
 */
import type { Connectors } from '../../connectors/registry.js';
import { ConnectorError } from '../../connectors/spi/index.js';
import { messageOf } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { BackgroundAttempts } from '../connections/background-attempts.js';
import { endpointTarget } from '../connections/endpoint-target.js';
import type { SchemaRefreshRecord } from './record.js';

/** The scheduler step kind of a schema refresh. */
export const schemaRefreshStep = 'schema-refresh';

export function schemaRefreshes(deps: ControlDeps, connectors: Connectors): BackgroundAttempts {
  const { repos, store, clock, log } = deps;

  const current = (key: string): SchemaRefreshRecord | undefined => {
    const r = repos.schemaRefreshes.get(key);
    return r?.status === 'refreshing' ? r : undefined;
  };

  const attempts = new BackgroundAttempts(schemaRefreshStep, deps, connectors, {
    current: (key) => current(key)?.attemptId,
    async run(key, attemptId, signal) {
      const record = current(key);
      if (!record || record.attemptId !== attemptId) return;
      const endpoint = repos.endpoints.get(record.endpointArn);
      if (!endpoint) return;
      const target = endpointTarget(repos, connectors, endpoint, 'Schema refreshes');
      let schemas: string[] | undefined;
      let failure: string | undefined;
      if (!target.ok) {
        failure = target.message;
      } else {
        try {
          schemas = await target.connector.listSchemas(target.params, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          failure = err instanceof ConnectorError ? err.explanation : `Unexpected error while reading the catalog: ${messageOf(err)}`;
        }
      }
      store.tx(() => {
        const now = current(key);
        if (!now || now.attemptId !== attemptId) return; // refreshed again or endpoint deleted meanwhile
        const { lastFailureMessage: _previous, ...rest } = now;
        const at = clock.now().toISOString();
        repos.schemaRefreshes.update(
          schemas !== undefined
            ? { ...rest, status: 'successful', schemas, lastRefreshDate: at, schemasRefreshedAt: at }
            : { ...rest, status: 'failed', lastFailureMessage: failure ?? 'unknown reason' },
        );
      });
      log.debug('schema refresh finished', { endpointArn: record.endpointArn, ok: schemas !== undefined });
    },
  });

  attempts.recover(repos.schemaRefreshes.all().filter((r) => r.status === 'refreshing').map((r) => r.arn));
  return attempts;
}
