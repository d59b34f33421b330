/**
 * EnergyIndex: the public class. build() runs the pipeline in build.ts on the chosen backend,
 * search() scores queries in one of four modes, save()/load() use the format in format.ts.
 */
import { getDevice, type GpuContext } from '@opticspace/gpu';
import type { IndexBackend, ResidentItems } from './backend';
import { buildEnergy, type BuildReport } from './build';
import { CpuBackend } from './cpu/cpu-backend';
import { BackendUnavailableError, DimensionMismatchError, DisposedIndexError, IndexFormatError, InvalidParameterError } from './errors';
import { laplacianFromEdges, type FeatureGraph } from './feature-graph';
import { decodeIndex, encodeIndex } from './format';
import { GpuBackend } from './gpu/gpu-backend';
import { multiply, toMatrix, type Matrix, type VectorInput } from './matrix';
import {
  resolveBuildParameters,
  resolveSearchParameters,
  type BackendChoice,
  type BuildOptions,
  type BuildParameters,
  type SearchOptions,
} from './params';
import { projectionMatrix } from './projection';
import { prepareQueries, rerankByEnergy, weightsOf, type PreparedQueries } from './search';
import type { Signatures, TauMode } from './signature';
import { readSource, writeTarget, type LoadSource, type SaveTarget } from './storage';

export interface SearchHit {
  /** Row of the item in the corpus given to build(). */
  index: number;
  /** cosine / lambdaAware: similarity (higher is better); energy / hybrid: distance (lower is better). */
  score: number;
}

export interface LoadOptions {
  backend?: BackendChoice;
  gpu?: GpuContext;
}

/** Build and load accept a ready backend too (e.g. a GpuBackend with a smaller buffer limit). */
export interface BackendOption {
  /** Overrides `backend`/`gpu`. */
  computeBackend?: IndexBackend;
}

/** Item signatures (copies), for inspection and evaluation. */
export interface ItemSignatures {
  lambda: Float32Array;
  dispersion: Float32Array;
  quadratic: Float32Array;
  norm: Float32Array;
}

interface IndexState {
  params: BuildParameters;
  report: BuildReport;
  inputFeatures: number;
  projection: Matrix | null;
  tauMode: TauMode;
  vectors: Matrix;
  signatures: Pick<Signatures, 'lambda' | 'dispersion' | 'quadratic' | 'norm'>;
  energyGraph: FeatureGraph;
  subCentroids: Matrix;
}

/** Picks the backend: 'cpu', 'webgpu' (fails without WebGPU) or 'auto' (WebGPU when available). */
export async function resolveBackend(
  choice: BackendChoice,
  gpu?: GpuContext,
  openDevice: () => Promise<GpuContext> = () => getDevice(),
): Promise<IndexBackend> {
  if (choice === 'cpu') return new CpuBackend();
  if (gpu) return new GpuBackend(gpu);
  try {
    return new GpuBackend(await openDevice());
  } catch (cause) {
    if (choice === 'webgpu') {
      throw new BackendUnavailableError(`backend 'webgpu' was requested but no WebGPU device is available: ${(cause as Error).message}`, { cause });
    }
    return new CpuBackend();
  }
}

export class EnergyIndex {
  private resident: ResidentItems | null;
  private disposed = false;
  /** Searches running now: dispose() frees the GPU buffers only after the last one ends. */
  private inFlight = 0;

  private constructor(
    private readonly state: IndexState,
    resident: ResidentItems,
    private readonly activeBackend: IndexBackend,
  ) {
    this.resident = resident;
  }

