/**
 * Messages between the page and the search worker (engine-worker.ts). The worker holds the
 * embedder and the EnergyIndex so that building never freezes the page.
 */
import type { BuildReport, SearchMethod } from '@opticspace/index';
import type { MethodCatalogue } from './methods';

export interface BuildSettings {
  eta: number;
  steps: number;
  topk: number;
  seed: number;
  /** 'auto' uses WebGPU when there is an adapter; 'cpu' forces the TypeScript backend. */
  backend: 'auto' | 'cpu' | 'webgpu';
}

export interface SearchSettings {
  k: number;
  alpha: number;
  candidates: number;
  weights: { lambda: number; dispersion: number; dirichlet: number };
}

export interface GpuProbe {
  available: boolean;
  /** Adapter name, or why there is none. */
  detail: string;
  shaderF16: boolean;
}

/** What the engine has: the GPU it found and the index's search methods. */
export interface EngineInfo {
  gpu: GpuProbe;
  methods: MethodCatalogue;
}

export interface EngineSummary {
  report: BuildReport;
  backend: { kind: 'cpu' | 'webgpu'; adapter: string };
  gpu: GpuProbe;
  documents: number;
  dims: number;
  vocabulary: number;
  /** Where the embedder came from: shipped with the corpus (fitted at build time), fitted in this tab, or the saved index's. */
  embedder: 'shipped' | 'fitted' | 'saved';
  /** Why a shipped embedding was not used (it belongs to another corpus), if so. */
  embedderNote?: string;
  /** Per-document lambda (taumode index), for the result lists. */
  lambda: Float32Array;
  /** Size of the saved form of the index and of the embedder, in bytes. */
  indexBytes: number;
  embedderBytes: number;
  /** Wall time of fit + embed, or of decoding the shipped embedding (ms), and of EnergyIndex.build or load (ms). */
  embedMs: number;
  indexMs: number;
  loadedFromStorage: boolean;
}

export interface MethodResult {
  method: SearchMethod;
  hits: Array<{ index: number; score: number }>;
  /** index.search only (ms). */
  searchMs: number;
}

export interface SearchResponse {
  results: MethodResult[];
  /** Embedding the query text (ms). */
  embedMs: number;
  queryLambda: number;
  /** Words of the query that no document uses (stop words left out): they add nothing to the query. */
  unknownWords: string[];
  /** Words of the hits' texts to mark, lower case: those whose term (the tokenizer's stem) is one of the query's. */
  marks: string[];
}

export type EngineRequest =
  | { id: number; type: 'info' }
  | { id: number; type: 'build'; texts: string[]; settings: BuildSettings; embedding?: Uint8Array }
  | { id: number; type: 'search'; query: string; methods: SearchMethod[]; settings: SearchSettings }
  | { id: number; type: 'export' }
  | { id: number; type: 'load'; index: Uint8Array; embedder: Uint8Array; backend: BuildSettings['backend']; texts: string[] };

export type EngineReply =
  | { id: number; type: 'progress'; stage: string; fraction: number | null; ms?: number; done?: boolean }
  | { id: number; type: 'ok'; value: unknown }
  | { id: number; type: 'error'; name: string; message: string };
