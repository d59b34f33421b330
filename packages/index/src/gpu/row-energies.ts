import source from '@shaders/index/row-energies.wgsl?raw';
import { CommandBatch, ShapeError, Tensor, flatDispatch, shaderSource, type ComputeProgram, type GpuContext } from '@opticspace/gpu';
import type { FeatureGraph } from '../feature-graph';
import type { Matrix } from '../matrix';
import type { RowEnergies } from '../row-energies';
import { Readback } from './readback';

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

/**
 * Row energies of items resident in row blocks (values [rows_b, F'] from row `start`): one
 * submit for every block and one readback of rows * 3 floats.
 */
export async function rowEnergiesOfBlocks(ctx: GpuContext, blocks: ReadonlyArray<{ start: number; values: Tensor }>, edges: GpuEdges): Promise<RowEnergies> {
  const rows = blocks.reduce((sum, block) => sum + block.values.shape[0], 0);
  const sums: Tensor[] = [];
  const readback = new Readback(ctx);
  try {
    const batch = new CommandBatch(ctx);
    for (const block of blocks) {
      sums.push(Tensor.empty(ctx, [block.values.shape[0], 3]));
      batch.dispatch(rowEnergiesProgram(block.values, edges, sums[sums.length - 1]));
    }
    await readback.record(batch, sums.map((tensor) => ({ tensor, bytes: tensor.byteLength }))).submit();
    const parts = await readback.read();
    const energies: RowEnergies = { rows, squaredNorm: new Float32Array(rows), quadratic: new Float32Array(rows), energySquareSum: new Float32Array(rows) };
    blocks.forEach((block, b) => {
      const values = new Float32Array(parts[b]);
      for (let r = 0; r < block.values.shape[0]; r++) {
        energies.squaredNorm[block.start + r] = values[r * 3];
        energies.quadratic[block.start + r] = values[r * 3 + 1];
        energies.energySquareSum[block.start + r] = values[r * 3 + 2];
      }
    });
    return energies;
  } finally {
    readback.dispose();
    for (const tensor of sums) tensor.dispose();
  }
}

/** Row energies of a host matrix (uploads matrix and edges). */
export async function rowEnergies(ctx: GpuContext, matrix: Matrix, graph: FeatureGraph): Promise<RowEnergies> {
  const values = Tensor.from(ctx, matrix.data, [matrix.rows, matrix.columns]);
  const edges = uploadEdges(ctx, graph);
  try {
    return await rowEnergiesOfBlocks(ctx, [{ start: 0, values }], edges);
  } finally {
    values.dispose();
    edges.dispose();
  }
}
