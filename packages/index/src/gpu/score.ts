import source from '../../../../shaders/index/score.wgsl?raw';
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

/** products [2B, N] = [Q; L Q] @ X^T (the one matrix product every mode needs). */
export function queryProductsProgram(ctx: GpuContext, stackedQueries: Tensor, items: Tensor, products: Tensor): ComputeProgram {
  return matmulProgram(ctx, stackedQueries, items, products, { transposeB: true });
}

/** Rank keys [B, N] from the products (reference: search.ts scoreKeysReference). */
export function scoreProgram(products: Tensor, itemStats: Tensor, queryStats: Tensor, keys: Tensor, mode: ScoreMode, weights: ScoreWeights): ComputeProgram {
  const n = itemStats.size / 4;
  const b = queryStats.size / 4;
  if (products.size !== 2 * b * n || keys.size !== b * n || !Number.isInteger(n) || !Number.isInteger(b)) {
    throw new ShapeError(`score: products [${products.shape}] must be [2 * ${b}, ${n}] and keys [${keys.shape}] [${b}, ${n}]`);
  }
  return {
    name: 'index_score',
    source,
    constants: { WORKGROUP_SIZE },
    bindings: [products, itemStats, queryStats, keys],
    uniforms: [
      { u32: n },
      { u32: b },
      { u32: SCORE_MODE[mode] },
      { f32: weights.alpha },
      { f32: weights.lambda },
      { f32: weights.dispersion },
      { f32: weights.dirichlet },
    ],
    workgroups: linearWorkgroups(products.ctx, n * b, WORKGROUP_SIZE),
  };
}
