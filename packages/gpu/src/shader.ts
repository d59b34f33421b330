import flatMain from '@shaders/common/flat-main.wgsl?raw';
import rowMain from '@shaders/common/row-main.wgsl?raw';
import type { GpuContext } from './device';
import { linearWorkgroups } from './dispatch';

export interface ShaderOptions {
  /** Storage type of `elem`: prepends `alias elem = f32;` or `enable f16; alias elem = f16;`. */
  dtype?: 'f32' | 'f16';
  /** WGSL files the kernel calls into (e.g. shaders/nn/workgroup-reduce.wgsl), prepended in order. */
  includes?: readonly string[];
  /**
   * The entry point the host supplies: 'flat', one invocation per element
   * (shaders/common/flat-main.wgsl; the kernel defines `invocations` and `run`), or 'row', one
   * workgroup per row (shaders/common/row-main.wgsl; `row_count` and `run_row`). Absent: the
   * kernel has its own `main`.
   */
  entry?: 'flat' | 'row';
}

const assembled = new Map<string, Map<string, string>>();
const includeIds = new Map<string, number>();

function includeId(text: string): number {
  let id = includeIds.get(text);
  if (id === undefined) includeIds.set(text, (id = includeIds.size));
  return id;
}

/**
 * The WGSL a kernel runs: its body after the host-side prelude (element type, includes, entry
 * point), as onnxruntime-web's ShaderHelper and tfjs's makeShader assemble theirs. The
 * result is memoised so every launch passes the same string (pipeline-cache lookups stay cheap).
 */
export function shaderSource(body: string, options: ShaderOptions = {}): string {
  const cacheKey = `${options.dtype ?? ''}|${options.entry ?? ''}|${(options.includes ?? []).map(includeId).join(',')}`;
  let byOptions = assembled.get(body);
  if (!byOptions) assembled.set(body, (byOptions = new Map()));
  let source = byOptions.get(cacheKey);
  if (source === undefined) {
    const header = options.dtype === 'f16' ? 'enable f16;\nalias elem = f16;\n' : options.dtype === 'f32' ? 'alias elem = f32;\n' : '';
    const entry = options.entry === 'flat' ? flatMain : options.entry === 'row' ? rowMain : '';
    source = [header, ...(options.includes ?? []), entry, body].join('\n');
    byOptions.set(cacheKey, source);
  }
  return source;
}

/** Workgroups and the WORKGROUP_SIZE constant of a flat kernel over `invocations` elements (z: a second axis). */
export function flatDispatch(
  ctx: GpuContext,
  invocations: number,
  workgroupSize = 256,
  z = 1,
): { workgroups: readonly [number, number, number]; constants: { WORKGROUP_SIZE: number } } {
  const [x, y] = linearWorkgroups(ctx, invocations, workgroupSize);
  return { workgroups: [x, y, z], constants: { WORKGROUP_SIZE: workgroupSize } };
}
