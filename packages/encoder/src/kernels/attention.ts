import source from '@shaders/encoder/attention.wgsl?raw';
import { InvalidInputError, LimitExceededError, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType, integer } from '@opticspace/gpu';

import type { AttentionGeometry } from './rel-pos-bias';

/** Decomposed bias terms for attentionReference: relH [batch, heads, gridH, tokens], relW [batch, heads, gridW, tokens] (see relPosBiasReference). */
export interface DecomposedBias {
  gridH: number;
  gridW: number;
  relH: Float32Array;
  relW: Float32Array;
}

/**
 * Multi-head attention from packed qkv [batch, tokens, 3 * heads * headDim] ([3][heads][hd]
 * per token): per head softmax(q k^T / sqrt(hd) + B) v, where B[q, k] = relH[q, ky] + relW[q, kx]
 * when a decomposed bias is given (reference: sam_vary_sdpa.py Attention.forward,
 * clip_sdpa.py NoTPAttention.forward). Output [batch, tokens, heads * headDim].
 */
export function attentionReference(
  qkv: Float32Array,
  batch: number,
  tokens: number,
  heads: number,
  headDim: number,
  bias?: DecomposedBias,
): Float32Array {
  const dim = heads * headDim;
  const stride = 3 * dim;
  const scale = 1 / Math.sqrt(headDim);
  const out = new Float32Array(batch * tokens * dim);
  const scores = new Float64Array(tokens);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let q = 0; q < tokens; q++) {
        const qo = (b * tokens + q) * stride + h * headDim;
        const batchHead = b * heads + h;
        let max = -Infinity;
        for (let k = 0; k < tokens; k++) {
          const ko = (b * tokens + k) * stride + dim + h * headDim;
          let dot = 0;
          for (let c = 0; c < headDim; c++) dot += qkv[qo + c] * qkv[ko + c];
          let score = dot * scale;
          if (bias) {
            score +=
              bias.relH[(batchHead * bias.gridH + Math.floor(k / bias.gridW)) * tokens + q] + bias.relW[(batchHead * bias.gridW + (k % bias.gridW)) * tokens + q];
          }
          scores[k] = score;
          if (score > max) max = score;
        }
        let total = 0;
        for (let k = 0; k < tokens; k++) {
          scores[k] = Math.exp(scores[k] - max);
          total += scores[k];
        }
        const oo = (b * tokens + q) * dim + h * headDim;
        for (let c = 0; c < headDim; c++) {
          let sum = 0;
          for (let k = 0; k < tokens; k++) sum += scores[k] * qkv[(b * tokens + k) * stride + 2 * dim + h * headDim + c];
          out[oo + c] = sum / total;
        }
      }
    }
  }
  return out;
}

/** Largest head dimension shaders/encoder/attention.wgsl holds in registers (DeepEncoder uses 64). */
export const ATTENTION_MAX_HEAD_DIM = 64;
/** Queries per workgroup of shaders/encoder/attention.wgsl (one per invocation). */
const QUERY_TILE = 64;

/**
 * Program for attention over packed qkv [batch, tokens, 3 * heads * headDim] into
 * out [batch, tokens, heads * headDim], with the decomposed rel-pos bias fused when given.
 */
export function attentionProgram(
  ctx: GpuContext,
  qkv: Tensor,
  out: Tensor,
  g: AttentionGeometry,
  bias?: { relH: Tensor; relW: Tensor; gridH: number; gridW: number },
): ComputeProgram {
  const dtype = sameFloatType('attention', bias ? { qkv, out, relH: bias.relH, relW: bias.relW } : { qkv, out });
  integer('attention headDim', g.headDim, 1, ATTENTION_MAX_HEAD_DIM);
  integer('attention tokens', g.tokens, 1);
  const dim = g.heads * g.headDim;
  expectSize('attention', 'qkv', qkv, g.batch * g.tokens * 3 * dim, `[${g.batch}, ${g.tokens}, ${3 * dim}]`);
  expectSize('attention', 'out', out, g.batch * g.tokens * dim, `[${g.batch}, ${g.tokens}, ${dim}]`);
  if (bias) {
    if (bias.gridH * bias.gridW !== g.tokens) {
      throw new InvalidInputError(`attention: bias grid ${bias.gridH}x${bias.gridW} does not cover ${g.tokens} tokens`);
    }
    const rows = g.batch * g.heads * g.tokens;
    expectSize('attention', 'relH', bias.relH, rows * bias.gridH, `[${g.batch}, ${g.heads}, ${bias.gridH}, ${g.tokens}]`);
    expectSize('attention', 'relW', bias.relW, rows * bias.gridW, `[${g.batch}, ${g.heads}, ${bias.gridW}, ${g.tokens}]`);
  }
  const groups = [Math.ceil(g.tokens / QUERY_TILE), g.heads, g.batch] as const;
  const maxPerDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  for (const count of groups) if (count > maxPerDim) throw new LimitExceededError('attention dispatch', count, maxPerDim, '(workgroups per dimension)');
  return {
    name: `attention_${dtype}`,
    source: shaderSource(source, { dtype }),
    constants: { HAS_BIAS: bias ? 1 : 0, HEAD_DIM: g.headDim },
    // Without a bias, qkv stands in for the unused bias bindings (read-only).
    bindings: [qkv, bias?.relH ?? qkv, bias?.relW ?? qkv, out],
    uniforms: [{ u32: g.tokens }, { u32: g.heads }, { u32: bias?.gridH ?? 1 }, { u32: bias?.gridW ?? 1 }, { f32: 1 / Math.sqrt(g.headDim) }],
    workgroups: groups,
  };
}
