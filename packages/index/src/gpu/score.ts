import source from '@shaders/index/score.wgsl?raw';
import { ShapeError, Tensor, flatDispatch, shaderSource, type ComputeProgram } from '@opticspace/gpu';
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
    source: shaderSource(source, { entry: 'flat' }),
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
    ...flatDispatch(products.ctx, n * b, WORKGROUP_SIZE),
  };
}
