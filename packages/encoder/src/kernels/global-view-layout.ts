import source from '@shaders/encoder/global-view-layout.wgsl?raw';
import { flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType } from '@opticspace/gpu';

/** Tokens of one global view: a newline after each of the grid rows, then the separator. */
export const globalViewTokenCount = (grid: number) => grid * (grid + 1) + 1;

/**
 * Program: out [grid * (grid + 1) + 1, dim] from the two halves of the projector
 * (clipProjected [grid^2 + 1, dim] with the class row first, samProjected [grid^2, dim]), its bias,
 * and the newline / separator embeddings.
 */
export function globalViewLayoutProgram(
  ctx: GpuContext,
  inputs: { clipProjected: Tensor; samProjected: Tensor; bias: Tensor; newline: Tensor; separator: Tensor },
  out: Tensor,
  grid: number,
  dim: number,
): ComputeProgram {
  const dtype = sameFloatType('globalViewLayout', { ...inputs, out });
  const positions = grid * grid;
  expectSize('globalViewLayout', 'clipProjected', inputs.clipProjected, (positions + 1) * dim, `[${positions + 1}, ${dim}]`);
  expectSize('globalViewLayout', 'samProjected', inputs.samProjected, positions * dim, `[${positions}, ${dim}]`);
  for (const name of ['bias', 'newline', 'separator'] as const) expectSize('globalViewLayout', name, inputs[name], dim, `[${dim}]`);
  const count = globalViewTokenCount(grid) * dim;
  expectSize('globalViewLayout', 'out', out, count, `[${globalViewTokenCount(grid)}, ${dim}]`);
  return {
    name: `global_view_layout_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    bindings: [inputs.clipProjected, inputs.samProjected, inputs.bias, inputs.newline, inputs.separator, out],
    uniforms: [{ u32: grid }, { u32: dim }, { u32: count }],
    ...flatDispatch(ctx, count),
  };
}
