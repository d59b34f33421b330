/**
 * Index kernel self-checks for the shared registry of @opticspace/gpu (run in Node and,
 * unchanged, by the browser check page demo/kernels.html): each index WGSL kernel against its TS
 * reference on seeded inputs. f32 only (the index has no f16 path): the dtype argument is
 * ignored. Call registerIndexKernelChecks() once before runKernelChecks().
 */
import { CommandBatch, SeededRandom, Tensor, decodeTopKKeys, readBuffer, registerCheck, selectTopKReference, type GpuContext, type KernelCheck } from '@opticspace/gpu';
import { graphFromCosines, profileCosinesReference, type FeatureGraph } from './feature-graph';
import { assignNearestSync, kmeansSeedRowsReference, kmeansReference, seedDraws, updateCentroidsReference } from './kmeans';
import { multiply, type Matrix } from './matrix';
import { rowEnergiesReference } from './row-energies';
import { clusteredVectors } from './synthetic';
import type { ScoreMode } from './methods';
import { prepareQueries, scoreKeysReference, type ItemStore } from './search';
import { BlockedTopK } from './gpu/blocked-top-k';
import { gpuKMeans, gpuKMeansSeeds, kmeansAssignProgram, kmeansUpdateProgram, labelSlots, squaredRowNormsReference } from './gpu/kmeans';
import { productsProgram, type ProductsKernel } from './gpu/products';
import { rowEnergies } from './gpu/row-energies';
import { packStats, productRows, scoreProgram, stackQueries } from './gpu/score';

export const indexKernelChecks: KernelCheck[] = [];

const matrix = (data: Float32Array, columns: number): Matrix => ({ data, rows: data.length / columns, columns });

/** Seeded Gaussian blobs as a matrix. */
const blobs = (seed: number, items: number, features: number, clusters: number, spread = 0.3): Matrix =>
  matrix(clusteredVectors(seed, items, features, clusters, spread), features);

async function randomGraph(seed: number, features: number): Promise<FeatureGraph> {
  const centroids = matrix(new SeededRandom(seed).normalArray(7 * features), features);
  return graphFromCosines(await profileCosinesReference(centroids), { eps: 1.2, topk: 3, sigma: 0.5, p: 2 });
}

