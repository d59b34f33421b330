import type { PipelineKey } from './pipeline-cache';
import type { Tensor } from './tensor';
import type { UniformField } from './dispatch';

/**
 * One kernel launch, described as data (the onnxruntime-web "program info" pattern):
 * which shader and constants, which buffers in binding order (group 0, bindings 0..n-1,
 * then the uniform block if any), and how many workgroups.
 */
export interface ComputeProgram extends PipelineKey {
  bindings: Array<Tensor | GPUBuffer>;
  uniforms?: UniformField[];
  workgroups: readonly [number, number?, number?];
}
