/** The layer arrows hold: dependency-cruiser checks every import under src/. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

it('no import crosses a forbidden layer boundary (.dependency-cruiser.cjs)', () => {
  const bin = fileURLToPath(new URL('../../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
