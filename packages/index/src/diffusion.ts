/**
 * Step 5: heat diffusion of every centroid row over the feature graph:
 * `steps` explicit steps c <- c - eta * L c, with eta clamped to the stability bound
 * 1 / (2 * max weighted degree) (the explicit Euler step is stable for eta * lambda_max(L) <= 2
 * and lambda_max(L) <= 2 * max degree, so this bound keeps every step a contraction).
 * Design: docs/energy-index.md, "Build" step 5.
 */
import { applyLaplacian, type FeatureGraph } from './feature-graph';
import type { Matrix } from './matrix';

export function stableEta(graph: FeatureGraph, eta: number): number {
  let maxDegree = 0;
  for (const d of graph.degree) maxDegree = Math.max(maxDegree, d);
  return maxDegree > 0 ? Math.min(eta, 1 / (2 * maxDegree)) : eta;
}

export function diffuse(centroids: Matrix, graph: FeatureGraph, eta: number, steps: number): Matrix {
  const { rows, columns } = centroids;
  const data = new Float32Array(centroids.data);
  const laplacianTimesRow = new Float32Array(columns);
  for (let step = 0; step < steps; step++) {
    for (let r = 0; r < rows; r++) {
      const signal = data.subarray(r * columns, (r + 1) * columns);
      applyLaplacian(graph, signal, laplacianTimesRow);
      for (let f = 0; f < columns; f++) signal[f] -= eta * laplacianTimesRow[f];
    }
  }
  return { data, rows, columns };
}
