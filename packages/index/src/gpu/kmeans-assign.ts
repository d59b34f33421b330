import source from '@shaders/index/kmeans-assign.wgsl?raw';
import updateSource from '@shaders/index/kmeans-update.wgsl?raw';
import normsSource from '@shaders/index/squared-norms.wgsl?raw';
import { CommandBatch, ShapeError, Tensor, flatDispatch, matmulProgram, shaderSource, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import { groupByLabel, type LloydEngine } from '../kmeans';
import type { Matrix } from '../matrix';

const WORKGROUP_SIZE = 64;

/** Argmin over the distance GEMM's products [N, K] (reference: kmeans.ts assignNearestSync). */
export function kmeansAssignProgram(products: Tensor, centroidSquaredNorms: Tensor, labels: Tensor): ComputeProgram {
  const [n, k] = products.shape;
  if (centroidSquaredNorms.size !== k || labels.size !== n || labels.dtype !== 'u32') {
    throw new ShapeError(`kmeansAssign: products [${products.shape}], centroid norms [${centroidSquaredNorms.shape}], labels [${labels.shape}] ${labels.dtype}`);
  }
  return {
    name: 'index_kmeans_assign',
    source: shaderSource(source, { entry: 'flat' }),
    bindings: [products, centroidSquaredNorms, labels],
    uniforms: [{ u32: n }, { u32: k }],
    ...flatDispatch(products.ctx, n, WORKGROUP_SIZE),
  };
}

/** Cluster means from grouped members (reference: kmeans.ts updateCentroids). */
export function kmeansUpdateProgram(points: Tensor, members: Tensor, offsets: Tensor, previous: Tensor, centroids: Tensor): ComputeProgram {
  const [k, f] = previous.shape;
  if (points.shape[1] !== f || members.size !== points.shape[0] || offsets.size !== k + 1 || centroids.size !== k * f) {
    throw new ShapeError(`kmeansUpdate: points [${points.shape}], members [${members.shape}], offsets [${offsets.shape}], centroids [${previous.shape}]`);
  }
  return {
    name: 'index_kmeans_update',
    source: shaderSource(updateSource, { entry: 'flat' }),
    bindings: [points, members, offsets, previous, centroids],
    uniforms: [{ u32: k }, { u32: f }],
    ...flatDispatch(points.ctx, k * f, WORKGROUP_SIZE),
  };
}

/** Squared norm of every row (reference: squaredRowNorms). */
export function squaredNormsProgram(values: Tensor, norms: Tensor): ComputeProgram {
  const [rows, f] = values.shape;
  if (norms.size !== rows) throw new ShapeError(`squaredNorms: values [${values.shape}], norms [${norms.shape}]`);
  return {
    name: 'index_squared_norms',
    source: shaderSource(normsSource, { entry: 'flat' }),
    bindings: [values, norms],
    uniforms: [{ u32: rows }, { u32: f }],
    ...flatDispatch(values.ctx, rows, WORKGROUP_SIZE),
  };
}

export function squaredRowNorms(matrix: Matrix): Float32Array {
  const out = new Float32Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (let f = 0; f < matrix.columns; f++) sum += matrix.data[r * matrix.columns + f] ** 2;
    out[r] = sum;
  }
  return out;
}

/**
 * Lloyd iterations with points and centroids resident on the GPU: assign = distance GEMM +
 * argmin, update = grouped means + centroid norms. Only the labels come back each iteration
 * (the host tests convergence and groups them), the centroids once at the end.
 */
export function gpuLloyd(ctx: GpuContext, points: Matrix, initial: Matrix): LloydEngine {
  const { rows: n, columns: f } = points;
  const k = initial.rows;
  const resident = Tensor.from(ctx, points.data, [n, f]);
  let centroids = Tensor.from(ctx, initial.data, [k, f]);
  let spare = Tensor.empty(ctx, [k, f]);
  const norms = Tensor.from(ctx, squaredRowNorms(initial), [k]);
  const products = Tensor.empty(ctx, [n, k]);
  const labels = Tensor.empty(ctx, [n], 'u32');
  const members = Tensor.empty(ctx, [n], 'u32');
  const offsets = Tensor.empty(ctx, [k + 1], 'u32');
  return {
    async assign() {
      await new CommandBatch(ctx)
        .dispatch(matmulProgram(ctx, resident, centroids, products, { transposeB: true }))
        .dispatch(kmeansAssignProgram(products, norms, labels))
        .submit();
      return Uint32Array.from((await labels.read()) as Uint32Array);
    },
    async update(assigned: Uint32Array) {
      const grouped = groupByLabel(assigned, k);
      members.write(grouped.members);
      offsets.write(grouped.offsets);
      await new CommandBatch(ctx)
        .dispatch(kmeansUpdateProgram(resident, members, offsets, centroids, spare))
        .dispatch(squaredNormsProgram(spare, norms))
        .submit();
      [centroids, spare] = [spare, centroids];
    },
    async centroids() {
      return { data: Float32Array.from((await centroids.read()) as Float32Array), rows: k, columns: f };
    },
    dispose() {
      for (const t of [resident, centroids, spare, norms, products, labels, members, offsets]) t.dispose();
    },
  };
}

/** One-off assignment (uploads the points). */
export async function kmeansAssign(ctx: GpuContext, points: Matrix, centroids: Matrix): Promise<Uint32Array> {
  const engine = gpuLloyd(ctx, points, centroids);
  try {
    return await engine.assign();
  } finally {
    engine.dispose();
  }
}
