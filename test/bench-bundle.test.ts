// The GPU-host bench bundle (scripts/bench-bundle): the cheap parts of `pnpm bench:bundle` and
// run.sh. The full build (xz of the Node binary, the Debian .deb) is a manual check, see
// scripts/bench-bundle/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_AREAS } from '../bench/areas';
import {
  BUNDLED_AREAS,
  BUNDLE_LIMIT_BYTES,
  LEFT_OUT_AREAS,
  ROOT,
  bundleEntry,
  bundleImports,
  checkBundleSize,
  checkBundleText,
} from '../scripts/bench-bundle/build';

const RUN_SH = resolve(ROOT, 'scripts/bench-bundle/run.sh');

/** run.sh from the repository (not a built bundle), with a clean PyTorch/Vulkan environment. */
function runSh(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [RUN_SH, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bench areas', () => {
  it('every bench/*.bench.ts is an area of bench/areas.ts, and the bundle runs or names each one', () => {
    const files = readdirSync(resolve(ROOT, 'bench'))
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => f.replace(/\.bench\.ts$/, ''))
      .sort();
    expect(Object.keys(BENCH_AREAS).sort()).toEqual(files);
    expect([...BUNDLED_AREAS, ...Object.keys(LEFT_OUT_AREAS)].sort()).toEqual(files);
  });

  it("run.sh's area list is the builder's", () => {
    const line = /^BUNDLE_AREAS=\(([^)]*)\)$/m.exec(readFileSync(RUN_SH, 'utf8'));
    expect(line?.[1].split(/\s+/)).toEqual(BUNDLED_AREAS);
  });
});

describe('bundle checks', () => {
  it('finds static and lazy package imports, ignoring Node built-ins', () => {
    const code = [
      'import { readFileSync } from "node:fs";',
      'import path from "path";',
      'import { a } from "left-pad";',
      "export { b } from 'other';",
      'const c = require("cjs-dep");',
      'const d = await import(\n  /* @vite-ignore */\n  "webgpu"\n);',
      'const e = await import("node:os");',
    ].join('\n');
    expect(bundleImports(code)).toEqual({ static: ['cjs-dep', 'left-pad', 'other'], lazy: ['webgpu'] });
  });

  it('flags WGSL imports left as module specifiers, not file names in comments', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'bundle-text-'));
    try {
      const check = (code: string) => {
        const file = join(scratch, 'bundle.mjs');
        writeFileSync(file, code);
        return () => checkBundleText(file);
      };
      expect(check("import source from '@shaders/linalg/matmul.wgsl?raw';")).toThrow(/a WGSL import was not inlined/);
      expect(check('const source = await import("./kernel.wgsl");')).toThrow(/a WGSL import was not inlined/);
      expect(check("const source = '// shaders/index/kmeans-status.wgsl\'s constants are prepended';")).not.toThrow();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('refuses a bundle over the size limit and names its largest files', () => {
    const file = (path: string, mib: number) => ({ path, bytes: mib * 2 ** 20, sha256: '' });
    expect(() => checkBundleSize({ files: [file('node.xz', 23), file('dawn.node.xz', 5)], totalBytes: 28 * 2 ** 20 })).not.toThrow();
    expect(() => checkBundleSize({ files: [file('node.xz', 95), file('run.sh', 0)], totalBytes: 95 * 2 ** 20 })).toThrow(/95\.0 MiB, over the 60 MiB limit \(largest: node\.xz 95\.0 MiB/);
    expect(BUNDLE_LIMIT_BYTES).toBe(60 * 2 ** 20);
  });
});

describe('bench/run.ts as one file', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-bundle-test-'));
    bundle = await bundleEntry('bench/run.ts', join(dir, 'bench/run.mjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inlines every WGSL file and imports no package but webgpu', () => {
    expect(() => checkBundleText(bundle)).not.toThrow();
    const code = readFileSync(bundle, 'utf8');
    const matmulWgsl = readFileSync(resolve(ROOT, 'shaders/linalg/matmul.wgsl'), 'utf8');
    expect(code).toContain(JSON.stringify(matmulWgsl).slice(1, -1).slice(0, 400));
    expect(bundleImports(code).lazy).toContain('webgpu');
  });

  it('replaces the left-out areas by a table that says why', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('fallback: not in the bench bundle');
    expect(code).toContain('optical: not in the bench bundle');
    expect(code).not.toContain('chromium.launch'); // fallback.bench.ts's body
    expect(code).not.toContain('createNodeCanvasFactory'); // optical.bench.ts's
  });

  it('runs on its own: usage, and a typed refusal of bad options', () => {
    const help = execFileSync(process.execPath, [bundle, '--help'], { cwd: dir, encoding: 'utf8' });
    expect(help).toContain(`areas: ${Object.keys(BENCH_AREAS).join(', ')}`);
    const bad = spawnSync(process.execPath, [bundle, 'gpu', '--sizes', 'huge'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown --sizes 'huge'");
    const unknownArea = spawnSync(process.execPath, [bundle, 'nope'], { cwd: dir, encoding: 'utf8' });
    expect(unknownArea.status).toBe(2);
    expect(unknownArea.stderr).toContain("unknown area 'nope'");
  });
});

describe('run.sh arguments', () => {
  it('plans the large profile over all areas by default', () => {
    const { status, stdout } = runSh(['--dry-run', '--no-torch']);
    expect(status).toBe(0);
    expect(stdout).toContain('sizes: large');
    expect(stdout).toContain('areas: gpu encoder index');
    expect(stdout).toContain('pytorch: off (--no-torch)');
  });

  it('takes --quick, --areas, --timeout, --out and passes what follows -- to the benches', () => {
    const { status, stdout } = runSh(['--dry-run', '--quick', '--areas', 'index,gpu', '--timeout', '60', '--out', '/tmp/x', '--no-torch', '--', '--dawn-flags', 'a=b']);
    expect(status).toBe(0);
    expect(stdout).toContain('sizes: quick');
    expect(stdout).toContain('areas: index gpu');
    expect(stdout).toContain('timeout per area: 60 s');
    expect(stdout).toContain('out: /tmp/x');
    expect(stdout).toContain('bench args: --dawn-flags a=b');
  });

  it("keeps a caller's Vulkan ICD and uses the bundled loader when asked", () => {
    const { stdout } = runSh(['--dry-run', '--bundled-loader', '--no-torch'], { VK_ICD_FILENAMES: '/opt/icd.json' });
    expect(stdout).toContain('vulkan ICD: /opt/icd.json');
    expect(stdout).toMatch(/vulkan loader: bundled/);
  });

  it('refuses bad arguments with exit status 2 and the usage', () => {
    for (const [args, message] of [
      [['--areas', 'gpu,nope'], "unknown area 'nope'"],
      [['--sizes', 'huge'], "unknown size profile 'huge'"],
      [['--timeout', '0'], 'whole number of seconds'],
      [['--out'], '--out needs a value'],
      [['--frobnicate'], "unknown argument '--frobnicate'"],
    ] as const) {
      const { status, stderr } = runSh([...args, '--dry-run']);
      expect(status, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).toContain('usage: run.sh');
    }
  });

  it('says so when run from a folder that is not a built bundle', () => {
    const { status, stderr } = runSh(['--no-torch']);
    expect(status).toBe(1);
    expect(stderr).toContain('not a built bench bundle');
  });
});
