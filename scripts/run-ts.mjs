#!/usr/bin/env node
// Runs a TypeScript entry point of this repo (CLI, benchmarks) with tsx and the WGSL loader.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
const env = { ...process.env };
if (!env.XDG_RUNTIME_DIR) {
  env.XDG_RUNTIME_DIR = resolve(tmpdir(), `opticspace-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', resolve(root, 'scripts/register-wgsl.mjs'), resolve(process.cwd(), entry), ...args],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
