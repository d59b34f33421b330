import { decodeToFloat32 } from '../weights/dtype';
import { checkFiniteWeights } from '../weights/encoder-weights';
import { SAFETENSORS_DTYPE_BYTES } from '../weights/header';
import type { SafetensorsReader } from '../weights/reader';

/** Values decoded per read while streaming a tensor (16 MiB as f32). */
const CHUNK_VALUES = 1 << 22;

/**
 * Streams one checkpoint tensor in blocks of whole rows of `rowWidth` values: reads a block's
 * byte range (the next block's read runs while this one is handled), decodes it to f32 and
 * checks it for NaN and Infinity, and passes it to `consume(firstRow, values)`. The host holds about two blocks at a time, whatever
 * the tensor's size. Blocks hold an even number of rows, so f16 uploads stay on 4-byte words.
 */
export async function streamTensorRows(
  reader: SafetensorsReader,
  name: string,
  rowWidth: number,
  consume: (firstRow: number, values: Float32Array) => void,
  chunkValues = CHUNK_VALUES,
): Promise<void> {
  const info = reader.info(name);
  const bytesPerRow = rowWidth * SAFETENSORS_DTYPE_BYTES[info.dtype];
  const rows = (info.end - info.begin) / bytesPerRow;
  const blockRows = Math.max(2, 2 * Math.floor(chunkValues / rowWidth / 2));
  const read = (row: number) => reader.source.readRange(info.begin + row * bytesPerRow, info.begin + Math.min(rows, row + blockRows) * bytesPerRow);
  let pending = rows > 0 ? read(0) : null;
  try {
    for (let row = 0; row < rows; row += blockRows) {
      const bytes = await pending!;
      pending = row + blockRows < rows ? read(row + blockRows) : null;
      const values = decodeToFloat32(bytes, info.dtype, name);
      // A NaN or Infinity in the checkpoint is named here, block by block, as the host loader does.
      checkFiniteWeights(name, values, info.shape, row * rowWidth);
      consume(row, values);
    }
  } finally {
    // A failed block leaves the read ahead unawaited: keep its failure from going unhandled.
    pending?.catch(() => undefined);
  }
}
