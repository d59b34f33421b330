/**
 * Row blocks: every per-item GPU buffer (item vectors, their statistics, scores, the k-means
 * sample and its labels, distances and products) is split into blocks of rows so that each
 * buffer fits one binding (maxStorageBufferBindingSize) and one buffer (maxBufferSize). One
 * partition serves all the buffers of a stage: its block size comes from the widest row.
 */
import type { GpuContext } from '@opticspace/gpu';
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
