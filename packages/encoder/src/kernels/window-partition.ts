import source from '@shaders/encoder/window-partition.wgsl?raw';
import { flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType } from '@opticspace/gpu';

/** Windows per side after zero-padding `size` up to a multiple of `window`. */
export function windowsPerSide(size: number, window: number): number {
  return Math.ceil(size / window);
}

/**
 * [H, W, C] -> [windows, window * window, C], zero-padding the bottom/right edges to a multiple
 * of the window; windows in row-major order (reference: sam_vary_sdpa.py window_partition).
 */
export function windowPartitionReference(x: Float32Array, height: number, width: number, channels: number, window: number): Float32Array {
  const rows = windowsPerSide(height, window);
  const columns = windowsPerSide(width, window);
  const out = new Float32Array(rows * columns * window * window * channels);
  for (let wy = 0; wy < rows; wy++) {
    for (let wx = 0; wx < columns; wx++) {
      for (let ty = 0; ty < window; ty++) {
        for (let tx = 0; tx < window; tx++) {
          const y = wy * window + ty;
          const xx = wx * window + tx;
          if (y >= height || xx >= width) continue;
          const target = (((wy * columns + wx) * window + ty) * window + tx) * channels;
          out.set(x.subarray((y * width + xx) * channels, (y * width + xx + 1) * channels), target);
        }
      }
    }
  }
  return out;
}

/** Inverse of windowPartition, cropping the padding (reference: window_unpartition), plus an optional residual grid. */
export function windowUnpartitionReference(
  windows: Float32Array,
  height: number,
  width: number,
  channels: number,
  window: number,
  residual?: Float32Array,
): Float32Array {
  const columns = windowsPerSide(width, window);
  const out = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      const wy = Math.floor(y / window);
      const wx = Math.floor(xx / window);
      const source = (((wy * columns + wx) * window + (y % window)) * window + (xx % window)) * channels;
      out.set(windows.subarray(source, source + channels), (y * width + xx) * channels);
    }
  }
  if (residual) for (let i = 0; i < out.length; i++) out[i] += residual[i];
  return out;
}

export interface WindowGeometry {
  height: number;
  width: number;
  channels: number;
  window: number;
}

/** Element count of the partitioned form [windows, window^2, C]. */
export function windowedSize(g: WindowGeometry): number {
  return windowsPerSide(g.height, g.window) * windowsPerSide(g.width, g.window) * g.window * g.window * g.channels;
}

function windowProgram(ctx: GpuContext, direction: 'partition' | 'unpartition', input: Tensor, output: Tensor, g: WindowGeometry, residual?: Tensor): ComputeProgram {
  const dtype = sameFloatType(`window ${direction}`, residual ? { input, output, residual } : { input, output });
  const grid = g.height * g.width * g.channels;
  const windowed = windowedSize(g);
  const windowedShape = `[${windowsPerSide(g.height, g.window) * windowsPerSide(g.width, g.window)}, ${g.window * g.window}, ${g.channels}]`;
  const gridShape = `[${g.height}, ${g.width}, ${g.channels}]`;
  expectSize(`window ${direction}`, 'input', input, direction === 'partition' ? grid : windowed, direction === 'partition' ? gridShape : windowedShape);
  expectSize(`window ${direction}`, 'output', output, direction === 'partition' ? windowed : grid, direction === 'partition' ? windowedShape : gridShape);
  if (residual) expectSize(`window ${direction}`, 'residual', residual, grid, gridShape);
  const count = output.size;
  const { workgroups, constants } = flatDispatch(ctx, count);
  return {
    name: `window_${direction}_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    // Without a residual, input (read-only) stands in for its binding.
    bindings: [input, residual ?? input, output],
    uniforms: [{ u32: g.height }, { u32: g.width }, { u32: g.channels }, { u32: g.window }, { u32: windowsPerSide(g.width, g.window) }, { u32: count }],
    workgroups,
    constants: { ...constants, UNPARTITION: direction === 'unpartition' ? 1 : 0, HAS_RESIDUAL: residual ? 1 : 0 },
  };
}

/** Program: grid [H, W, C] -> zero-padded windows [windows, window^2, C]. */
export const windowPartitionProgram = (ctx: GpuContext, grid: Tensor, windows: Tensor, g: WindowGeometry) =>
  windowProgram(ctx, 'partition', grid, windows, g);

/** Program: windows [windows, window^2, C] -> grid [H, W, C], padding cropped, plus residual [H, W, C] when given. */
export const windowUnpartitionProgram = (ctx: GpuContext, windows: Tensor, grid: Tensor, g: WindowGeometry, residual?: Tensor) =>
  windowProgram(ctx, 'unpartition', windows, grid, g, residual);
