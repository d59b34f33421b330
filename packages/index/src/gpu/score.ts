import source from '@shaders/index/score.wgsl?raw';
import productsSource from '@shaders/index/query-products.wgsl?raw';
import { LimitExceededError, ShapeError, Tensor, linearWorkgroups, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import { SCORE_MODE, SEARCH_METHODS, type ScoreMode } from '../methods';
import type { PreparedQueries, ScoreWeights } from '../search';

const WORKGROUP_SIZE = 256;

/** Packs (lambda, dispersion, quadratic, norm) per row as vec4 for score.wgsl. */
export function packStats(lambda: ArrayLike<number>, dispersion: ArrayLike<number>, quadratic: ArrayLike<number>, norm: ArrayLike<number>): Float32Array {
  const out = new Float32Array(lambda.length * 4);
  for (let i = 0; i < lambda.length; i++) {
    out[i * 4] = lambda[i];
    out[i * 4 + 1] = dispersion[i];
    out[i * 4 + 2] = quadratic[i];
    out[i * 4 + 3] = norm[i];
  }
  return out;
}

/** Only some modes (energy) need the (L q) . x products; the others score from q . x alone. */
export function usesLaplacianProducts(mode: ScoreMode): boolean {
  return SEARCH_METHODS[mode].laplacianProducts;
}

/** Rows of the scoring product for B queries: [Q; L Q] (2B) in energy mode, Q (B) otherwise. */
export function productRows(mode: ScoreMode, queries: number): number {
  return usesLaplacianProducts(mode) ? 2 * queries : queries;
}

/** [Q; L Q] as one [2B, F'] array (or Q alone, [B, F']): the left operand of the scoring product. */
export function stackQueries(queries: PreparedQueries, withLaplacian = true): Float32Array {
  if (!withLaplacian) return queries.vectors.data;
  const stacked = new Float32Array(queries.vectors.data.length * 2);
  stacked.set(queries.vectors.data);
  stacked.set(queries.laplacianTimesQuery.data, queries.vectors.data.length);
  return stacked;
}

/**
 * Query rows and items per invocation of the matrix-vector kernels (measured on llvmpipe: 4 x 4
 * beats 2, 6 and 8 of either; more accumulators spill).
 */
export const PRODUCT_GROUP_ROWS = 4;
export const PRODUCT_GROUP_ITEMS = 4;

/** The load unit query-products.wgsl works in: vec4 when F % 4 == 0, else single floats. */
const VECTOR_CHUNKS = 'alias chunk = vec4f;\nfn chunk_dot(a: chunk, b: chunk) -> f32 { return dot(a, b); }\n';
const SCALAR_CHUNKS = 'alias chunk = f32;\nfn chunk_dot(a: chunk, b: chunk) -> f32 { return a * b; }\n';

/**
 * products [R, N] = stacked query rows @ X^T ([Q; L Q] or Q, the one matrix product of a search)
 * as a matrix-vector pass (query-products.wgsl) with vec4 loads when F is a multiple of 4, else
 * scalar loads. Each item row is read once per group of 4 query rows. On
 * llvmpipe both beat the shared tiled matmul at every batch size measured (2-128 rows: 1.7-3x at
 * 128 rows, 20-30x at 2 rows, where the tiled matmul pads to 64-row tiles).
 */
export function queryProductsProgram(ctx: GpuContext, stackedQueries: Tensor, items: Tensor, products: Tensor): ComputeProgram {
  const [rows, f] = stackedQueries.shape;
  const [n, itemFeatures] = items.shape;
  if (f !== itemFeatures || products.size !== rows * n) {
    throw new ShapeError(`queryProducts: queries [${stackedQueries.shape}], items [${items.shape}], products [${products.shape}] do not agree`);
  }
  const vector = f % 4 === 0;
  // Rows in balanced groups of at most PRODUCT_GROUP_ROWS, one group per workgroup z.
  const groups = Math.ceil(rows / PRODUCT_GROUP_ROWS);
  const maxGroups = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (groups > maxGroups) throw new LimitExceededError('queryProducts (query row groups)', groups, maxGroups, 'Search in smaller batches.');
  const [x, y] = linearWorkgroups(ctx, Math.ceil(n / PRODUCT_GROUP_ITEMS), 64);
  return {
    name: vector ? 'index_query_products_vec4' : 'index_query_products',
    source: (vector ? VECTOR_CHUNKS : SCALAR_CHUNKS) + productsSource,
    constants: { WORKGROUP_SIZE: 64, ROWS: Math.ceil(rows / groups), ITEMS: PRODUCT_GROUP_ITEMS },
    bindings: [stackedQueries, items, products],
    uniforms: [{ u32: n }, { u32: vector ? f / 4 : f }, { u32: rows }],
    workgroups: [x, y, groups],
  };
}

/**
 * Rank keys of items [itemOffset, itemOffset + n) into keys [B, totalItems], from a block's
 * products [productRows(mode, B), n] (reference: search.ts scoreKeysReference).
 */
export function scoreProgram(
  products: Tensor,
  itemStats: Tensor,
  queryStats: Tensor,
  keys: Tensor,
  mode: ScoreMode,
  weights: ScoreWeights,
  itemOffset = 0,
): ComputeProgram {
  const totalItems = itemStats.size / 4;
  const b = queryStats.size / 4;
  const rows = productRows(mode, b);
  const n = products.size / rows;
  if (!Number.isInteger(n) || !Number.isInteger(b) || itemOffset + n > totalItems || keys.size !== b * totalItems) {
    throw new ShapeError(
      `score: products [${products.shape}] must be [${rows}, n] (${mode}, ${b} queries) with ${itemOffset} + n <= ${totalItems} items, keys [${keys.shape}] [${b}, ${totalItems}]`,
    );
  }
  return {
    name: 'index_score',
    source,
    constants: { WORKGROUP_SIZE },
    bindings: [products, itemStats, queryStats, keys],
    uniforms: [
      { u32: n },
      { u32: b },
      { u32: itemOffset },
      { u32: totalItems },
      { u32: SCORE_MODE[mode] },
      { f32: weights.alpha },
      { f32: weights.lambda },
      { f32: weights.dispersion },
      { f32: weights.dirichlet },
    ],
    workgroups: linearWorkgroups(products.ctx, n * b, WORKGROUP_SIZE),
  };
}
