import { parseSafetensorsHeader, readHeaderLength, type SafetensorsHeader, type SafetensorsTensorInfo } from './header';
import { decodeToFloat32 } from './dtype';
import { MissingTensorError } from './errors';
import type { WeightSource } from './source';

/** A float tensor read from a checkpoint: row-major values and shape. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Random access to a safetensors checkpoint through a WeightSource: reads the header once,
 * then only the byte ranges of the tensors asked for.
 */
export class SafetensorsReader {
  private constructor(
    readonly source: WeightSource,
    readonly header: SafetensorsHeader,
  ) {}

  static async open(source: WeightSource): Promise<SafetensorsReader> {
    const prefix = await source.readRange(0, 8);
    const headerLength = readHeaderLength(prefix, source.size);
    const headerBytes = await source.readRange(0, 8 + headerLength);
    return new SafetensorsReader(source, parseSafetensorsHeader(headerBytes, source.size));
  }

  get names(): string[] {
    return [...this.header.tensors.keys()];
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  info(name: string): SafetensorsTensorInfo {
    const info = this.header.tensors.get(name);
    if (!info) throw new MissingTensorError([name]);
    return info;
  }

  /** Reads one tensor's bytes and converts F32/F16/BF16 to f32. */
  async readFloat32(name: string): Promise<HostTensor> {
    const info = this.info(name);
    const bytes = await this.source.readRange(info.begin, info.end);
    return { shape: [...info.shape], data: decodeToFloat32(bytes, info.dtype, name) };
  }
}
