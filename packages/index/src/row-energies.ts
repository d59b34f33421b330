/**
 * Per-row energy statistics over a feature graph, the shared core of steps 6 and 8:
 * for a row y, edge energies c_e = w_e (y_a - y_b)^2; sum_e c_e = yT L y (the Rayleigh
 * numerator, since L = D - W); sum_e c_e^2 gives the dispersion G = sum c^2 / (sum c)^2.
 * The GPU kernel (shaders/index/row-energies.wgsl) computes the same three sums per row.
 */
import type { FeatureGraph } from './feature-graph';
import type { Matrix } from './matrix';

/** [rows, 3]: squared norm yT y, quadratic form yT L y, sum of squared edge energies. */
export interface RowEnergies {
  rows: number;
  squaredNorm: Float32Array;
  quadratic: Float32Array;
  energySquareSum: Float32Array;
}

export type ComputeRowEnergies = (rows: Matrix, graph: FeatureGraph) => Promise<RowEnergies>;

export async function rowEnergiesReference(matrix: Matrix, graph: FeatureGraph): Promise<RowEnergies> {
  const { rows, columns, data } = matrix;
  const squaredNorm = new Float32Array(rows);
  const quadratic = new Float32Array(rows);
  const energySquareSum = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * columns;
    let norm = 0;
    for (let f = 0; f < columns; f++) norm += data[o + f] ** 2;
    let sum = 0;
    let squares = 0;
    for (let e = 0; e < graph.edgeSource.length; e++) {
      const d = data[o + graph.edgeSource[e]] - data[o + graph.edgeTarget[e]];
      const energy = graph.edgeWeight[e] * d * d;
      sum += energy;
      squares += energy * energy;
    }
    squaredNorm[r] = norm;
    quadratic[r] = sum;
    energySquareSum[r] = squares;
  }
  return { rows, squaredNorm, quadratic, energySquareSum };
}

/** G = sum c^2 / (sum c)^2 in [0, 1]; 0 when every edge energy is zero. */
export function dispersion(quadratic: number, energySquareSum: number): number {
  return quadratic > 0 ? Math.min(1, energySquareSum / (quadratic * quadratic)) : 0;
}
