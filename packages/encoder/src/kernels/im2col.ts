import source from '@shaders/encoder/im2col.wgsl?raw';
import { InvalidInputError, flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType, integer } from '@opticspace/gpu';

export interface Im2colGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  pad: number;
  /** Input [H, W, C] when true, [C, H, W] (image pixels) when false. */
  channelsLast: boolean;
}

export function im2colOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/** [rows = outH * outW, columns = channels * kernel^2] of the column matrix. */
export function im2colShape(g: Im2colGeometry): [number, number] {
  for (const key of ['channels', 'height', 'width', 'kernel', 'stride'] as const) {
    integer(`im2col ${key}`, g[key], 1);
  }
  const outH = im2colOutputSize(g.height, g.kernel, g.stride, g.pad);
  const outW = im2colOutputSize(g.width, g.kernel, g.stride, g.pad);
  if (outH < 1 || outW < 1) throw new InvalidInputError(`im2col: kernel ${g.kernel} does not fit a ${g.height}x${g.width} input with pad ${g.pad}`);
  return [outH * outW, g.channels * g.kernel * g.kernel];
}

/** Program writing the column matrix of x into columns (see shaders/encoder/im2col.wgsl). */
export function im2colProgram(ctx: GpuContext, x: Tensor, columns: Tensor, g: Im2colGeometry): ComputeProgram {
  const dtype = sameFloatType('im2col', { x, columns });
  const [rows, width] = im2colShape(g);
  const layout = g.channelsLast ? `[${g.height}, ${g.width}, ${g.channels}]` : `[${g.channels}, ${g.height}, ${g.width}]`;
  expectSize('im2col', 'x', x, g.channels * g.height * g.width, layout);
  expectSize('im2col', 'columns', columns, rows * width, `[${rows}, ${width}]`);
  const outW = im2colOutputSize(g.width, g.kernel, g.stride, g.pad);
  const { workgroups, constants } = flatDispatch(ctx, rows * width);
  return {
    name: `im2col_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    bindings: [x, columns],
    uniforms: [
      { u32: g.channels },
      { u32: g.height },
      { u32: g.width },
      { u32: g.kernel },
      { u32: g.stride },
      { u32: g.pad },
      { u32: outW },
      { u32: rows * width },
    ],
    workgroups,
    constants: { ...constants, CHANNELS_LAST: g.channelsLast ? 1 : 0 },
  };
}

/** Plain-TypeScript reference for im2col. */
export function im2colReference(x: Float32Array, g: Im2colGeometry): Float32Array {
  const [rows, width] = im2colShape(g);
  const outW = im2colOutputSize(g.width, g.kernel, g.stride, g.pad);
  const out = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    const oy = Math.floor(row / outW);
    const ox = row % outW;
    for (let c = 0; c < g.channels; c++) {
      for (let ky = 0; ky < g.kernel; ky++) {
        for (let kx = 0; kx < g.kernel; kx++) {
          const iy = oy * g.stride + ky - g.pad;
          const ix = ox * g.stride + kx - g.pad;
          if (iy < 0 || ix < 0 || iy >= g.height || ix >= g.width) continue;
          const index = g.channelsLast ? (iy * g.width + ix) * g.channels + c : (c * g.height + iy) * g.width + ix;
          out[row * width + (c * g.kernel + ky) * g.kernel + kx] = x[index];
        }
      }
    }
  }
  return out;
}
