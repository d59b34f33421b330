#!/usr/bin/env node
// One setup step shared by `npm start`, `npm test` and CI: installs what is missing.
//  1. Debian packages (software Vulkan from bookworm-backports, chromium) when running on Debian.
//  2. npm packages through the pinned pnpm (12.4.2), without needing pnpm preinstalled.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@12.4.2';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`opticspace setup: '${cmd} ${args.join(' ')}' failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

if (process.platform === 'linux' && existsSync('/etc/debian_version') && !process.env.OPTICSPACE_SKIP_SYSTEM_DEPS) {
  run('bash', [resolve(root, 'scripts/install-system-deps.sh')]);
}

// pnpm install is quick when nothing changed, so it always runs; CI insists on the lockfile.
const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
run('npx', ['--yes', PNPM, 'install', ...frozen]);
