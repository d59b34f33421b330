import source from '@shaders/nn/gelu.wgsl?raw';
import geluMath from '@shaders/nn/gelu-math.wgsl?raw';
import type { GpuContext } from '../device';
import { ShapeError } from '../errors';
import type { ComputeProgram } from '../program';
import { runKernel } from '../run';
import { flatDispatch, shaderSource } from '../shader';
import { shapeToString, type Tensor } from '../tensor';

export type GeluVariant = 'gelu' | 'quickGelu';

/** Program for an element-wise GELU variant of x into out (same size and dtype). */
export function geluProgram(ctx: GpuContext, x: Tensor, out: Tensor, variant: GeluVariant = 'gelu'): ComputeProgram {
  if (x.dtype !== 'f32' && x.dtype !== 'f16') throw new ShapeError(`${variant}: needs an f32 or f16 tensor, got ${x.dtype}`);
  if (out.size !== x.size || out.dtype !== x.dtype) {
    throw new ShapeError(`${variant}: out must be ${x.dtype} ${shapeToString(x.shape)}, got ${out.dtype} ${shapeToString(out.shape)}`);
  }
  const { workgroups, constants } = flatDispatch(ctx, x.size);
  return {
    name: `${variant}_${x.dtype}`,
    source: shaderSource(source, { dtype: x.dtype, entry: 'flat', includes: [geluMath] }),
    bindings: [x, out],
    uniforms: [{ u32: x.size }],
    workgroups,
    constants: { ...constants, QUICK: variant === 'quickGelu' ? 1 : 0 },
  };
}

async function runGelu(ctx: GpuContext, x: Tensor, variant: GeluVariant): Promise<Tensor> {
  return runKernel(ctx, { shape: x.shape, dtype: x.dtype }, (out) => geluProgram(ctx, x, out, variant));
}

/** GELU, exact erf form: 0.5 x (1 + erf(x / sqrt 2)) (torch gelu, approximate='none'). */
export const gelu = (ctx: GpuContext, x: Tensor) => runGelu(ctx, x, 'gelu');

/** QuickGELU: x * sigmoid(1.702 x) (CLIP). */
export const quickGelu = (ctx: GpuContext, x: Tensor) => runGelu(ctx, x, 'quickGelu');

/**
 * erf in double precision: Maclaurin series for |x| < 2.5, Lentz's continued fraction for
 * erfc beyond (both converge to ~1e-15 there). JavaScript has no Math.erf.
 */
export function erf(x: number): number {
  const t = Math.abs(x);
  if (t < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (t > 6) return Math.sign(x);
  // erfc(t) = exp(-t^2)/sqrt(pi) * 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = t;
  let c = t;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = t + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = t + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** GELU of one value, exact erf form (the references' element function). */
export const geluValue = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** QuickGELU of one value. */
export const quickGeluValue = (x: number): number => x / (1 + Math.exp(-1.702 * x));

/** Plain-TypeScript reference for gelu (exact erf form). */
export function geluReference(x: ArrayLike<number>): Float32Array {
  return Float32Array.from(x, geluValue);
}

/** Plain-TypeScript reference for quickGelu. */
export function quickGeluReference(x: ArrayLike<number>): Float32Array {
  return Float32Array.from(x, quickGeluValue);
}
