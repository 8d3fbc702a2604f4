/** ErrorBehavior RecoverableError* settings as change data capture's reconnect waits (task-run.ts retryWaitMs). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryWaitMs } from '../../src/engine/task-run.js';

const dms = { count: -1, intervalSeconds: 5, throttling: true, throttlingMaxSeconds: 1800, stopAfterThrottlingMax: true };

describe('reconnect waits', () => {
  it("DMS's defaults: 5 s doubling up to 1800 s, then give up after one wait at the maximum", () => {
    const waits: number[] = [];
    for (let a = 1; ; a++) {
      const w = retryWaitMs(dms, a);
      if (w === undefined) break;
      waits.push(w / 1000);
    }
    assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1280, 1800]);
  });
  it('a count bounds the retries; without throttling every wait is the interval; without the stop the maximum repeats', () => {
    assert.equal(retryWaitMs({ ...dms, count: 2 }, 2), 10_000);
    assert.equal(retryWaitMs({ ...dms, count: 2 }, 3), undefined);
    assert.equal(retryWaitMs({ ...dms, count: 0 }, 1), undefined);
    assert.equal(retryWaitMs({ ...dms, throttling: false }, 7), 5_000);
    assert.equal(retryWaitMs({ ...dms, stopAfterThrottlingMax: false }, 40), 1_800_000);
  });
});
