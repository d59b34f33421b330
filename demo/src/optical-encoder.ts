/**
 * DeepSeek-OCR weights for the optical tab: a local File (read by Blob.slice ranges) or a URL
 * (HTTP Range requests); @opticspace/encoder's openDeepEncoder reads only the encoder's tensors,
 * checks every name and shape, and uploads them; the page is then encoded on WebGPU.
 * Nothing is downloaded unless the user gives a URL.
 */
import { BlobWeightSource, RESOLUTION_MODES, RESOLUTION_MODE_NAMES, openDeepEncoder, type ResolutionModeName, type WeightSource } from '@opticspace/encoder';
import { getDevice, InvalidInputError } from '@opticspace/gpu';
import { prepareImage, rgbaToRgb, type RenderedTextPage } from '@opticspace/optical';

/** Reads byte ranges of a remote file; the server must allow CORS and answer Range requests. */
class HttpRangeWeightSource implements WeightSource {
  size?: number;
  constructor(private readonly url: string) {}

  async readRange(begin: number, end: number): Promise<Uint8Array> {
    if (end === begin) return new Uint8Array(0);
    const response = await fetch(this.url, { headers: { Range: `bytes=${begin}-${end - 1}` } });
    if (response.status !== 206) {
      throw new InvalidInputError(`${this.url}: expected a 206 partial response to a Range request, got HTTP ${response.status}`);
    }
    const total = /\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
    if (total) this.size = Number(total[1]);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== end - begin) {
      throw new InvalidInputError(`${this.url}: asked for ${end - begin} bytes at ${begin}, got ${bytes.byteLength}`);
    }
    return bytes;
  }
}

export interface EncodedPage {
  values: Float32Array;
  count: number;
  dims: number;
  ms: number;
}

/** Modes whose page is one view (Gundam crops the page, which this tab does not do). */
const ENCODER_MODES: readonly string[] = RESOLUTION_MODE_NAMES.filter((name) => !RESOLUTION_MODES[name].crop);

/** Loads the encoder from the weights, encodes the page's global view and frees the GPU weights. */
export async function encodePage(
  weights: File | string,
  page: RenderedTextPage,
  mode: string,
  onProgress: (message: string) => void,
): Promise<EncodedPage> {
  if (!ENCODER_MODES.includes(mode)) throw new InvalidInputError(`the encoder runs in ${ENCODER_MODES.join(', ')} mode, got '${mode}'`);
  const context = await getDevice();
  const source = typeof weights === 'string' ? new HttpRangeWeightSource(weights) : new BlobWeightSource(weights);
  const start = performance.now();
  const encoder = await openDeepEncoder(context, source, {
    mode: mode as ResolutionModeName,
    onProgress: (p) => onProgress(`Loading weights: tensor ${p.loaded} of ${p.total} (${p.name})`),
  });
  try {
    onProgress('Encoding the page on WebGPU…');
    const pixels = prepareImage(rgbaToRgb(page.image), mode as ResolutionModeName).global.pixels;
    const result = await encoder.encode(pixels);
    return { values: result.tokens, count: result.tokenCount, dims: result.tokens.length / result.tokenCount, ms: performance.now() - start };
  } finally {
    encoder.dispose();
  }
}
