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
import { toMatrix, type Matrix, type VectorInput } from './matrix';
import {
  resolveBuildParameters,
  resolveSearchParameters,
  type BackendChoice,
  type BuildOptions,
  type BuildParameters,
  type SearchOptions,
} from './params';
import { projectionMatrix } from './projection';
import { SCORE_MODE, SEARCH_METHODS, type ScoreMode } from './methods';
import { checkNeeds, defaultMethodFor, parseQueries, type ParsedQueries, type QueryInput, type SearchQuery } from './query';
import { candidateKeys, weightsOf, type PreparedQueries } from './search';
import { Bm25Index, type Bm25Parameters } from './lexical/bm25';
import { decodeLexical, encodeLexical } from './lexical/lexical-format';
import { SearchSteps } from './search-steps';
import type { Signatures, TauMode } from './signature';
import { readSource, writeTarget, type LoadSource, type SaveTarget } from './storage';

export type { SearchQuery } from './query';

export interface SearchHit {
  /** Row of the item in the corpus given to build(). */
  index: number;
  /** A similarity (higher is better) or, for methods whose `order` is 'distance' (energy, hybrid), a distance. */
  score: number;
}

export interface LoadOptions {
  backend?: BackendChoice;
  gpu?: GpuContext;
}

/** Document texts for the lexical methods (BM25 and the fusions): tokenized, counted and saved with the index. */
export interface DocumentOptions {
  /** One text per vector, in the same order. */
  documents?: readonly string[];
  /** BM25 term saturation k1 (default 1.2) and length normalisation b (default 0.75). */
  bm25?: Partial<Bm25Parameters>;
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
  /** The documents' BM25 matrix, when built with documents. */
  lexical: Bm25Index | null;
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
  static async build(vectors: VectorInput, options: BuildOptions & BackendOption & DocumentOptions & { dimension?: number } = {}): Promise<EnergyIndex> {
    if (typeof (vectors as ArrayLike<unknown> | undefined)?.[0] === 'number' && options.dimension === undefined) {
      throw new InvalidParameterError('dimension', 'given with a flat array of N*F values (or pass the vectors as N rows)', undefined);
    }
    const params = resolveBuildParameters(stripDimension(options));
    let start = performance.now();
    const input = toMatrix(vectors, options.dimension, 'Corpus');
    const inputMs = performance.now() - start;
    start = performance.now();
    const lexical = options.documents === undefined ? null : lexicalIndex(options.documents, input.rows, options.bm25);
    const lexicalMs = performance.now() - start;
    const backend = options.computeBackend ?? (await resolveBackend(params.backend, options.gpu));
    const built = await buildEnergy(input, params, backend, options.onProgress);
    built.report.timings = { input: inputMs, ...built.report.timings, ...(lexical ? { lexical: lexicalMs } : {}) };
    if (lexical) built.resident.setLexical(lexical.matrix);
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
      lexical,
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
    const lexical = header.lexical === undefined ? null : decodeLexical(header.lexical, section, n);
    const backend = options.computeBackend ?? (await resolveBackend(options.backend ?? params.backend, options.gpu));
    const resident = await backend.residentItems(vectors);
    resident.setSignatures(signatures);
    if (lexical) resident.setLexical(lexical.matrix);
    const state: IndexState = { params, report, inputFeatures: inputFeatures as number, projection, tauMode, vectors, signatures, energyGraph, subCentroids, lexical };
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

  /** The documents' lexical data (null when built without documents). */
  get lexical(): { terms: number; nonzeros: number; k1: number; b: number } | null {
    const bm25 = this.state.lexical;
    return bm25 && { terms: bm25.termCount, nonzeros: bm25.counts.values.length, k1: bm25.k1, b: bm25.b };
  }

  itemSignatures(): ItemSignatures {
    const s = this.state.signatures;
    return { lambda: s.lambda.slice(), dispersion: s.dispersion.slice(), quadratic: s.quadratic.slice(), norm: s.norm.slice() };
  }

  /** Signatures (lambda, G, qLq, norm) of query vectors, as search computes them. */
  async querySignatures(queries: VectorInput): Promise<PreparedQueries> {
    const single = typeof (queries as ArrayLike<unknown>)[0] === 'number';
    const vectors = toMatrix(queries, single ? (queries as ArrayLike<number>).length : this.dimension, 'Query');
    if (vectors.columns !== this.dimension) throw new DimensionMismatchError('Query', this.dimension, vectors.columns);
    return this.whileAlive((resident) => this.steps(resident).prepare({ count: vectors.rows, texts: null, vectors }));
  }

  /**
   * Searches one query -> hits, or a batch (an array of queries) -> hits per query. A query is a
   * vector (flat array of length F) or { text, vector }: lexical methods need the text, dense
   * methods the vector, fusions both (methods.ts). Use searchBatch for a flat [B * F] array.
   */
  search(query: Float32Array | Float64Array | number[] | SearchQuery, options?: SearchOptions): Promise<SearchHit[]>;
  search(queries: ReadonlyArray<ArrayLike<number> | SearchQuery>, options?: SearchOptions): Promise<SearchHit[][]>;
  async search(queries: QueryInput, options: SearchOptions = {}): Promise<SearchHit[] | SearchHit[][]> {
    const parsed = parseQueries(queries, this.dimension);
    const results = await this.run(parsed, options);
    return parsed.single ? results[0] : results;
  }

  /**
   * Scores of given items for each query vector under a one-pass dense method (cosine,
   * lambdaAware, energy), in the order of `items`: a similarity, or for energy a distance, as
   * search() reports it. The re-ranking building block (hybrid, the fusions' energy list).
   */
  async scoreItems(queries: VectorInput, items: ReadonlyArray<ArrayLike<number>>, options: SearchOptions & { method: ScoreMode }): Promise<Float32Array[]> {
    const p = resolveSearchParameters(options, this.size);
    if (!(p.method in SCORE_MODE)) throw new InvalidParameterError('method', `one of ${Object.keys(SCORE_MODE).join(', ')}`, p.method);
    const prepared = await this.querySignatures(queries);
    if (items.length !== prepared.vectors.rows) throw new InvalidParameterError('items', `one list per query (${prepared.vectors.rows})`, `${items.length} lists`);
    const store = { vectors: this.state.vectors, ...this.state.signatures };
    const sign = SEARCH_METHODS[p.method].order === 'distance' ? -1 : 1;
    return items.map((list, b) => {
      for (const item of Array.from(list)) if (!(Number.isInteger(item) && item >= 0 && item < this.size)) throw new InvalidParameterError(`items[${b}]`, `item indices in [0, ${this.size})`, item);
      return candidateKeys(store, prepared, b, list, p.method as ScoreMode, weightsOf(p)).map((key) => sign * key);
    });
  }

  /** Searches a flat [B * F] batch of query vectors. */
  async searchBatch(queries: Float32Array | number[], options: SearchOptions = {}): Promise<SearchHit[][]> {
    if (queries.length % this.dimension !== 0) {
      throw new DimensionMismatchError(`Query batch of ${queries.length} values (not a multiple of the dimension)`, this.dimension, queries.length % this.dimension);
    }
    const vectors = toMatrix(queries, this.dimension, 'Query batch');
    return this.run({ batch: { count: vectors.rows, texts: null, vectors }, single: false, firstWithout: { text: 0, vector: -1 } }, options);
  }

  private steps(resident: ResidentItems): SearchSteps {
    const s = this.state;
    return new SearchSteps({
      resident,
      store: { vectors: s.vectors, ...s.signatures },
      graph: s.energyGraph,
      tauMode: s.tauMode,
      projection: s.projection,
      bm25: s.lexical,
    });
  }

  private run(parsed: ParsedQueries, options: SearchOptions): Promise<SearchHit[][]> {
    return this.whileAlive((resident) => this.runOn(resident, parsed, options));
  }

  private async runOn(resident: ResidentItems, parsed: ParsedQueries, options: SearchOptions): Promise<SearchHit[][]> {
    const p = resolveSearchParameters(options, this.size);
    const hasDocuments = this.state.lexical !== null;
    if (options.method === undefined) p.method = defaultMethodFor(parsed, hasDocuments, p);
    checkNeeds(p.method, parsed, hasDocuments);
    const spec = SEARCH_METHODS[p.method];
    const top = await spec.run(this.steps(resident), parsed.batch, p);
    const sign = spec.order === 'distance' ? -1 : 1;
    return Array.from({ length: top.queries }, (_, b) =>
      Array.from({ length: top.k }, (_, j) => ({ index: top.indices[b * top.k + j], score: sign * top.keys[b * top.k + j] })),
    );
  }

  /** The saved form (see format.ts). */
  toBytes(): Uint8Array {
    this.alive();
    const s = this.state;
    const lexical = s.lexical && encodeLexical(s.lexical);
    const header = { params: s.params, report: s.report, tauMode: s.tauMode, inputFeatures: s.inputFeatures, ...(lexical && { lexical: lexical.header }) };
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
      ...(lexical?.sections ?? []),
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

function stripDimension(options: BuildOptions & BackendOption & DocumentOptions & { dimension?: number }): BuildOptions {
  const { dimension: _dimension, computeBackend: _backend, documents: _documents, bm25: _bm25, ...rest } = options;
  return rest;
}

/** The BM25 matrix of one text per item. */
function lexicalIndex(documents: readonly string[], items: number, bm25: Partial<Bm25Parameters> | undefined): Bm25Index {
  if (!Array.isArray(documents) || documents.length !== items) {
    throw new InvalidParameterError('documents', `an array of ${items} texts (one per vector)`, Array.isArray(documents) ? `${documents.length} texts` : typeof documents);
  }
  const bad = documents.findIndex((text) => typeof text !== 'string');
  if (bad >= 0) throw new InvalidParameterError(`documents[${bad}]`, 'a string', documents[bad]);
  return new Bm25Index(documents, bm25);
}
