/** Assertions on the typed errors connectors raise. */
import assert from 'node:assert/strict';
import { ConnectorError } from '../../src/connectors/spi/index.js';

/** `p` rejects with a ConnectorError of this kind whose message (and hint) match. */
export async function rejectsWith(p: Promise<unknown>, kind: string, message: RegExp, hint?: RegExp): Promise<ConnectorError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof ConnectorError, `expected a ConnectorError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  assert.match(caught.message, message);
  if (hint) assert.match(caught.hint, hint);
  return caught;
}
