/**
 * Runs one connector operation under the caller's signal and an overall deadline, and maps
 * its failure: the caller's abort stays the caller's reason; the deadline becomes a typed
 * timeout; anything else goes through the engine's classifier.
 */
import { ConnectorError, hints, type ErrorClassifier } from './connection-error.js';

export async function withDeadline<T>(opts: {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly target: string;
  readonly classify: ErrorClassifier;
  readonly run: (signal: AbortSignal) => Promise<T>;
}): Promise<T> {
  const { signal, timeoutMs, target, classify, run } = opts;
  signal.throwIfAborted();
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const combined = AbortSignal.any([signal, deadline]);
    // Raced with the signal so that a driver which never settles after being torn down
    // cannot hold the caller: the session's abort listener already destroyed its socket.
    return await Promise.race([run(combined), rejectOnAbort(combined)]);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof ConnectorError) throw err;
    if (deadline.aborted) {
      throw new ConnectorError(
        { kind: 'timeout', message: `${target} did not answer within ${Math.round(timeoutMs / 1000)} s`, hint: hints.timeout },
        { cause: err },
      );
    }
    throw new ConnectorError(classify(err), { cause: err });
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}