  /** Builds an index over N vectors: a flat N*F array with options.dimension = F, or N rows. */
  static async build(vectors: VectorInput, options: BuildOptions & BackendOption & { dimension?: number } = {}): Promise<EnergyIndex> {
    if (typeof (vectors as ArrayLike<unknown> | undefined)?.[0] === 'number' && options.dimension === undefined) {
      throw new InvalidParameterError('dimension', 'given with a flat array of N*F values (or pass the vectors as N rows)', undefined);
    }
    const params = resolveBuildParameters(stripDimension(options));
    const start = performance.now();
    const input = toMatrix(vectors, options.dimension, 'Corpus');
    const inputMs = performance.now() - start;
    const backend = options.computeBackend ?? (await resolveBackend(params.backend, options.gpu));
    const built = await buildEnergy(input, params, backend, options.onProgress);
    built.report.timings = { input: inputMs, ...built.report.timings };
    const projection =
      built.report.projectionSeed === null ? null : projectionMatrix(built.report.projectionSeed, input.columns, built.vectors.columns);
    const state: IndexState = {
      params,
      report: built.report,
      inputFeatures: input.columns,
      projection,
      tauMode: { tau: built.signatures.tau, lambdaMin: built.signatures.lambdaMin, lambdaMax: built.signatures.lambdaMax },
      vectors: built.vectors,
      signatures: built.signatures,
      energyGraph: built.energyGraph,
      subCentroids: built.subCentroids,
    };
    return new EnergyIndex(state, built.resident, backend);
  }

  /** Loads from a Node path, an OPFS name, a FileSystemFileHandle, or bytes. */
  static async load(source: LoadSource, options: LoadOptions & BackendOption = {}): Promise<EnergyIndex> {
    return EnergyIndex.fromBytes(await readSource(source), options);
  }

