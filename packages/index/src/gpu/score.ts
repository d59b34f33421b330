import source from '../../../../shaders/index/score.wgsl?raw';
import productsSource from '../../../../shaders/index/query-products.wgsl?raw';
import { ShapeError, Tensor, linearWorkgroups, matmulProgram, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import { SCORE_MODE, type PreparedQueries, type ScoreMode, type ScoreWeights } from '../search';

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

/** [Q; L Q] as one [2B, F'] array: the left operand of the scoring GEMM. */
export function stackQueries(queries: PreparedQueries): Float32Array {
  const stacked = new Float32Array(queries.vectors.data.length * 2);
  stacked.set(queries.vectors.data);
  stacked.set(queries.laplacianTimesQuery.data, queries.vectors.data.length);
  return stacked;
}

/** Stacked query rows up to which query-products.wgsl beats the tiled GEMM (64-row tiles). */
export const SMALL_BATCH_ROWS = 32;

/**
 * products [2B, N] = [Q; L Q] @ X^T (the one matrix product every mode needs): the shared tiled
 * matmul for large batches, one pass over the items (query-products.wgsl) for small ones.
 */
export function queryProductsProgram(ctx: GpuContext, stackedQueries: Tensor, items: Tensor, products: Tensor): ComputeProgram {
  const [rows, f] = stackedQueries.shape;
  const [n, itemFeatures] = items.shape;
  if (f !== itemFeatures || products.size !== rows * n) {
    throw new ShapeError(`queryProducts: queries [${stackedQueries.shape}], items [${items.shape}], products [${products.shape}] do not agree`);
  }
  if (rows > SMALL_BATCH_ROWS) return matmulProgram(ctx, stackedQueries, items, products, { transposeB: true });
  return {
    name: 'index_query_products',
    source: productsSource,
    constants: { WORKGROUP_SIZE: 64 },
    bindings: [stackedQueries, items, products],
    uniforms: [{ u32: n }, { u32: f }, { u32: rows }],
    workgroups: linearWorkgroups(ctx, n, 64),
  };
}

/**
 * Rank keys of items [itemOffset, itemOffset + n) into keys [B, totalItems], from a block's
 * products [2B, n] (reference: search.ts scoreKeysReference).
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
  const n = products.size / (2 * b);
  if (!Number.isInteger(n) || !Number.isInteger(b) || itemOffset + n > totalItems || keys.size !== b * totalItems) {
    throw new ShapeError(
      `score: products [${products.shape}] must be [2 * ${b}, n] with ${itemOffset} + n <= ${totalItems} items, keys [${keys.shape}] [${b}, ${totalItems}]`,
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
