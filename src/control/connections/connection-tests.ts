/**
 * The background half of TestConnection: really connects to the endpoint's database and
 * moves the record from `testing` to `successful` or `failed` with the reason and a hint.
 */
import type { Connectors } from '../../connectors/registry.js';
import { ConnectorError } from '../../connectors/spi/index.js';
import { messageOf } from '../../common/errors.js';
import type { ControlDeps } from '../deps.js';
import { BackgroundAttempts } from './background-attempts.js';
import { endpointTarget } from './endpoint-target.js';
import type { ConnectionRecord } from './record.js';

/** The scheduler step kind of a connection test. */
export const connectionTestStep = 'connection-test';

export function connectionTests(deps: ControlDeps, connectors: Connectors): BackgroundAttempts {
  const { repos, store, log } = deps;

  const current = (key: string): ConnectionRecord | undefined => {
    const r = repos.connections.get(key);
    return r?.status === 'testing' ? r : undefined;
  };

  const attempts = new BackgroundAttempts(connectionTestStep, deps, connectors, {
    current: (key) => current(key)?.attemptId,
    async run(key, attemptId, signal) {
      const record = current(key);
      if (!record || record.attemptId !== attemptId) return;
      const endpoint = repos.endpoints.get(record.endpointArn);
      if (!endpoint) return; // deleted meanwhile: its connections went with it
      const target = endpointTarget(repos, connectors, endpoint, 'Connection tests');
      let failure: string | undefined;
      if (!target.ok) {
        failure = target.message;
      } else {
        try {
          await target.connector.testConnection(target.params, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          failure = err instanceof ConnectorError ? err.explanation : `Unexpected error while connecting: ${messageOf(err)}`;
        }
      }
      store.tx(() => {
        const now = current(key);
        if (!now || now.attemptId !== attemptId) return; // re-tested or deleted meanwhile
        const { lastFailureMessage: _previous, ...rest } = now;
        repos.connections.update(failure === undefined ? { ...rest, status: 'successful' } : { ...rest, status: 'failed', lastFailureMessage: failure });
      });
      log.debug('connection test finished', { endpointArn: record.endpointArn, instanceArn: record.instanceArn, ok: failure === undefined });
    },
  });

  attempts.recover(repos.connections.all().filter((c) => c.status === 'testing').map((c) => c.arn));
  return attempts;
}
