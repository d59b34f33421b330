import { resolutionMode, PATCH_SIZE, type ResolutionModeName } from '../modes';
import { visionTokenLayout, type VisionTokenLayout } from '../gundam/token-layout';
import type { RgbaImage } from '../image/rgb-image';
import { imageEntropy, textEntropy, tokenValueEntropy, type EntropySummary, type TokenEntropySummary } from './entropy';

/** SAM patches of one square view: (side / 16)^2. */
export function patchesPerView(side: number): number {
  const perSide = Math.floor(side / PATCH_SIZE);
  return perSide * perSide;
}

export interface SpatialCompression {
  /** SAM patch tokens entering the encoder, all views of all pages. */
  patchesIn: number;
  /** Vision tokens with image content leaving the encoder (no newline/separator). */
  contentTokensOut: number;
  /** All vision tokens the language model would read (with newlines and separators). */
  visionTokensOut: number;
  /** patchesIn / contentTokensOut (16 for every mode: 4x4 patches per token). */
  ratio: number;
}

/** Patch and token counts for the given images (pages) in one mode. */
export function spatialCompression(sizes: ReadonlyArray<{ width: number; height: number }>, mode: ResolutionModeName): SpatialCompression & { layouts: VisionTokenLayout[] } {
  const m = resolutionMode(mode);
  let patchesIn = 0;
  let contentTokensOut = 0;
  let visionTokensOut = 0;
  const layouts: VisionTokenLayout[] = [];
  for (const { width, height } of sizes) {
    const layout = visionTokenLayout(width, height, m);
    layouts.push(layout);
    const crops = layout.localSide > 0 ? layout.tiles.columns * layout.tiles.rows : 0;
    patchesIn += patchesPerView(m.baseSize) + crops * patchesPerView(m.imageSize);
    contentTokensOut += layout.contentTokens;
    visionTokensOut += layout.total;
  }
  return { patchesIn, contentTokensOut, visionTokensOut, ratio: patchesIn / contentTokensOut, layouts };
}

export function countWords(text: string): number {
  const words = text.trim().split(/\s+/u);
  return words.length === 1 && words[0] === '' ? 0 : words.length;
}

export interface CompressionReport {
  mode: ResolutionModeName;
  pages: number;
  pageSize: { width: number; height: number };
  characters: number;
  words: number;
  spatial: SpatialCompression;
  /** words / all vision tokens (the paper's compression ratio is text tokens per vision token). */
  wordsPerVisionToken: number;
  charactersPerVisionToken: number;
  textEntropy: EntropySummary;
  /** 8-bit grayscale histogram of the rendered pages. */
  imageEntropy: EntropySummary;
  /** Present when vision tokens were computed (needs the encoder and weights). */
  tokenEntropy?: TokenEntropySummary;
  /** total text bits / (vision tokens x dims x 8 bits at 256 levels), when tokens exist. */
  tokenBitsPerTextBit?: number;
}

/**
 * Compression metrics of a text rendered to pages: patches in vs tokens out, words per
 * vision token, and order-0 Shannon entropies of the characters, the page pixels and
 * (optionally) the vision tokens' values.
 */
export function compressionReport(
  text: string,
  mode: ResolutionModeName,
  pages: readonly RgbaImage[],
  visionTokens?: { values: Float32Array; bins?: number },
): CompressionReport {
  const spatial = spatialCompression(pages, mode);
  const { layouts: _layouts, ...spatialCounts } = spatial;
  void _layouts;
  const characters = [...text].length;
  const words = countWords(text);
  const report: CompressionReport = {
    mode,
    pages: pages.length,
    pageSize: pages.length ? { width: pages[0].width, height: pages[0].height } : { width: 0, height: 0 },
    characters,
    words,
    spatial: spatialCounts,
    wordsPerVisionToken: words / spatial.visionTokensOut,
    charactersPerVisionToken: characters / spatial.visionTokensOut,
    textEntropy: textEntropy(text),
    imageEntropy: imageEntropy(pages),
  };
  if (visionTokens) {
    report.tokenEntropy = tokenValueEntropy(visionTokens.values, visionTokens.bins);
    report.tokenBitsPerTextBit = report.tokenEntropy.totalBits / Math.max(report.textEntropy.totalBits, 1e-12);
  }
  return report;
}

function format(value: number, digits = 3): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** Human-readable report (the CLI's default output). */
export function formatCompressionReport(report: CompressionReport): string {
  const lines = [
    `mode ${report.mode}: ${report.pages} page(s) of ${report.pageSize.width} x ${report.pageSize.height}`,
    `text: ${report.characters} characters, ${report.words} words`,
    `spatial: ${report.spatial.patchesIn} patches in -> ${report.spatial.contentTokensOut} content tokens (${format(report.spatial.ratio)}x), ${report.spatial.visionTokensOut} vision tokens with newlines/separators`,
    `words per vision token: ${format(report.wordsPerVisionToken)}; characters per vision token: ${format(report.charactersPerVisionToken)}`,
    `text entropy: ${format(report.textEntropy.bitsPerSymbol)} bits/char over ${report.textEntropy.distinct} distinct, ${format(report.textEntropy.totalBits, 1)} bits total`,
    `image entropy: ${format(report.imageEntropy.bitsPerSymbol)} bits/pixel (8-bit gray, ${report.imageEntropy.distinct} levels used), ${format(report.imageEntropy.totalBits, 1)} bits total`,
  ];
  if (report.tokenEntropy) {
    const t = report.tokenEntropy;
    lines.push(
      `token entropy: ${format(t.bitsPerSymbol)} bits/value (${t.bins} equal bins over [${format(t.min)}, ${format(t.max)}]), ${format(t.totalBits, 1)} bits total`,
    );
  } else {
    lines.push('token entropy: not computed (pass --weights to run the encoder)');
  }
  return lines.join('\n');
}
