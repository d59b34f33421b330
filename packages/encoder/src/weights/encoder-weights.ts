import type { EncoderConfig } from '../config';
import { encoderGeometry } from '../config';
import { MissingTensorError, NonFiniteWeightError, TensorShapeMismatchError } from './errors';
import { encoderTensorShapes } from './encoder-tensors';
import type { HostTensor, SafetensorsReader } from './reader';

/** The encoder's tensors in f32 on the host, keyed by checkpoint name. */
export class EncoderWeights {
  constructor(
    readonly config: EncoderConfig,
    private readonly tensors: Map<string, HostTensor>,
  ) {}

  /** A tensor's values; throws MissingTensorError for names the encoder never loaded. */
  get(name: string): Float32Array {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new MissingTensorError([name]);
    return tensor.data;
  }

  shape(name: string): number[] {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new MissingTensorError([name]);
    return tensor.shape;
  }

  get names(): string[] {
    return [...this.tensors.keys()];
  }

  /** Total parameter count loaded. */
  get parameterCount(): number {
    let total = 0;
    for (const tensor of this.tensors.values()) total += tensor.data.length;
    return total;
  }
}

export interface LoadProgress {
  loaded: number;
  total: number;
  name: string;
}

/**
 * The encoder's tensors and their shapes, once the checkpoint's header is checked against the
 * configuration: every missing name and every shape mismatch is reported together, before any
 * tensor data is read.
 */
export function checkEncoderTensors(reader: SafetensorsReader, config: EncoderConfig): Map<string, number[]> {
  encoderGeometry(config);
  const expected = encoderTensorShapes(config);
  const missing = [...expected.keys()].filter((name) => !reader.has(name));
  if (missing.length) throw new MissingTensorError(missing);
  const mismatches = [...expected.entries()]
    .map(([name, shape]) => ({ name, expected: shape, actual: reader.info(name).shape }))
    .filter((m) => m.expected.length !== m.actual.length || m.expected.some((d, i) => d !== m.actual[i]));
  if (mismatches.length) throw new TensorShapeMismatchError(mismatches);
  return expected;
}

/**
 * Loads exactly the encoder's tensors into host memory (only their byte ranges are read); a
 * tensor holding NaN or Infinity raises NonFiniteWeightError with its name.
 */
export async function loadEncoderWeights(
  reader: SafetensorsReader,
  config: EncoderConfig,
  onProgress?: (progress: LoadProgress) => void,
): Promise<EncoderWeights> {
  const expected = checkEncoderTensors(reader, config);
  const tensors = new Map<string, HostTensor>();
  let loaded = 0;
  for (const name of expected.keys()) {
    const tensor = await reader.readFloat32(name);
    checkFiniteWeights(name, tensor.data, tensor.shape);
    tensors.set(name, tensor);
    onProgress?.({ loaded: ++loaded, total: expected.size, name });
  }
  return new EncoderWeights(config, tensors);
}

/**
 * Raises NonFiniteWeightError at the first NaN or Infinity of `data`: values `offset`.. of the
 * tensor `name` (the whole tensor, or one streamed block of it).
 */
export function checkFiniteWeights(name: string, data: Float32Array, shape: readonly number[], offset = 0): void {
  for (let i = 0; i < data.length; i++) {
    // x - x is 0 for finite x and NaN for NaN and +-Infinity: one comparison per value.
    if (data[i] - data[i] !== 0) throw new NonFiniteWeightError(name, offset + i, data[i], [...shape]);
  }
}
