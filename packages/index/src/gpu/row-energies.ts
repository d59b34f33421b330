import source from '@shaders/index/row-energies.wgsl?raw';
import { ShapeError, Tensor, flatDispatch, runKernel, shaderSource, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import type { FeatureGraph } from '../feature-graph';
import type { Matrix } from '../matrix';
import type { RowEnergies } from '../row-energies';

const WORKGROUP_SIZE = 64;

/** The graph's edge list resident on the GPU. */
export interface GpuEdges {
  source: Tensor;
  target: Tensor;
  weight: Tensor;
  count: number;
  dispose(): void;
}

export function uploadEdges(ctx: GpuContext, graph: FeatureGraph): GpuEdges {
  const source = Tensor.from(ctx, graph.edgeSource, [graph.edgeSource.length], 'u32');
  const target = Tensor.from(ctx, graph.edgeTarget, [graph.edgeTarget.length], 'u32');
  const weight = Tensor.from(ctx, graph.edgeWeight, [graph.edgeWeight.length]);
  return {
    source,
    target,
    weight,
    count: graph.edgeSource.length,
    dispose() {
      source.dispose();
      target.dispose();
      weight.dispose();
    },
  };
}

/** Per row (yT y, yT L y, sum of squared edge energies) -> sums [rows, 3]. Reference: rowEnergiesReference. */
export function rowEnergiesProgram(values: Tensor, edges: GpuEdges, sums: Tensor): ComputeProgram {
  const [rows, features] = values.shape;
  if (sums.size !== rows * 3) throw new ShapeError(`rowEnergies: sums has ${sums.size} elements, expected ${rows * 3}`);
  return {
    name: 'index_row_energies',
    source: shaderSource(source, { entry: 'flat' }),
    bindings: [values, edges.source, edges.target, edges.weight, sums],
    uniforms: [{ u32: rows }, { u32: features }, { u32: edges.count }],
    ...flatDispatch(values.ctx, rows, WORKGROUP_SIZE),
  };
}

export function unpackRowEnergies(rows: number, sums: Float32Array): RowEnergies {
  const squaredNorm = new Float32Array(rows);
  const quadratic = new Float32Array(rows);
  const energySquareSum = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    squaredNorm[r] = sums[r * 3];
    quadratic[r] = sums[r * 3 + 1];
    energySquareSum[r] = sums[r * 3 + 2];
  }
  return { rows, squaredNorm, quadratic, energySquareSum };
}

/** Row energies of a resident [rows, F'] tensor (reads back rows * 3 floats). */
export async function rowEnergiesOnTensor(values: Tensor, edges: GpuEdges): Promise<RowEnergies> {
  const rows = values.shape[0];
  const sums = await runKernel(values.ctx, { shape: [rows, 3] }, (out) => rowEnergiesProgram(values, edges, out));
  try {
    return unpackRowEnergies(rows, (await sums.read()) as Float32Array);
  } finally {
    sums.dispose();
  }
}

/** Row energies of a host matrix (uploads matrix and edges). */
export async function rowEnergies(ctx: GpuContext, matrix: Matrix, graph: FeatureGraph): Promise<RowEnergies> {
  const values = Tensor.from(ctx, matrix.data, [matrix.rows, matrix.columns]);
  const edges = uploadEdges(ctx, graph);
  try {
    return await rowEnergiesOnTensor(values, edges);
  } finally {
    values.dispose();
    edges.dispose();
  }
}
