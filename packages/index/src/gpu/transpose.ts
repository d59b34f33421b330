import source from '@shaders/index/transpose.wgsl?raw';
import { ShapeError, flatDispatch, shaderSource, type ComputeProgram, type Tensor } from '@opticspace/gpu';

/** output [columns, rows] = input [rows, columns]^T (reference: lexical/bm25.ts transposeReference). */
export function transposeProgram(input: Tensor, output: Tensor, rows: number, columns: number): ComputeProgram {
  if (input.size !== rows * columns || output.size !== rows * columns || input.dtype !== 'f32' || output.dtype !== 'f32') {
    throw new ShapeError(`transpose: input [${input.shape}] and output [${output.shape}] must both hold f32 ${rows} x ${columns}`);
  }
  return {
    name: 'index_transpose',
    source: shaderSource(source, { entry: 'flat' }),
    bindings: [input, output],
    uniforms: [{ u32: rows }, { u32: columns }],
    ...flatDispatch(input.ctx, rows * columns),
  };
}
