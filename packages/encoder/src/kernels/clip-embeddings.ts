import source from '@shaders/encoder/clip-embeddings.wgsl?raw';
import { flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType } from '@opticspace/gpu';

/** Program: out [positions + 1, hidden] = [class; features] + position. */
export function clipEmbeddingsProgram(
  ctx: GpuContext,
  features: Tensor,
  classEmbedding: Tensor,
  position: Tensor,
  out: Tensor,
  hidden: number,
): ComputeProgram {
  const dtype = sameFloatType('clipEmbeddings', { features, classEmbedding, position, out });
  const positions = features.size / hidden;
  expectSize('clipEmbeddings', 'classEmbedding', classEmbedding, hidden, `[${hidden}]`);
  expectSize('clipEmbeddings', 'position', position, (positions + 1) * hidden, `[${positions + 1}, ${hidden}]`);
  expectSize('clipEmbeddings', 'out', out, (positions + 1) * hidden, `[${positions + 1}, ${hidden}]`);
  return {
    name: `clip_embeddings_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    bindings: [features, classEmbedding, position, out],
    uniforms: [{ u32: hidden }, { u32: out.size }],
    ...flatDispatch(ctx, out.size),
  };
}

/** Plain-TypeScript reference for clipEmbeddings. */
export function clipEmbeddingsReference(features: Float32Array, classEmbedding: Float32Array, position: Float32Array): Float32Array {
  const out = new Float32Array(position.length);
  out.set(classEmbedding);
  out.set(features, classEmbedding.length);
  for (let i = 0; i < out.length; i++) out[i] += position[i];
  return out;
}