  /**
   * Decodes the saved form. Besides the format checks (magic, version, lengths, CRC32), every
   * value is validated: non-finite numbers and out-of-range edge endpoints raise IndexFormatError
   * naming the section and the item, so a crafted or mis-written file never ranks garbage.
   */
  static async fromBytes(bytes: Uint8Array, options: LoadOptions & BackendOption = {}): Promise<EnergyIndex> {
    const { header, sections } = decodeIndex(bytes);
    /** A section of `rows` x `width` values; `row` names what a row is in errors. */
    const section = <T extends Float32Array | Uint32Array>(name: string, type: new (n: number) => T, rows: number, width = 1, row = 'item'): T => {
      const data = sections.get(name);
      if (!(data instanceof type) || data.length !== rows * width) {
        throw new IndexFormatError(`Index section '${name}' is missing or has ${data?.length ?? 0} values, expected ${rows * width}.`);
      }
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) throw new IndexFormatError(`Index section '${name}' holds ${data[i]} for ${row} ${Math.floor(i / width)}: a saved index holds finite numbers only (the file is corrupted or was not written by opticspace).`);
      }
      return data;
    };
    const { params, report, tauMode, inputFeatures } = header as { params?: BuildParameters; report?: BuildReport; tauMode?: TauMode; inputFeatures?: number };
    if (!params || !report || !tauMode || typeof report !== 'object' || typeof report.edges !== 'object' || report.edges === null) {
      throw new IndexFormatError('Index header is missing parameters, report or taumode constants.');
    }
    const count = (value: unknown, what: string, min = 0): number => {
      if (!Number.isSafeInteger(value) || (value as number) < min) throw new IndexFormatError(`Index header is corrupted: ${what} is ${JSON.stringify(value)}.`);
      return value as number;
    };
    const n = count(report.items, 'the item count', 1);
    const f = count(report.projectedFeatures, 'the projected dimension', 1);
    const edges = count(report.edges.energy, 'the energy edge count');
    const subCentroidCount = count(report.subCentroids, 'the sub-centroid count');
    count(inputFeatures, 'the input dimension', 1);
    if (report.projectionSeed !== null) count(report.projectionSeed, 'the projection seed');
    else if (f !== inputFeatures) throw new IndexFormatError(`Index header is corrupted: no projection but ${inputFeatures} input and ${f} stored features.`);
    for (const key of ['tau', 'lambdaMin', 'lambdaMax'] as const) {
      if (!Number.isFinite(tauMode[key])) throw new IndexFormatError(`Index header is corrupted: taumode ${key} is ${JSON.stringify(tauMode[key])}.`);
    }
    const vectors = { data: section('vectors', Float32Array, n, f), rows: n, columns: f };
    const signatures = {
      lambda: section('lambda', Float32Array, n),
      dispersion: section('dispersion', Float32Array, n),
      quadratic: section('quadratic', Float32Array, n),
      norm: section('norm', Float32Array, n),
    };
    const endpoints = [section('edgeSource', Uint32Array, edges, 1, 'edge'), section('edgeTarget', Uint32Array, edges, 1, 'edge')];
    for (const list of endpoints) {
      const bad = list.findIndex((feature) => feature >= f);
      if (bad >= 0) throw new IndexFormatError(`Index edge ${bad} joins feature ${list[bad]}, outside the ${f} stored features.`);
    }
    const energyGraph = laplacianFromEdges(f, endpoints[0], endpoints[1], section('edgeWeight', Float32Array, edges, 1, 'edge'));
    const subCentroids = { data: section('subCentroids', Float32Array, subCentroidCount, f, 'sub-centroid'), rows: subCentroidCount, columns: f };
    const projection = report.projectionSeed === null ? null : projectionMatrix(report.projectionSeed, inputFeatures as number, f);
    const backend = options.computeBackend ?? (await resolveBackend(options.backend ?? params.backend, options.gpu));
    const resident = await backend.residentItems(vectors);
    resident.setSignatures(signatures);
    const state: IndexState = { params, report, inputFeatures: inputFeatures as number, projection, tauMode, vectors, signatures, energyGraph, subCentroids };
    return new EnergyIndex(state, resident, backend);
  }

  /** Per-stage timings, X, X', F', eta used, edges, splits, degenerate items, seed, backend. */
  get report(): BuildReport {
    return this.state.report;
  }

  get parameters(): BuildParameters {
    return this.state.params;
  }

  /** The backend this index searches with now (a loaded index may differ from the build's). */
  get backend(): { kind: 'cpu' | 'webgpu'; adapter: string } {
    return { kind: this.activeBackend.kind, adapter: this.activeBackend.adapter };
  }

  /** Bytes the items take where search runs (GPU buffers on WebGPU): vectors and signatures. */
  get residentBytes(): number {
    return this.alive().residentBytes;
  }

  get size(): number {
    return this.state.vectors.rows;
  }

  /** The input dimension F that queries must have. */
  get dimension(): number {
    return this.state.inputFeatures;
  }

  /** The taumode constants (tau, lambda min/max) fixed at build time. */
  get tauMode(): TauMode {
    return { ...this.state.tauMode };
  }

  /** The energy Laplacian Le over the F' features. */
  get energyGraph(): FeatureGraph {
    return this.state.energyGraph;
  }

  itemSignatures(): ItemSignatures {
    const s = this.state.signatures;
    return { lambda: s.lambda.slice(), dispersion: s.dispersion.slice(), quadratic: s.quadratic.slice(), norm: s.norm.slice() };
  }

  /** Signatures (lambda, G, qLq, norm) of query vectors, as search computes them. */
  async querySignatures(queries: VectorInput): Promise<PreparedQueries> {
    return this.whileAlive(() => this.prepare(this.queryMatrix(queries)));
  }

  /**
   * Searches one query (a flat vector of length F) -> hits, or a batch (an array of rows) ->
   * hits per query. Use searchBatch for a flat [B * F] array.
   */
  search(query: Float32Array | Float64Array | number[], options?: SearchOptions): Promise<SearchHit[]>;
  search(queries: ArrayLike<number>[], options?: SearchOptions): Promise<SearchHit[][]>;
  async search(queries: VectorInput, options: SearchOptions = {}): Promise<SearchHit[] | SearchHit[][]> {
    const single = typeof (queries as ArrayLike<unknown>)[0] === 'number';
    if (single && (queries as ArrayLike<number>).length !== this.dimension) {
      throw new DimensionMismatchError('Query', this.dimension, (queries as ArrayLike<number>).length);
    }
    const results = await this.searchMatrix(this.queryMatrix(queries), options);
    return single ? results[0] : results;
  }

  /** Searches a flat [B * F] batch of queries. */
  async searchBatch(queries: Float32Array | number[], options: SearchOptions = {}): Promise<SearchHit[][]> {
    if (queries.length % this.dimension !== 0) {
      throw new DimensionMismatchError(`Query batch of ${queries.length} values (not a multiple of the dimension)`, this.dimension, queries.length % this.dimension);
    }
    return this.searchMatrix(toMatrix(queries, this.dimension, 'Query batch'), options);
  }

  private queryMatrix(queries: VectorInput): Matrix {
    const single = typeof (queries as ArrayLike<unknown>)[0] === 'number';
    return toMatrix(queries, single ? (queries as ArrayLike<number>).length : this.dimension, 'Query');
  }

  private async prepare(queries: Matrix): Promise<PreparedQueries> {
    if (queries.columns !== this.dimension) throw new DimensionMismatchError('Query', this.dimension, queries.columns);
    const projected = this.state.projection ? multiply(queries, this.state.projection) : queries;
    return prepareQueries(projected, this.state.energyGraph, this.state.tauMode);
  }

  private searchMatrix(queries: Matrix, options: SearchOptions): Promise<SearchHit[][]> {
    return this.whileAlive((resident) => this.score(resident, queries, options));
  }

  private async score(resident: ResidentItems, queries: Matrix, options: SearchOptions): Promise<SearchHit[][]> {
    const p = resolveSearchParameters(options, this.size);
    const prepared = await this.prepare(queries);
    const weights = weightsOf(p);
    if (p.method === 'hybrid') {
      const pool = Math.max(p.k, Math.min(p.candidates, this.size));
      const top = await resident.scoreTopK(prepared, 'cosine', weights, pool);
      const store = { vectors: this.state.vectors, ...this.state.signatures };
      return Array.from({ length: top.queries }, (_, b) =>
        rerankByEnergy(store, prepared, b, top.indices.subarray(b * pool, (b + 1) * pool), p.k, weights),
      );
    }
    const top = await resident.scoreTopK(prepared, p.method, weights, p.k);
    const sign = p.method === 'energy' ? -1 : 1;
    return Array.from({ length: top.queries }, (_, b) =>
      Array.from({ length: p.k }, (_, j) => ({ index: top.indices[b * p.k + j], score: sign * top.keys[b * p.k + j] })),
    );
  }

  /** The saved form (see format.ts). */
  toBytes(): Uint8Array {
    this.alive();
    const s = this.state;
    const header = { params: s.params, report: s.report, tauMode: s.tauMode, inputFeatures: s.inputFeatures };
    return encodeIndex(header, [
      { name: 'vectors', data: s.vectors.data },
      { name: 'lambda', data: s.signatures.lambda },
      { name: 'dispersion', data: s.signatures.dispersion },
      { name: 'quadratic', data: s.signatures.quadratic },
      { name: 'norm', data: s.signatures.norm },
      { name: 'edgeSource', data: s.energyGraph.edgeSource },
      { name: 'edgeTarget', data: s.energyGraph.edgeTarget },
      { name: 'edgeWeight', data: s.energyGraph.edgeWeight },
      { name: 'subCentroids', data: s.subCentroids.data },
    ]);
  }

  /** Saves to a Node path (temp file + rename), an OPFS name or a FileSystemFileHandle. */
  async save(target: SaveTarget): Promise<void> {
    await writeTarget(target, this.toBytes());
  }

  /**
   * Frees the GPU buffers; the index cannot be used afterwards. Searches still running reject
   * with DisposedIndexError (their buffers are freed when the last of them ends).
   */
  dispose(): void {
    this.disposed = true;
    if (this.inFlight === 0) this.release();
  }

  private release(): void {
    this.resident?.dispose();
    this.resident = null;
  }

  private alive(): ResidentItems {
    if (this.disposed || !this.resident) throw new DisposedIndexError();
    return this.resident;
  }

  /** Runs work that uses the resident items; if dispose() is called meanwhile, it rejects with DisposedIndexError. */
  private async whileAlive<T>(work: (resident: ResidentItems) => Promise<T>): Promise<T> {
    const resident = this.alive();
    this.inFlight++;
    try {
      const result = await work(resident);
      this.alive();
      return result;
    } catch (error) {
      if (this.disposed) throw new DisposedIndexError();
      throw error;
    } finally {
      this.inFlight--;
      if (this.disposed && this.inFlight === 0) this.release();
    }
  }
}

function stripDimension(options: BuildOptions & BackendOption & { dimension?: number }): BuildOptions {
  const { dimension: _dimension, computeBackend: _backend, ...rest } = options;
  return rest;
}
