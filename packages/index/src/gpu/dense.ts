/**
 * Dense GPU stages on @opticspace/gpu's generic kernels: the projection GEMM, the profile-cosine
 * GEMM and the diffusion steps as CSR products. References: matrix.ts multiply,
 * feature-graph.ts profileCosinesReference, diffusion.ts diffuse.
 */
import { CommandBatch, CsrMatrix, Tensor, csrMatmulProgram, matmulProgram, type GpuContext } from '@opticspace/gpu';
import type { FeatureGraph } from '../feature-graph';
import type { Matrix } from '../matrix';

async function readMatrix(tensor: Tensor, rows: number, columns: number): Promise<Matrix> {
  return { data: Float32Array.from((await tensor.read()) as Float32Array), rows, columns };
}

/** items [N, F] @ projection [F, r]. */
export async function projectOnGpu(ctx: GpuContext, items: Matrix, projection: Matrix): Promise<Matrix> {
  const a = Tensor.from(ctx, items.data, [items.rows, items.columns]);
  const b = Tensor.from(ctx, projection.data, [projection.rows, projection.columns]);
  const out = Tensor.empty(ctx, [items.rows, projection.columns]);
  try {
    await new CommandBatch(ctx).dispatch(matmulProgram(ctx, a, b, out)).submit();
    return await readMatrix(out, items.rows, projection.columns);
  } finally {
    for (const t of [a, b, out]) t.dispose();
  }
}

/** Column-normalised centroids (host, [X, F'] is small), then one GEMM: cos = Cn^T Cn. */
export async function profileCosinesOnGpu(ctx: GpuContext, centroids: Matrix): Promise<Matrix> {
  const { rows, columns, data } = centroids;
  const norms = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) norms[f] += data[r * columns + f] ** 2;
  const normalised = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < columns; f++) normalised[r * columns + f] = norms[f] > 0 ? data[r * columns + f] / Math.sqrt(norms[f]) : 0;
  }
  const profiles = Tensor.from(ctx, normalised, [rows, columns]);
  const out = Tensor.empty(ctx, [columns, columns]);
  try {
    await new CommandBatch(ctx).dispatch(matmulProgram(ctx, profiles, profiles, out, { transposeA: true })).submit();
    return await readMatrix(out, columns, columns);
  } finally {
    profiles.dispose();
    out.dispose();
  }
}

/** `steps` heat steps C^T <- C^T - eta L C^T as CSR products, ping-ponging two buffers in one submit. */
export async function diffuseOnGpu(ctx: GpuContext, centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Promise<Matrix> {
  const { rows, columns } = centroids;
  const transposed = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) transposed[f * rows + r] = centroids.data[r * columns + f];
  const laplacian = CsrMatrix.fromArrays(ctx, columns, columns, graph.rowPointer, graph.columnIndex, graph.values);
  let current = Tensor.from(ctx, transposed, [columns, rows]);
  let next = Tensor.empty(ctx, [columns, rows]);
  try {
    const batch = new CommandBatch(ctx);
    for (let step = 0; step < steps; step++) {
      batch.dispatch(csrMatmulProgram(ctx, laplacian, current, next, { alpha: -eta, beta: 1, addend: current }));
      [current, next] = [next, current];
    }
    await batch.submit();
    const result = (await current.read()) as Float32Array;
    const data = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) data[r * columns + f] = result[f * rows + r];
    return { data, rows, columns };
  } finally {
    laplacian.dispose();
    current.dispose();
    next.dispose();
  }
}
