import { InvalidInputError } from '@opticspace/gpu';
import type { WeightSource } from '@opticspace/encoder';

/**
 * A WeightSource over byte ranges already fetched (the header and the wanted tensors). It
 * answers any range inside one loaded chunk and refuses the rest, so a reader can never
 * silently get bytes that were not downloaded.
 */
export class LoadedRangesSource implements WeightSource {
  private readonly chunks: Array<{ begin: number; bytes: Uint8Array }>;

  constructor(
    readonly size: number,
    chunks: Array<{ begin: number; bytes: Uint8Array }>,
  ) {
    this.chunks = chunks.slice().sort((a, b) => a.begin - b.begin);
  }

  get loadedBytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.bytes.byteLength, 0);
  }

  async readRange(begin: number, end: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin || end > this.size) {
      throw new InvalidInputError(`readRange: invalid byte range [${begin}, ${end}) for a ${this.size}-byte checkpoint`);
    }
    for (const chunk of this.chunks) {
      if (chunk.begin <= begin && end <= chunk.begin + chunk.bytes.byteLength) {
        return chunk.bytes.subarray(begin - chunk.begin, end - chunk.begin);
      }
    }
    throw new InvalidInputError(`readRange: bytes [${begin}, ${end}) were not loaded (only the selected tensors were fetched)`);
  }
}