/** Runs `record` on tensors made from host data, reads `read` back as f32, frees everything. */
async function onGpu(ctx: GpuContext, tensors: Record<string, Tensor>, record: (batch: CommandBatch) => void, read: Tensor): Promise<Float32Array> {
  try {
    const batch = new CommandBatch(ctx);
    record(batch);
    await batch.submit();
    return await read.readFloat32();
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
}

// --- products: rows @ items^T, both kernels of productsKernelFor ---
for (const kernel of ['matvec', 'gemm'] as const satisfies readonly ProductsKernel[]) {
  for (const [rows, f, n] of [
    [5, 20, 77],
    [33, 19, 130],
  ]) {
    indexKernelChecks.push({
      kernel: `index.products.${kernel}`,
      caseName: `[${rows}, ${f}] @ [${n}, ${f}]^T`,
      async run(ctx) {
        const rng = new SeededRandom(rows * f + n);
        const a = matrix(rng.normalArray(rows * f), f);
        const b = matrix(rng.normalArray(n * f), f);
        const transposed = new Float32Array(f * n);
        for (let i = 0; i < n; i++) for (let c = 0; c < f; c++) transposed[c * n + i] = b.data[i * f + c];
        const t = { a: Tensor.from(ctx, a.data, [rows, f]), b: Tensor.from(ctx, b.data, [n, f]), out: Tensor.empty(ctx, [rows, n]) };
        const actual = await onGpu(ctx, t, (batch) => batch.dispatch(productsProgram(ctx, t.a, t.b, t.out, kernel)), t.out);
        return { actual, expected: multiply(a, matrix(transposed, n)).data, atol: 1e-4, rtol: 1e-4 };
      },
    });
  }
}

// --- score: rank keys of every mode from the products ---
for (const mode of ['cosine', 'lambdaAware', 'energy'] as const satisfies readonly ScoreMode[]) {
  indexKernelChecks.push({
    kernel: 'index.score',
    caseName: `${mode}, 97 items, 3 queries, f = 16`,
    async run(ctx) {
      const [n, b, f] = [97, 3, 16];
      const graph = await randomGraph(n + b, f);
      const rng = new SeededRandom(n * 7 + b);
      const vectors = blobs(n, n, f, 3);
      vectors.data.fill(0, 0, f); // a zero item: cosine 0, never NaN
      const stats = await rowEnergiesReference(vectors, graph);
      const items: ItemStore = { vectors, lambda: rng.uniformArray(n, 0, 1), dispersion: rng.uniformArray(n, 0, 1), quadratic: stats.quadratic, norm: Float32Array.from(stats.squaredNorm, Math.sqrt) };
      const queries = await prepareQueries(matrix(rng.normalArray(b * f), f), graph, { tau: 1, lambdaMin: 0, lambdaMax: 3 });
      const weights = { alpha: 0.6, lambda: 1, dispersion: 0.5, dirichlet: 0.25 };
      const rows = productRows(mode, b);
      const t = {
        stacked: Tensor.from(ctx, stackQueries(queries, mode === 'energy'), [rows, f]),
        items: Tensor.from(ctx, vectors.data, [n, f]),
        products: Tensor.empty(ctx, [rows, n]),
        itemStats: Tensor.from(ctx, packStats(items.lambda, items.dispersion, items.quadratic, items.norm), [n, 4]),
        queryStats: Tensor.from(ctx, packStats(queries.lambda, queries.dispersion, queries.quadratic, queries.norm), [b, 4]),
        keys: Tensor.empty(ctx, [b, n]),
      };
      const actual = await onGpu(
        ctx,
        t,
        (batch) => batch.dispatch(productsProgram(ctx, t.stacked, t.items, t.products)).dispatch(scoreProgram(t.products, t.itemStats, t.queryStats, t.keys, mode, weights)),
        t.keys,
      );
      return { actual, expected: scoreKeysReference(items, queries, mode, weights), atol: 2e-5, rtol: 1e-4 };
    },
  });
}

// --- top-k over items in row blocks: per-block top-k, gather, merge (exact: indices then values) ---
indexKernelChecks.push({
  kernel: 'index.blockedTopK',
  caseName: '[3, 1000] in blocks of 300, 300, 300, 100, k = 10 and 120, ties',
  async run(ctx) {
    const [rows, n] = [3, 1000];
    const rng = new SeededRandom(1000);
    // Rounded to 1/8 so there are ties across blocks, which must break by lower index.
    const scores = Float32Array.from({ length: rows * n }, () => Math.round(rng.normal() * 16) / 8);
    const actual: number[] = [];
    const expected: number[] = [];
    for (const k of [10, 120]) {
      const blocks = [0, 300, 600, 900].map((start) => {
        const width = Math.min(300, n - start);
        const part = new Float32Array(rows * width);
        for (let r = 0; r < rows; r++) part.set(scores.subarray(r * n + start, r * n + start + width), r * width);
        return { scores: Tensor.from(ctx, part, [rows, width]), start };
      });
      const topK = new BlockedTopK(ctx, blocks, k);
      try {
        const batch = new CommandBatch(ctx);
        for (const program of topK.programs) batch.dispatch(program);
        await batch.submit();
        const bytes = rows * k * 4;
        const indices = new Uint32Array(await readBuffer(ctx, topK.result.indices.buffer, bytes));
        const keys = decodeTopKKeys(new Uint32Array(await readBuffer(ctx, topK.result.keys.buffer, bytes)), true);
        const reference = selectTopKReference(scores, rows, n, k, true);
        actual.push(...indices, ...keys);
        expected.push(...reference.indices, ...reference.values);
      } finally {
        topK.dispose();
        for (const block of blocks) block.scores.dispose();
      }
    }
    return { actual, expected, atol: 0, rtol: 0 };
  },
});

// --- row energies: (yT y, yT L y, sum c^2) per row ---
indexKernelChecks.push({
  kernel: 'index.rowEnergies',
  caseName: '257 rows, f = 32',
  async run(ctx) {
    const graph = await randomGraph(289, 32);
    const values = matrix(new SeededRandom(257).normalArray(257 * 32), 32);
    const pack = (e: Awaited<ReturnType<typeof rowEnergiesReference>>) => Float32Array.from([...e.squaredNorm, ...e.quadratic, ...e.energySquareSum]);
    return { actual: pack(await rowEnergies(ctx, values, graph)), expected: pack(await rowEnergiesReference(values, graph)), atol: 1e-4, rtol: 1e-5 };
  },
});

// --- k-means: seeding (exact rows), assignment (exact labels), update, whole run ---
const seedingPoints = blobs(3, 700, 32, 12);
indexKernelChecks.push({
  kernel: 'index.kmeansSeeding',
  caseName: '700 points (3 groups of 256), 20 centres, f = 32; and in blocks of 100 rows',
  async run(ctx) {
    const draws = seedDraws(new SeededRandom(720), 700, 20);
    const expected = Array.from(kmeansSeedRowsReference(seedingPoints, 20, draws));
    const whole = await gpuKMeansSeeds(ctx, seedingPoints, 20, draws);
    const blocked = await gpuKMeansSeeds(ctx, seedingPoints, 20, draws, 100 * 32 * 4);
    return { actual: [...whole.rows, ...blocked.rows], expected: [...expected, ...expected], atol: 0, rtol: 0 };
  },
});

indexKernelChecks.push({
  kernel: 'index.kmeansAssign',
  caseName: '300 points, 17 centroids, f = 32 (products + argmin)',
  async run(ctx) {
    const points = blobs(300, 300, 32, 17);
    const centroids = blobs(17, 17, 32, 17);
    const t = {
      points: Tensor.from(ctx, points.data, [300, 32]),
      centroids: Tensor.from(ctx, centroids.data, [17, 32]),
      norms: Tensor.from(ctx, squaredRowNormsReference(centroids), [17]),
      products: Tensor.empty(ctx, [17, 300]),
      labels: Tensor.from(ctx, new Uint32Array(300).fill(0xffffffff), [300], 'u32'),
      status: Tensor.from(ctx, [0, 0, 0, 0], [4], 'u32'),
    };
    const actual = await onGpu(
      ctx,
      t,
      (batch) => batch.dispatch(productsProgram(ctx, t.centroids, t.points, t.products)).dispatch(kmeansAssignProgram(t.products, t.norms, t.labels, t.status)),
      t.labels,
    );
    return { actual, expected: assignNearestSync(points, centroids), atol: 0, rtol: 0 };
  },
});

indexKernelChecks.push({
  kernel: 'index.kmeansUpdate',
  caseName: '301 points in blocks of 100, 17 clusters (one empty), f = 33',
  async run(ctx) {
    const [n, k, f] = [301, 17, 33];
    const points = blobs(n, n, f, 16);
    const rng = new SeededRandom(n);
    const labels = Uint32Array.from({ length: n }, () => rng.int(k - 1));
    const previous = matrix(rng.normalArray(k * f), f);
    const t: Record<string, Tensor> = {
      centroids: Tensor.from(ctx, previous.data, [k, f]),
      sums: Tensor.empty(ctx, [k, f]),
      counts: Tensor.empty(ctx, [k], 'u32'),
      status: Tensor.from(ctx, [0, 0, 0, 0], [4], 'u32'),
    };
    const updates: Array<(batch: CommandBatch) => void> = [];
    for (let start = 0; start < n; start += 100) {
      const end = Math.min(n, start + 100);
      const blockPoints = (t[`points${start}`] = Tensor.from(ctx, points.data.subarray(start * f, end * f), [end - start, f]));
      const padded = new Uint32Array(labelSlots(end - start)).fill(k - 1); // slots past the points are never counted
      padded.set(labels.subarray(start, end));
      const blockLabels = (t[`labels${start}`] = Tensor.from(ctx, padded, [padded.length], 'u32'));
      updates.push((batch) => batch.dispatch(kmeansUpdateProgram(blockPoints, blockLabels, t.status, t.sums, t.counts, t.centroids, { first: start === 0, last: end === n })));
    }
    const actual = await onGpu(ctx, t, (batch) => updates.forEach((update) => update(batch)), t.centroids);
    return { actual, expected: updateCentroidsReference(points, labels, previous).data, atol: 1e-5, rtol: 1e-5 };
  },
});

indexKernelChecks.push({
  kernel: 'index.kmeans',
  caseName: '400 points, 9 clusters, f = 16: seeding + Lloyd to convergence (iterations, centroids)',
  async run(ctx) {
    const points = blobs(409, 400, 16, 7, 0.6);
    const problem = { points, clusters: 9, draws: seedDraws(new SeededRandom(416), 400, 9), iterations: 25, maxChanged: 0 };
    const expected = await kmeansReference(problem);
    const actual = await gpuKMeans(ctx, Infinity)(problem);
    return { actual: [actual.iterations, ...actual.centroids.data], expected: [expected.iterations, ...expected.centroids.data], atol: 1e-5, rtol: 1e-4 };
  },
});

let registered = false;

/** Adds the index checks to @opticspace/gpu's registry (once). */
export function registerIndexKernelChecks(): void {
  if (registered) return;
  registered = true;
  for (const check of indexKernelChecks) registerCheck(check);
}
