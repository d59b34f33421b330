/**
 * The search engine behind the worker (engine-worker.ts): takes the corpus's embedding shipped
 * with it (the CVE corpus: fitted at build time, corpus-embedding.ts) or fits the lexical
 * embedder (TF-IDF + LSA from @opticspace/eval) on a dropped corpus and embeds it, builds the
 * EnergyIndex over the vectors and the texts (BM25 terms, for the lexical methods and the
 * fusions; WebGPU when there is an adapter, the TypeScript backend otherwise), and answers
 * queries with their text and vector.
 */
import { EnergyIndex, type SearchMethod } from '@opticspace/index';
import { LexicalEmbedder, decodeLexicalEmbedder, encodeLexicalEmbedder, tokenize } from '@opticspace/eval';
import { decodeCorpusEmbedding, demoEmbedder, type CorpusEmbedding } from './corpus-embedding';
import { words } from './highlight';
import type { BuildSettings, EngineReply, EngineSummary, GpuProbe, SearchResponse, SearchSettings } from './engine-protocol';

/** The worker's GPU: what it found, and the search kernels compiling meanwhile (settled, never rejected). */
export interface EngineGpu {
  probe: GpuProbe;
  kernelsWarm: Promise<void>;
}

/** Documents embedded per progress message. */
const EMBED_CHUNK = 256;

type Progress = (stage: string, fraction: number | null, ms?: number, done?: boolean) => void;

/** Fits the embedder on the texts and embeds them in chunks (a dropped corpus, or one without its shipped embedding). */
function fitInTab(texts: string[], progress: Progress): CorpusEmbedding {
  const start = performance.now();
  progress('fit', null);
  const fitted = demoEmbedder(texts.length);
  fitted.fit(texts);
  progress('fit', 1, performance.now() - start, true);
  const embedStart = performance.now();
  const vectors = new Float32Array(texts.length * fitted.dims);
  for (let first = 0; first < texts.length; first += EMBED_CHUNK) {
    const chunk = fitted.embedDocuments(texts.slice(first, first + EMBED_CHUNK));
    vectors.set(chunk, first * fitted.dims);
    progress('embed', Math.min(1, (first + EMBED_CHUNK) / texts.length), performance.now() - embedStart);
  }
  progress('embed', 1, performance.now() - embedStart, true);
  return { embedder: fitted, vectors };
}

/** The shipped embedding when it belongs to these texts, else null and why. */
function shippedEmbedding(bytes: Uint8Array, texts: string[], progress: Progress): { embedding: CorpusEmbedding | null; note?: string } {
  const start = performance.now();
  progress('embedding', null);
  const decoded = decodeCorpusEmbedding(bytes, texts);
  if (!decoded.embedding) return { embedding: null, note: `${decoded.mismatch}: fitted in this tab instead` };
  progress('embedding', 1, performance.now() - start, true);
  return { embedding: decoded.embedding };
}

/** The words of the hits' texts whose term is one of the query's (lower case, each once). */
function markedWords(texts: readonly string[], query: string, rows: readonly number[]): string[] {
  const terms = new Set(tokenize(query));
  const seen = new Map<string, boolean>();
  for (const row of new Set(rows)) {
    for (const word of words(texts[row] ?? '')) {
      const lower = word.toLowerCase();
      if (!seen.has(lower)) seen.set(lower, terms.has(tokenize(word)[0]));
    }
  }
  return [...seen].filter(([, marked]) => marked).map(([word]) => word);
}

/** A word the embedder's vocabulary lacks embeds to the zero vector. */
function unknownWords(fitted: LexicalEmbedder, query: string): string[] {
  const unknown = words(query).filter((word) => tokenize(word).length > 0 && fitted.embedQuery(word).every((value) => value === 0));
  return [...new Set(unknown)];
}

export class SearchEngine {
  private embedder: LexicalEmbedder | null = null;
  /** Where the current embedder came from (the build report says it). */
  private embedderOrigin: Pick<EngineSummary, 'embedder' | 'embedderNote'> = { embedder: 'fitted' };
  private index: EnergyIndex | null = null;
  /** The indexed texts (what the embedder and BM25 saw), for the words to mark in snippets. */
  private texts: string[] = [];

  constructor(
    private readonly gpu: Promise<EngineGpu>,
    private readonly post: (reply: EngineReply) => void,
  ) {}

