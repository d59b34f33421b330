/**
 * DeepSeek-OCR weights for the optical tab: read the safetensors header from a local File
 * (Blob.slice ranges) or a URL (HTTP Range requests), check that every DeepEncoder tensor is
 * there with the right shape, and run the WebGPU encoder when @opticspace/encoder has one.
 * Nothing is downloaded unless the user gives a URL.
 */
import * as encoderPackage from '@opticspace/encoder';
import {
  BlobWeightSource,
  SafetensorsReader,
  encoderConfigForMode,
  encoderTensorShapes,
  type EncoderMode,
  type WeightSource,
} from '@opticspace/encoder';
import { InvalidInputError } from '@opticspace/gpu';
import type { RenderedTextPage } from '@opticspace/optical';

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

export interface WeightCheck {
  ok: boolean;
  message: string;
  reader?: SafetensorsReader;
}

export async function checkEncoderWeights(source: File | string, mode: string): Promise<WeightCheck> {
  const encoderMode = (['tiny', 'small', 'base', 'large'].includes(mode) ? mode : 'base') as EncoderMode;
  const reader = await SafetensorsReader.open(typeof source === 'string' ? new HttpRangeWeightSource(source) : new BlobWeightSource(source));
  const expected = encoderTensorShapes(encoderConfigForMode(encoderMode));
  const missing = [...expected.keys()].filter((name) => !reader.has(name));
  const mismatched = [...expected.entries()].filter(([name, shape]) => {
    if (!reader.has(name)) return false;
    const actual = reader.info(name).shape;
    return actual.length !== shape.length || actual.some((d, i) => d !== shape[i]);
  });
  if (missing.length > 0 || mismatched.length > 0) {
    const detail = [
      missing.length ? `${missing.length} encoder tensors are missing (first: ${missing[0]})` : '',
      mismatched.length ? `${mismatched.length} have other shapes (first: ${mismatched[0][0]})` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return { ok: false, message: `This file is not a DeepSeek-OCR checkpoint the encoder can use: ${detail}.` };
  }
  return { ok: true, message: `The checkpoint has all ${expected.size} DeepEncoder tensors with the expected shapes.`, reader };
}

/** The WebGPU encoder entry point, when this build of @opticspace/encoder exports one. */
type GpuEncodeFunction = (
  reader: SafetensorsReader,
  page: RenderedTextPage,
  mode: EncoderMode,
  onProgress: (message: string) => void,
) => Promise<{ values: Float32Array; count: number; dims: number }>;

function gpuEncoder(): GpuEncodeFunction | null {
  const candidate = (encoderPackage as Record<string, unknown>).encodePageOnGpu;
  return typeof candidate === 'function' ? (candidate as GpuEncodeFunction) : null;
}

export function encoderAvailability(): { available: boolean; reason: string } {
  if (gpuEncoder()) return { available: true, reason: '' };
  return {
    available: false,
    reason:
      'This build of @opticspace/encoder does not export a WebGPU encoder entry point yet, so the page can check your weights ' +
      'but not run them. (The CPU reference encoder exists for tests; on full-size weights it would take far too long in a tab.)',
  };
}

export async function runEncoder(
  check: WeightCheck,
  page: RenderedTextPage,
  mode: string,
  onProgress: (message: string) => void,
): Promise<{ values: Float32Array; count: number; dims: number; ms: number }> {
  const encode = gpuEncoder();
  if (!encode || !check.reader) throw new InvalidInputError('no WebGPU encoder or no checked weights');
  const start = performance.now();
  const tokens = await encode(check.reader, page, mode as EncoderMode, onProgress);
  return { ...tokens, ms: performance.now() - start };
}
