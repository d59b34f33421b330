/**
 * Row blocks: every per-item GPU buffer (item vectors, their statistics, scores, the k-means
 * sample and its labels, distances and products) is split into blocks of rows so that each
 * buffer fits one binding (maxStorageBufferBindingSize) and one buffer (maxBufferSize). One
 * partition serves all the buffers of a stage: its block size comes from the widest row.
 */
import { Tensor, type GpuContext } from '@opticspace/gpu';
import type { Matrix } from '../matrix';

/** A block of rows [start, start + rows). */
export interface RowBlock {
  start: number;
  rows: number;
}

/** Bytes one buffer may take: the device's binding and buffer limits, and an optional lower cap. */
export function bufferLimit(ctx: GpuContext, cap = Infinity): number {
  return Math.min(cap, ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
}

/** Rows per block when the widest per-row buffer takes `bytesPerRow` bytes (at least 1). */
export function rowsPerBlock(limit: number, bytesPerRow: number): number {
  return Math.max(1, Math.floor(limit / Math.max(1, bytesPerRow)));
}

/** Row ranges [start, end) of at most `perBlock` rows (one empty range for no rows). */
export function rowBlocks(rows: number, perBlock: number): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  for (let start = 0; start < rows; start += perBlock) blocks.push([start, Math.min(rows, start + perBlock)]);
  return blocks.length ? blocks : [[0, 0]];
}

/** The blocks of `rows` rows whose widest per-row buffer takes `bytesPerRow` bytes. */
export function blocksFor(rows: number, limit: number, bytesPerRow: number): RowBlock[] {
  return rowBlocks(rows, rowsPerBlock(limit, bytesPerRow)).map(([start, end]) => ({ start, rows: end - start }));
}

/** Rows [start, start + rows) of a matrix (a view, no copy). */
export function sliceRows(matrix: Matrix, block: RowBlock): Matrix {
  const { columns } = matrix;
  return { data: matrix.data.subarray(block.start * columns, (block.start + block.rows) * columns), rows: block.rows, columns };
}

/** Bytes per queue write of an upload: bounds the staging memory of multi-GiB blocks. */
const UPLOAD_CHUNK_BYTES = 64 * 2 ** 20;

/** Rows [start, start + rows) of a matrix in a new [rows, columns] tensor, written in chunks of at most 64 MiB. */
export function uploadRows(ctx: GpuContext, matrix: Matrix, block: RowBlock, chunkBytes = UPLOAD_CHUNK_BYTES): Tensor {
  const tensor = Tensor.empty(ctx, [block.rows, matrix.columns]);
  const data = sliceRows(matrix, block).data;
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
    ctx.device.queue.writeBuffer(tensor.buffer, offset, data.buffer, data.byteOffset + offset, Math.min(chunkBytes, data.byteLength - offset));
  }
  return tensor;
}
