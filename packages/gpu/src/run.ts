import type { GpuContext } from './device';
import { CommandBatch } from './batch';
import type { ComputeProgram } from './program';
import { Tensor, type DType } from './tensor';

/** What a kernel writes: a new tensor of this shape and dtype, or a caller's tensor to write into. */
export type OutputSpec = { shape: readonly number[]; dtype?: DType } | Tensor;

/**
 * The one-shot launch of every kernel: allocates the outputs, records the programs built on
 * them into one batch, submits it, and returns the outputs. On any failure the outputs it
 * allocated go back to the pool; tensors the caller passed in are never disposed here.
 */
export async function runKernels<K extends string>(
  ctx: GpuContext,
  outputs: Record<K, OutputSpec>,
  build: (outputs: Record<K, Tensor>) => ComputeProgram | readonly ComputeProgram[],
): Promise<Record<K, Tensor>> {
  const tensors = {} as Record<K, Tensor>;
  const allocated: Tensor[] = [];
  try {
    for (const name of Object.keys(outputs) as K[]) {
      const spec = outputs[name];
      if (spec instanceof Tensor) {
        tensors[name] = spec;
      } else {
        tensors[name] = Tensor.empty(ctx, spec.shape, spec.dtype ?? 'f32');
        allocated.push(tensors[name]);
      }
    }
    const programs = build(tensors);
    const batch = new CommandBatch(ctx);
    for (const program of Array.isArray(programs) ? programs : [programs as ComputeProgram]) batch.dispatch(program);
    await batch.submit();
    return tensors;
  } catch (error) {
    for (const tensor of allocated) tensor.dispose();
    throw error;
  }
}

/** runKernels for a kernel with one output. */
export async function runKernel(ctx: GpuContext, output: OutputSpec, build: (out: Tensor) => ComputeProgram | readonly ComputeProgram[]): Promise<Tensor> {
  const { out } = await runKernels(ctx, { out: output }, ({ out }) => build(out));
  return out;
}

/**
 * Runs a kernel on host arrays (self-checks, tests): uploads `inputs` as 1-D tensors of `dtype`,
 * runs the programs built on them into outputs of the given sizes, reads the outputs back as
 * f32, and frees every tensor.
 */
export async function runOnArrays<I extends string, O extends string>(
  ctx: GpuContext,
  dtype: 'f32' | 'f16',
  inputs: Record<I, ArrayLike<number>>,
  outputSizes: Record<O, number>,
  build: (tensors: Record<I | O, Tensor>) => ComputeProgram | readonly ComputeProgram[],
): Promise<Record<O, Float32Array>> {
  const uploaded = {} as Record<I, Tensor>;
  try {
    for (const name of Object.keys(inputs) as I[]) uploaded[name] = Tensor.from(ctx, inputs[name], [inputs[name].length], dtype);
    const specs = {} as Record<O, OutputSpec>;
    for (const name of Object.keys(outputSizes) as O[]) specs[name] = { shape: [outputSizes[name]], dtype };
    const outputs = await runKernels(ctx, specs, (out) => build({ ...uploaded, ...out } as Record<I | O, Tensor>));
    const results = {} as Record<O, Float32Array>;
    try {
      for (const name of Object.keys(outputs) as O[]) results[name] = await outputs[name].readFloat32();
    } finally {
      for (const tensor of Object.values<Tensor>(outputs)) tensor.dispose();
    }
    return results;
  } finally {
    for (const tensor of Object.values<Tensor>(uploaded)) tensor.dispose();
  }
}
