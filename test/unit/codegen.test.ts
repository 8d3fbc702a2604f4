/** Generated code must match what the generator makes from the vendored model. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';

it('src/api/generated is what npm run codegen would write', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/codegen/generate.ts', '--check'], { encoding: 'utf8' });
  assert.match(out, /up to date/);
});
