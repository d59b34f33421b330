import { InvalidInputError } from '@opticspace/gpu';
import { assembleVisionTokens, visionTokenSources } from '../gundam/token-layout';
import type { PreparedImage } from '../image/prepare';

/**
 * What the optical pipeline needs from a DeepEncoder implementation (GPU or reference):
 * the projected features of one square view, [(size / 64)^2, dims] row-major, without
 * newline/separator tokens, plus the two learned layout vectors.
 */
export interface ViewEncoder {
  readonly dims: number;
  readonly newline: Float32Array;
  readonly separator: Float32Array;
  encodeView(pixels: Float32Array, size: number): Promise<Float32Array>;
}

export interface EncodedImage {
  /** [layout.total, dims]: local grid, global view, separator (deepseek_ocr.py order). */
  tokens: Float32Array;
  dims: number;
  /** Row indices of tokens with image content (not newline/separator). */
  contentRows: number[];
}

/** Runs the encoder on every view of a prepared image and lays the tokens out. */
export async function encodePreparedImage(prepared: PreparedImage, encoder: ViewEncoder): Promise<EncodedImage> {
  const global = await encoder.encodeView(prepared.global.pixels, prepared.global.size);
  const locals: Float32Array[] = [];
  for (const crop of prepared.crops) locals.push(await encoder.encodeView(crop.pixels, crop.size));
  const tokens = assembleVisionTokens(prepared.layout, global, locals, encoder.newline, encoder.separator);
  const contentRows: number[] = [];
  let row = 0;
  for (const source of visionTokenSources(prepared.layout)) {
    if (source.kind === 'local' || source.kind === 'global') contentRows.push(row);
    row++;
  }
  if (tokens.length !== prepared.layout.total * encoder.dims) {
    throw new InvalidInputError(`encoded ${tokens.length} values; expected ${prepared.layout.total} x ${encoder.dims}`);
  }
  return { tokens, dims: encoder.dims, contentRows };
}
