#!/usr/bin/env node
// Runs the CLI from source through tsx and the WGSL loader (workspace use: `npm run cli -- ...`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const result = spawnSync(process.execPath, [resolve(root, 'scripts/run-ts.mjs'), resolve(root, 'packages/cli/src/main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
