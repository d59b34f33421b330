import { ShapeError, shapeToString, type Tensor } from '@opticspace/gpu';

/** Element type of float tensors that must share one dtype; throws naming each tensor. */
export function sameFloatType(op: string, tensors: Record<string, Tensor>): 'f32' | 'f16' {
  const entries = Object.entries(tensors);
  const dtype = entries[0][1].dtype;
  if (dtype !== 'f32' && dtype !== 'f16') throw new ShapeError(`${op}: needs f32 or f16 tensors, got ${entries[0][0]} ${dtype}`);
  for (const [name, tensor] of entries) {
    if (tensor.dtype !== dtype) throw new ShapeError(`${op}: ${name} is ${tensor.dtype} but ${entries[0][0]} is ${dtype}`);
  }
  return dtype;
}

/** Throws unless the tensor holds exactly `expected` elements. */
export function expectSize(op: string, name: string, tensor: Tensor, expected: number, shape: string): void {
  if (tensor.size !== expected) {
    throw new ShapeError(`${op}: ${name} must be ${shape} (${expected} values), got ${shapeToString(tensor.shape)} (${tensor.size})`);
  }
}
