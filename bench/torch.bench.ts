/**
 * PyTorch anchors on the same card: matmul at the shapes of the gpu bench, k-means (20 Lloyd
 * iterations, k = sqrt(N)) and brute-force cosine top-10 search (batches of 1 and 64) at the item
 * counts of the index bench, from bench/torch_anchors.py. They run where the Python found by
 * bench/python.ts has torch with CUDA; elsewhere the table says why it is empty
 * (OPTICSPACE_TORCH_DEVICE=cpu runs them on the CPU, a check that the script works).
 * The encoder's PyTorch figures are in the encoder bench (torch ms).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MATMUL_CASES } from './gpu.bench';
import type { BenchContext, BenchRow, BenchTable } from './harness';
import { FEATURES, ITEM_COUNTS } from './index.bench';
import { findTorch, runPythonJson } from './python';

const script = resolve(dirname(fileURLToPath(import.meta.url)), 'torch_anchors.py');

interface AnchorResult {
  torch: string;
  device: string;
  matmul: BenchRow[];
  kmeans: BenchRow[];
  search: BenchRow[];
}

export default async function torchBench({ sizes, log }: BenchContext): Promise<BenchTable[]> {
  const title = 'PyTorch anchors (matmul, k-means, cosine top-10 search)';
  const torch = findTorch();
  const help = 'Set OPTICSPACE_PYTHON to a python3 whose torch sees CUDA (OPTICSPACE_TORCH_DEVICE=cpu runs the anchors on the CPU).';
  if (typeof torch === 'string') return [{ title, notes: [`not run: ${torch}.`, help], rows: [] }];
  if (torch.device !== 'cuda' && process.env.OPTICSPACE_TORCH_DEVICE !== 'cpu') {
    return [{ title, notes: [`not run: ${torch.python} has torch ${torch.torch} but no CUDA device.`, help], rows: [] }];
  }
  const kmeansItems = sizes === 'quick' ? 10_000 : 100_000;
  const spec = {
    device: torch.device,
    matmul: MATMUL_CASES[sizes].map((c) => [c.M, c.K, c.N]),
    search_items: ITEM_COUNTS[sizes],
    batches: [1, 64],
    k: 10,
    kmeans_items: kmeansItems,
    kmeans_iterations: 20,
    features: FEATURES,
    repeats: sizes === 'quick' ? 5 : 20,
  };
  log(`torch ${torch.torch} on ${torch.deviceName} (${torch.python})`);
  const result = runPythonJson<AnchorResult>(torch, script, [JSON.stringify(spec)]);
  if (typeof result === 'string') return [{ title, notes: [`failed: ${result}`], rows: [] }];
  const where = `torch ${result.torch} on ${result.device} (${torch.python})`;
  return [
    { title: 'PyTorch matmul (operands resident)', notes: [where, 'f32 = TF32 off; tf32 and f16 = tensor cores (CUDA only).'], rows: result.matmul },
    { title: `PyTorch k-means (${spec.kmeans_iterations} Lloyd iterations, k = sqrt(N))`, notes: [where, 'distance GEMM + argmin + centroid update per iteration, one synchronisation at the end.'], rows: result.kmeans },
    { title: 'PyTorch cosine top-10 search', notes: [where, 'per batch: query upload, scores against N unit-norm items, top-k, indices read back.'], rows: result.search },
  ];
}
