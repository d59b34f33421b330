/**
 * The package linters, run on the tarballs themselves: publint (`--strict`: warnings are
 * errors) and arethetypeswrong with the `esm-only` profile (the packages are ES modules; CommonJS
 * apps load them through require(esm), which attw's resolution table still reports as
 * "dynamic import only", so its node16-from-CJS column is informative, not a failure).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../build-packages';

export interface LintResult {
  tool: 'publint' | 'attw';
  ok: boolean;
  output: string;
}

function run(tool: LintResult['tool'], args: string[]): LintResult {
  const result = spawnSync(join(ROOT, 'node_modules/.bin', tool), args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { tool, ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

export function publint(tarball: string): LintResult {
  return run('publint', ['run', '--strict', '--pack', 'false', tarball]);
}

export function arethetypeswrong(tarball: string): LintResult {
  return run('attw', ['--profile', 'esm-only', '--format', 'table-flipped', '--no-color', tarball]);
}