  async build(id: number, documents: string[], settings: BuildSettings, shipped: Uint8Array | undefined): Promise<EngineSummary> {
    const progress: Progress = (stage, fraction, ms, done) => this.post({ id, type: 'progress', stage, fraction, ms, done });
    const start = performance.now();
    const fromFile = shipped ? shippedEmbedding(shipped, documents, progress) : { embedding: null };
    const { embedder, vectors } = fromFile.embedding ?? fitInTab(documents, progress);
    const embedMs = performance.now() - start;

    const gpu = await this.gpu;
    const indexStart = performance.now();
    const built = await EnergyIndex.build(vectors, {
      dimension: embedder.dims,
      documents,
      seed: settings.seed,
      eta: settings.eta,
      steps: settings.steps,
      graph: { topk: settings.topk },
      backend: settings.backend,
      onProgress: (p) => progress(p.stage, 1, p.ms, true),
    });
    await gpu.kernelsWarm;
    this.replace(built, embedder, documents, fromFile.embedding ? { embedder: 'shipped' } : { embedder: 'fitted', embedderNote: fromFile.note });
    return this.summarise(embedMs, performance.now() - indexStart, false);
  }

  async load(indexBytes: Uint8Array, embedderBytes: Uint8Array, backend: BuildSettings['backend'], documents: string[]): Promise<EngineSummary> {
    const start = performance.now();
    const embedder = decodeLexicalEmbedder(embedderBytes, 'saved embedder');
    const gpu = await this.gpu;
    const loaded = await EnergyIndex.fromBytes(indexBytes, { backend });
    await gpu.kernelsWarm;
    if (loaded.size !== documents.length) {
      loaded.dispose();
      throw new Error(`the saved index holds ${loaded.size} items but the saved corpus has ${documents.length} documents`);
    }
    if (loaded.dimension !== embedder.dims) {
      loaded.dispose();
      throw new Error(`the saved index has dimension ${loaded.dimension} but the saved embedder ${embedder.dims}`);
    }
    this.replace(loaded, embedder, documents, { embedder: 'saved' });
    return this.summarise(0, performance.now() - start, true, indexBytes.byteLength, embedderBytes.byteLength);
  }

  async search(query: string, methods: SearchMethod[], settings: SearchSettings): Promise<SearchResponse> {
    const { index, embedder } = this;
    if (!index || !embedder) throw new Error('no index yet: build or load one first');
    const embedStart = performance.now();
    const vector = embedder.embedQuery(query);
    const embedMs = performance.now() - embedStart;
    const prepared = await index.querySignatures(vector);
    // Every method gets the text (lexical methods, fusions) and the vector (dense methods, fusions).
    const results: SearchResponse['results'] = [];
    for (const method of methods) {
      const same = results.find((result) => result.method === method);
      if (same) {
        results.push(same);
        continue;
      }
      const searchStart = performance.now();
      const hits = await index.search({ text: query, vector }, { ...settings, method });
      results.push({ method, hits, searchMs: performance.now() - searchStart });
    }
    return {
      results,
      embedMs,
      queryLambda: prepared.lambda[0],
      unknownWords: unknownWords(embedder, query),
      marks: markedWords(this.texts, query, results.flatMap((result) => result.hits.map((hit) => hit.index))),
    };
  }

  exportBytes(): { index: Uint8Array; embedder: Uint8Array } {
    if (!this.index || !this.embedder) throw new Error('no index to save yet');
    return { index: this.index.toBytes(), embedder: encodeLexicalEmbedder(this.embedder) };
  }

  private replace(index: EnergyIndex, embedder: LexicalEmbedder, texts: string[], origin: SearchEngine['embedderOrigin']): void {
    this.index?.dispose();
    this.index = index;
    this.embedder = embedder;
    this.texts = texts;
    this.embedderOrigin = origin;
  }

  private async summarise(embedMs: number, indexMs: number, loadedFromStorage: boolean, indexBytes?: number, embedderBytes?: number): Promise<EngineSummary> {
    const index = this.index!;
    const embedder = this.embedder!;
    return {
      report: index.report,
      backend: index.backend,
      gpu: (await this.gpu).probe,
      documents: index.size,
      dims: embedder.dims,
      vocabulary: embedder.vocabularySize,
      ...this.embedderOrigin,
      lambda: index.itemSignatures().lambda,
      indexBytes: indexBytes ?? index.toBytes().byteLength,
      embedderBytes: embedderBytes ?? encodeLexicalEmbedder(embedder).byteLength,
      embedMs,
      indexMs,
      loadedFromStorage,
    };
  }
}
