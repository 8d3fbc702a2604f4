/** The whole project (sources, tests, scripts) type-checks under strict TypeScript. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { it } from 'node:test';

it('tsc --noEmit reports no errors', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', '.'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
