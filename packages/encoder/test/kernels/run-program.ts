import { CommandBatch, Tensor, roundToFloat16, type ComputeProgram, type GpuContext } from '@opticspace/gpu';

/** Uploads host arrays, runs one program built from them, reads `outputs` back. */
export async function runKernel(
  ctx: GpuContext,
  dtype: 'f32' | 'f16',
  inputs: Record<string, Float32Array>,
  outputSizes: Record<string, number>,
  build: (tensors: Record<string, Tensor>) => ComputeProgram,
): Promise<Record<string, Float32Array>> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, data] of Object.entries(inputs)) tensors[name] = Tensor.from(ctx, data, [data.length], dtype);
  for (const [name, size] of Object.entries(outputSizes)) tensors[name] = Tensor.empty(ctx, [size], dtype);
  await new CommandBatch(ctx).dispatch(build(tensors)).submit();
  const result: Record<string, Float32Array> = {};
  for (const name of Object.keys(outputSizes)) result[name] = await tensors[name].readFloat32();
  for (const tensor of Object.values(tensors)) tensor.dispose();
  return result;
}

/** What an f16 tensor holds for these values. */
export const asStored = (dtype: 'f32' | 'f16', values: Float32Array) => (dtype === 'f16' ? roundToFloat16(values) : values);
