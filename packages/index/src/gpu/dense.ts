/**
 * Dense GPU stages: the projection GEMM, the profile cosines (one product, products.ts, + top-k
 * for the kNN) and the diffusion steps as CSR products. References: matrix.ts
 * multiply, feature-graph.ts profileCosinesReference / profileNeighboursReference, diffusion.ts diffuse.
 */
import { CommandBatch, CsrMatrix, Tensor, csrMatmulProgram, matmulProgram, runKernel, selectTopKPlan, type GpuContext } from '@opticspace/gpu';
import type { FeatureGraph, ProfileNeighbours } from '../feature-graph';
import type { Matrix } from '../matrix';
import { productsProgram } from './products';

async function readMatrix(tensor: Tensor, rows: number, columns: number): Promise<Matrix> {
  return { data: Float32Array.from((await tensor.read()) as Float32Array), rows, columns };
}

/** items [N, F] @ projection [F, r]. */
export async function projectOnGpu(ctx: GpuContext, items: Matrix, projection: Matrix): Promise<Matrix> {
  const a = Tensor.from(ctx, items.data, [items.rows, items.columns]);
  const b = Tensor.from(ctx, projection.data, [projection.rows, projection.columns]);
  try {
    const out = await runKernel(ctx, { shape: [items.rows, projection.columns] }, (out) => matmulProgram(ctx, a, b, out));
    try {
      return await readMatrix(out, items.rows, projection.columns);
    } finally {
      out.dispose();
    }
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** The column-normalised centroids, transposed: [F', X], one profile per row (host: [X, F'] is small). */
function normalisedProfiles(centroids: Matrix): Float32Array {
  const { rows, columns, data } = centroids;
  const norms = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) norms[f] += data[r * columns + f] ** 2;
  const profiles = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < columns; f++) profiles[f * rows + r] = norms[f] > 0 ? data[r * columns + f] / Math.sqrt(norms[f]) : 0;
  }
  return profiles;
}

/** Normalised profiles P [F', X], then one product: cos = P P^T (products.ts picks the kernel). */
async function withProfileCosines<T>(ctx: GpuContext, centroids: Matrix, use: (cosines: Tensor, batch: CommandBatch) => Promise<T>): Promise<T> {
  const profiles = Tensor.from(ctx, normalisedProfiles(centroids), [centroids.columns, centroids.rows]);
  const cosines = Tensor.empty(ctx, [centroids.columns, centroids.columns]);
  try {
    const batch = new CommandBatch(ctx).dispatch(productsProgram(ctx, profiles, profiles, cosines));
    return await use(cosines, batch);
  } finally {
    profiles.dispose();
    cosines.dispose();
  }
}

/** Every profile cosine [F', F'] (reference: feature-graph.ts profileCosinesReference). */
export function profileCosinesOnGpu(ctx: GpuContext, centroids: Matrix): Promise<Matrix> {
  return withProfileCosines(ctx, centroids, async (cosines, batch) => {
    await batch.submit();
    return readMatrix(cosines, centroids.columns, centroids.columns);
  });
}

/**
 * Profile cosine GEMM + a GPU top-k (k + 1 per row, the feature itself dropped): only
 * [F', k + 1] indices come back. Reference: feature-graph.ts profileNeighboursReference.
 */
export function profileNeighboursOnGpu(ctx: GpuContext, centroids: Matrix, topk: number): Promise<ProfileNeighbours> {
  const n = centroids.columns;
  const perFeature = Math.max(0, Math.min(topk, n - 1));
  if (perFeature === 0) return Promise.resolve({ neighbours: new Uint32Array(0), perFeature });
  return withProfileCosines(ctx, centroids, async (cosines, batch) => {
    const plan = selectTopKPlan(ctx, cosines, perFeature + 1, { largest: true });
    try {
      for (const program of plan.programs) batch.dispatch(program);
      await batch.submit();
      const candidates = (await plan.indices.read()) as Uint32Array;
      const neighbours = new Uint32Array(n * perFeature);
      for (let a = 0; a < n; a++) {
        let written = 0;
        for (let j = 0; j <= perFeature && written < perFeature; j++) {
          const b = candidates[a * (perFeature + 1) + j];
          if (b !== a) neighbours[a * perFeature + written++] = b;
        }
      }
      return { neighbours, perFeature };
    } finally {
      plan.dispose();
    }
  });
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
