/**
 * products [R, N] = rows [R, F] @ items [N, F]^T, the one dense product of the index: a search's
 * [Q; L Q] (or Q) against the items, and k-means' centroids against the sampled points. Two
 * kernels, chosen in productsKernelFor: a matrix-vector pass (shaders/index/query-products.wgsl),
 * which reads every item row once per group of 4 rows and needs no workgroup memory, and the
 * tiled GEMM of @opticspace/gpu (matmul with transposeB) for many rows against items too large
 * to re-read from cache. Reference: matrix.ts multiply(rows, items^T).
 */
import productsSource from '@shaders/index/query-products.wgsl?raw';
import { LimitExceededError, ShapeError, Tensor, flatDispatch, matmulProgram, shaderSource, type ComputeProgram, type GpuContext } from '@opticspace/gpu';

export type ProductsKernel = 'matvec' | 'gemm';

/**
 * The matrix-vector pass re-reads the items once per group of 4 rows. While the items fit in a
 * GPU's L2 cache (tens of MiB) that costs little and the pass wins everywhere (on llvmpipe it
 * beats the tiled GEMM at every row count, and it compiles in milliseconds where the GEMM takes
 * seconds on SwiftShader). Past that, with many rows (a search batch of 16 or more against 100K
 * items of 384 floats), every re-read goes to DRAM and the tiled GEMM wins.
 */
const GEMM_MIN_ROWS = 32;
const GEMM_MIN_ITEM_BYTES = 32 * 2 ** 20;

/** The one place that picks the products kernel for R rows against N items of F (f32) features. */
export function productsKernelFor(rows: number, items: number, features: number): ProductsKernel {
  return rows >= GEMM_MIN_ROWS && 4 * items * features > GEMM_MIN_ITEM_BYTES ? 'gemm' : 'matvec';
}

/**
 * Query rows and items per invocation of the matrix-vector kernel (measured on llvmpipe: 4 x 4
 * beats 2, 6 and 8 of either; more accumulators spill).
 */
export const PRODUCT_GROUP_ROWS = 4;
export const PRODUCT_GROUP_ITEMS = 4;

const VECTOR_CHUNKS = 'alias chunk = vec4f;\nfn chunk_dot(a: chunk, b: chunk) -> f32 { return dot(a, b); }\n';
const SCALAR_CHUNKS = 'alias chunk = f32;\nfn chunk_dot(a: chunk, b: chunk) -> f32 { return a * b; }\n';

/**
 * The load unit of the kernels that walk rows of F features (`chunk`, `chunk_dot`, prepended by
 * the host): vec4 when F % 4 == 0, else single floats; `chunks` is F in those units.
 */
export function featureChunks(features: number): { include: string; chunks: number; vector: boolean } {
  const vector = features % 4 === 0;
  return { include: vector ? VECTOR_CHUNKS : SCALAR_CHUNKS, chunks: vector ? features / 4 : features, vector };
}

/** rows @ items^T into products [R, N] with the kernel of productsKernelFor (or the one given). */
export function productsProgram(ctx: GpuContext, rows: Tensor, items: Tensor, products: Tensor, kernel?: ProductsKernel): ComputeProgram {
  const [r, f] = rows.shape;
  const [n, itemFeatures] = items.shape;
  if (rows.shape.length !== 2 || f !== itemFeatures || products.size !== r * n) {
    throw new ShapeError(`products: rows [${rows.shape}], items [${items.shape}], products [${products.shape}] do not agree`);
  }
  if ((kernel ?? productsKernelFor(r, n, f)) === 'gemm') return matmulProgram(ctx, rows, items, products, { transposeB: true });
  return matrixVectorProgram(ctx, rows, items, products);
}

/**
 * The matrix-vector pass with vec4 loads when F is a multiple of 4, else scalar loads. On
 * llvmpipe it beats the tiled matmul at every row count measured (2-128 rows: 1.7-3x at 128
 * rows, 20-30x at 2 rows, where the tiled matmul pads to 64-row tiles).
 */
function matrixVectorProgram(ctx: GpuContext, rows: Tensor, items: Tensor, products: Tensor): ComputeProgram {
  const [r, f] = rows.shape;
  const n = items.shape[0];
  const { include, chunks, vector } = featureChunks(f);
  // Rows in balanced groups of at most PRODUCT_GROUP_ROWS, one group per workgroup z.
  const groups = Math.ceil(r / PRODUCT_GROUP_ROWS);
  const maxGroups = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (groups > maxGroups) throw new LimitExceededError('products (row groups)', groups, maxGroups, 'Use fewer rows per call.');
  const { workgroups, constants } = flatDispatch(ctx, Math.ceil(n / PRODUCT_GROUP_ITEMS), 64, groups);
  return {
    name: vector ? 'index_query_products_vec4' : 'index_query_products',
    source: shaderSource(productsSource, { includes: [include], entry: 'flat' }),
    constants: { ...constants, ROWS: Math.ceil(r / groups), ITEMS: PRODUCT_GROUP_ITEMS },
    bindings: [rows, items, products],
    uniforms: [{ u32: n }, { u32: chunks }, { u32: r }],
    workgroups,
  };
}
