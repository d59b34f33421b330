/**
 * The Python with PyTorch that the anchors run on (scripts/encoder-fixtures/bench_torch.py,
 * bench/torch_cuda.py): $OPTICSPACE_PYTHON when set, else the first of `python3` on PATH and
 * Debian's /usr/bin/python3 that imports torch (one with CUDA preferred).
 * $OPTICSPACE_TORCH_DEVICE=cpu runs the anchors on the CPU even where CUDA exists (a smoke check
 * of the scripts on a machine without a GPU); $OPTICSPACE_NO_TORCH=1 skips them.
 */
import { spawnSync } from 'node:child_process';

export interface TorchRuntime {
  python: string;
  torch: string;
  /** 'cuda' or 'cpu': where the anchors run. */
  device: 'cuda' | 'cpu';
  /** The CUDA device's name, or why CUDA is not used. */
  deviceName: string;
}

const PROBE = `import json, torch
cuda = torch.cuda.is_available()
print(json.dumps({"torch": torch.__version__, "cuda": torch.cuda.get_device_name(0) if cuda else None}))`;

function probe(python: string): { torch: string; cuda: string | null } | string {
  const result = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 120_000 });
  if (result.error) return `${python}: ${result.error.message}`;
  if (result.status !== 0) return `${python}: ${(result.stderr.trim().split('\n').pop() ?? '').trim() || `exit ${result.status}`}`;
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { torch: string; cuda: string | null };
}

let cached: TorchRuntime | string | undefined;

/** The PyTorch runtime for the anchors, or why there is none (one line). */
export function findTorch(): TorchRuntime | string {
  if (cached !== undefined) return cached;
  if (process.env.OPTICSPACE_NO_TORCH === '1') return (cached = 'PyTorch turned off (OPTICSPACE_NO_TORCH=1)');
  const candidates = process.env.OPTICSPACE_PYTHON ? [process.env.OPTICSPACE_PYTHON] : ['python3', '/usr/bin/python3'];
  const forceCpu = process.env.OPTICSPACE_TORCH_DEVICE === 'cpu';
  const found: Array<{ python: string; torch: string; cuda: string | null }> = [];
  const reasons: string[] = [];
  for (const python of candidates) {
    const result = probe(python);
    if (typeof result === 'string') reasons.push(result);
    else found.push({ python, ...result });
  }
  const pick = found.find((f) => f.cuda && !forceCpu) ?? found[0];
  if (!pick) return (cached = `no python with torch (${reasons.join('; ')})`);
  const device = pick.cuda && !forceCpu ? 'cuda' : 'cpu';
  const deviceName = device === 'cuda' ? pick.cuda! : forceCpu ? 'CPU (OPTICSPACE_TORCH_DEVICE=cpu)' : 'CPU (torch.cuda.is_available() is false)';
  return (cached = { python: pick.python, torch: pick.torch, device, deviceName });
}

/** Runs a Python script that prints one JSON object on its last stdout line; returns it, or why it failed. */
export function runPythonJson<T>(runtime: TorchRuntime, script: string, args: string[], timeoutMs = 600_000): T | string {
  const result = spawnSync(runtime.python, [script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (result.error) return `${script}: ${result.error.message}`;
  if (result.status !== 0) return `${script} failed: ${(result.stderr.trim().split('\n').pop() ?? '').trim() || `exit ${result.status}`}`;
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}
