/**
 * The build pipeline, top to bottom. `pipeline: 'classic'` is
 * arrowspace's non-energy build: taumode lambdas over the feature graph of the plain k-means
 * centroids (no diffusion, no splitting; Le = L0), searched with lambdaAware.
 * Design: docs/energy-index.md, "Build" steps 1-8 and "The classic pipeline".
 */
import type { IndexBackend, ResidentItems } from './backend';
import { stableEta } from './diffusion';
import { buildFeatureGraph, type FeatureGraph } from './feature-graph';
import { defaultClusterCount, kmeans } from './kmeans';
import type { Matrix } from './matrix';
import { compressCentroids } from './optical-compression';
import type { BuildParameters, BuildProgress, StageName } from './params';
import { projectedDimension, projectionMatrix } from './projection';
import { computeSignatures, type Signatures } from './signature';
import { splitCentroids } from './split';

export interface BuildReport {
  pipeline: BuildParameters['pipeline'];
  seed: number;
  backend: 'webgpu' | 'cpu';
  adapter: string;
  /** Items N and input dimension F. */
  items: number;
  features: number;
  /** F' (after projection; F when projection is off). */
  projectedFeatures: number;
  projectionSeed: number | null;
  /** X: k-means centroids (after optical compression, the tokens). */
  clusters: number;
  tokens: number;
  /** X': centroids after splitting (parents + children). */
  subCentroids: number;
  kmeansIterations: number;
  kmeansSampled: number;
  etaRequested: number;
  etaUsed: number;
  steps: number;
  edges: { bootstrap: number; energy: number };
  splits: number;
  splitThreshold: number | null;
  tau: number;
  lambdaMin: number;
  lambdaMax: number;
  degenerateItems: number[];
  /** Wall time per stage in ms. */
  timings: Partial<Record<StageName, number>>;
  totalMs: number;
}

export interface BuiltIndex {
  report: BuildReport;
  vectors: Matrix;
  signatures: Signatures;
  energyGraph: FeatureGraph;
  subCentroids: Matrix;
  resident: ResidentItems;
}

/** Independent seeded streams per stage, derived from the one build seed. */
export function stageSeed(seed: number, stage: number): number {
  return (seed ^ Math.imul(stage + 1, 0x9e3779b1)) >>> 0;
}

const STAGES: Record<BuildParameters['pipeline'], StageName[]> = {
  energy: ['projection', 'clustering', 'opticalCompression', 'bootstrapGraph', 'diffusion', 'splitting', 'energyGraph', 'upload', 'signatures'],
  classic: ['projection', 'clustering', 'opticalCompression', 'bootstrapGraph', 'upload', 'signatures'],
};

export async function buildEnergy(
  input: Matrix,
  params: BuildParameters,
  backend: IndexBackend,
  onProgress?: (progress: BuildProgress) => void,
): Promise<BuiltIndex> {
  const stages = STAGES[params.pipeline];
  const timings: Partial<Record<StageName, number>> = {};
  const started = performance.now();
  async function stage<T>(name: StageName, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    const result = await work();
    timings[name] = performance.now() - start;
    onProgress?.({ stage: name, done: Object.keys(timings).length, total: stages.length, ms: timings[name]! });
    return result;
  }

  const clusters = Math.min(input.rows, params.clusters ?? defaultClusterCount(input.rows));
  // 1. Random projection (items; queries use the same seed and r).
  const projectionSeed = params.projection.enabled ? stageSeed(params.seed, 1) : null;
  const vectors = await stage('projection', async () => {
    if (projectionSeed === null) return input;
    const r = projectedDimension(clusters, params.projection.eps, input.columns);
    return backend.project(input, projectionMatrix(projectionSeed, input.columns, r));
  });
  // 2. Clustering.
  const clustering = await stage('clustering', () =>
    kmeans(vectors, clusters, {
      seed: stageSeed(params.seed, 2),
      iterations: params.kmeansIterations,
      tolerance: params.kmeansTolerance,
      sampleSize: params.kmeansSample,
      run: backend.kmeans,
    }),
  );
  // 3. Optical compression to T tokens.
  const tokens = await stage('opticalCompression', () =>
    params.opticalTokens === null
      ? clustering.centroids
      : compressCentroids(clustering.centroids, params.opticalTokens, params.trimQuantile, stageSeed(params.seed, 3)),
  );
  // 4. Bootstrap feature Laplacian L0.
  const bootstrap = await stage('bootstrapGraph', () =>
    buildFeatureGraph(tokens, params.graph, 'bootstrap feature graph L0', backend.profileNeighbours),
  );
  let energyGraph = bootstrap;
  let subCentroids = tokens;
  let etaUsed = 0;
  let splits = 0;
  let splitThreshold: number | null = null;
  if (params.pipeline === 'energy') {
    // 5. Diffusion with the clamped step.
    etaUsed = stableEta(bootstrap, params.eta);
    const diffused = await stage('diffusion', () => backend.diffuse(tokens, bootstrap, etaUsed, params.steps));
    // 6. Splitting by dispersion.
    const split = await stage('splitting', async () => splitCentroids(diffused, await backend.rowEnergies(diffused, bootstrap), params));
    subCentroids = split.centroids;
    splits = split.split.length;
    splitThreshold = Number.isFinite(split.threshold) ? split.threshold : null;
    // 7. Energy Laplacian Le over the sub-centroids.
    energyGraph = await stage('energyGraph', () => buildFeatureGraph(subCentroids, params.graph, 'energy graph Le', backend.profileNeighbours));
  }
  // 8. Per-item signatures, computed where the items stay for search.
  const resident = await stage('upload', () => backend.residentItems(vectors));
  let signatures: Signatures;
  try {
    signatures = await stage('signatures', async () => {
      const result = computeSignatures(await resident.energies(energyGraph), params.tau);
      resident.setSignatures(result);
      return result;
    });
  } catch (error) {
    resident.dispose();
    throw error;
  }
  const report: BuildReport = {
    pipeline: params.pipeline,
    seed: params.seed,
    backend: backend.kind,
    adapter: backend.adapter,
    items: input.rows,
    features: input.columns,
    projectedFeatures: vectors.columns,
    projectionSeed,
    clusters: clustering.centroids.rows,
    tokens: tokens.rows,
    subCentroids: subCentroids.rows,
    kmeansIterations: clustering.iterations,
    kmeansSampled: clustering.sampled,
    etaRequested: params.eta,
    etaUsed,
    steps: params.pipeline === 'energy' ? params.steps : 0,
    edges: { bootstrap: bootstrap.edgeSource.length, energy: energyGraph.edgeSource.length },
    splits,
    splitThreshold,
    tau: signatures.tau,
    lambdaMin: signatures.lambdaMin,
    lambdaMax: signatures.lambdaMax,
    degenerateItems: signatures.degenerate,
    timings,
    totalMs: performance.now() - started,
  };
  return { report, vectors, signatures, energyGraph, subCentroids, resident };
}
