import type { GpuContext } from './device';
import { LimitExceededError } from './errors';

/**
 * Workgroup counts for `invocations` threads in workgroups of `workgroupSize`, folded into
 * a 2-D grid when one dimension would pass maxComputeWorkgroupsPerDimension (65535).
 * Shaders recover the flat index as `gid.x + gid.y * (num_workgroups.x * workgroupSize)`.
 */
export function linearWorkgroups(ctx: GpuContext, invocations: number, workgroupSize: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(invocations / workgroupSize));
  const maxPerDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new LimitExceededError('A dispatch', groups, maxPerDim * maxPerDim, '(workgroups)');
  return [Math.ceil(groups / y), y, 1];
}

/** Packs uniform parameters: each entry is a u32, i32 or f32 (16-byte aligned total). */
export type UniformField = { u32: number } | { i32: number } | { f32: number };

export function packUniforms(fields: UniformField[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  writeUniforms(new DataView(bytes), 0, fields);
  return bytes;
}

/** Writes the fields as consecutive 4-byte values at `offset` of `view` (a batch's uniform arena). */
export function writeUniforms(view: DataView, offset: number, fields: UniformField[]): void {
  fields.forEach((field, i) => {
    if ('u32' in field) view.setUint32(offset + i * 4, field.u32, true);
    else if ('i32' in field) view.setInt32(offset + i * 4, field.i32, true);
    else view.setFloat32(offset + i * 4, field.f32, true);
  });
}
