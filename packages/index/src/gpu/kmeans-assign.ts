import source from '../../../../shaders/index/kmeans-assign.wgsl?raw';
import { CommandBatch, ShapeError, Tensor, linearWorkgroups, matmulProgram, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import type { Matrix } from '../matrix';
import type { Assigner } from '../kmeans';

const WORKGROUP_SIZE = 64;

/** Argmin over the distance GEMM's products [N, K] (reference: kmeans.ts assignNearestSync). */
export function kmeansAssignProgram(products: Tensor, centroidSquaredNorms: Tensor, labels: Tensor): ComputeProgram {
  const [n, k] = products.shape;
  if (centroidSquaredNorms.size !== k || labels.size !== n || labels.dtype !== 'u32') {
    throw new ShapeError(`kmeansAssign: products [${products.shape}], centroid norms [${centroidSquaredNorms.shape}], labels [${labels.shape}] ${labels.dtype}`);
  }
  return {
    name: 'index_kmeans_assign',
    source,
    constants: { WORKGROUP_SIZE },
    bindings: [products, centroidSquaredNorms, labels],
    uniforms: [{ u32: n }, { u32: k }],
    workgroups: linearWorkgroups(products.ctx, n, WORKGROUP_SIZE),
  };
}

/** Keeps the points resident on the GPU for every Lloyd iteration; each assign is GEMM + argmin. */
export function gpuAssigner(ctx: GpuContext, points: Matrix): Assigner {
  const resident = Tensor.from(ctx, points.data, [points.rows, points.columns]);
  return {
    async assign(centroids: Matrix): Promise<Uint32Array> {
      if (centroids.columns !== points.columns) throw new ShapeError(`kmeansAssign: centroids have ${centroids.columns} features, points ${points.columns}`);
      const norms = new Float32Array(centroids.rows);
      for (let c = 0; c < centroids.rows; c++) {
        let sum = 0;
        for (let f = 0; f < centroids.columns; f++) sum += centroids.data[c * centroids.columns + f] ** 2;
        norms[c] = sum;
      }
      const c = Tensor.from(ctx, centroids.data, [centroids.rows, centroids.columns]);
      const cn = Tensor.from(ctx, norms, [centroids.rows]);
      const products = Tensor.empty(ctx, [points.rows, centroids.rows]);
      const labels = Tensor.empty(ctx, [points.rows], 'u32');
      try {
        await new CommandBatch(ctx)
          .dispatch(matmulProgram(ctx, resident, c, products, { transposeB: true }))
          .dispatch(kmeansAssignProgram(products, cn, labels))
          .submit();
        return Uint32Array.from((await labels.read()) as Uint32Array);
      } finally {
        for (const t of [c, cn, products, labels]) t.dispose();
      }
    },
    dispose: () => resident.dispose(),
  };
}

/** One-off assignment (uploads the points). */
export async function kmeansAssign(ctx: GpuContext, points: Matrix, centroids: Matrix): Promise<Uint32Array> {
  const assigner = gpuAssigner(ctx, points);
  try {
    return await assigner.assign(centroids);
  } finally {
    assigner.dispose();
  }
}
