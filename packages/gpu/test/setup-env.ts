// Mesa's Vulkan loader wants a runtime dir; CI machines often have none.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

if (!process.env.XDG_RUNTIME_DIR) {
  const dir = `${tmpdir()}/opticspace-xdg-${process.getuid?.() ?? 0}`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}
