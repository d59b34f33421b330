/**
 * Small tmpfs mounts for disk-full and read-only tests. Mounting needs root (CI and this
 * machine have it); elsewhere mountTmpfs returns null and the tests fall back to a simulated
 * failure (setSaveHooks) or to permissions, and say so in their output.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  path: string;
  /** Remounts the file system read-only (files written before stay readable). */
  makeReadOnly(): void;
  unmount(): void;
}

export function mountTmpfs(bytes: number): Tmpfs | null {
  const path = mkdtempSync(join(tmpdir(), 'opticspace-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    rmSync(path, { recursive: true, force: true });
    return null;
  }
  return {
    path,
    makeReadOnly: () => execFileSync('mount', ['-o', 'remount,ro', path], { stdio: 'ignore' }),
    unmount: () => {
      execFileSync('umount', [path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
