import source from '@shaders/encoder/rel-pos-bias.wgsl?raw';
import { flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType } from '@opticspace/gpu';

/**
 * Decomposed relative-position terms (reference: sam_vary_sdpa.py add_decomposed_rel_pos,
 * get_rel_pos with equal query and key grids). For each batch b, head h and query at
 * (qy, qx) on a gridH x gridW grid, with the *unscaled* q:
 *   relH[b, h, q, ky] = q . tableH[qy - ky + gridH - 1]
 *   relW[b, h, q, kx] = q . tableW[qx - kx + gridW - 1]
 * qkv is [batch, gridH * gridW, 3 * heads * headDim], laid out [3][heads][headDim] per token.
 * Tables must already have 2 * grid - 1 rows (see resizeLinearRows).
 */
export function relPosBiasReference(
  qkv: Float32Array,
  batch: number,
  gridH: number,
  gridW: number,
  heads: number,
  headDim: number,
  tableH: Float32Array,
  tableW: Float32Array,
): { relH: Float32Array; relW: Float32Array } {
  const tokens = gridH * gridW;
  const stride = 3 * heads * headDim;
  const relH = new Float32Array(batch * heads * tokens * gridH);
  const relW = new Float32Array(batch * heads * tokens * gridW);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let q = 0; q < tokens; q++) {
        const qo = (b * tokens + q) * stride + h * headDim;
        const qy = Math.floor(q / gridW);
        const qx = q % gridW;
        const base = (b * heads + h) * tokens + q;
        for (let ky = 0; ky < gridH; ky++) {
          const to = (qy - ky + gridH - 1) * headDim;
          let sum = 0;
          for (let c = 0; c < headDim; c++) sum += qkv[qo + c] * tableH[to + c];
          relH[base * gridH + ky] = sum;
        }
        for (let kx = 0; kx < gridW; kx++) {
          const to = (qx - kx + gridW - 1) * headDim;
          let sum = 0;
          for (let c = 0; c < headDim; c++) sum += qkv[qo + c] * tableW[to + c];
          relW[base * gridW + kx] = sum;
        }
      }
    }
  }
  return { relH, relW };
}

export interface AttentionGeometry {
  batch: number;
  tokens: number;
  heads: number;
  headDim: number;
}

/** Program for the decomposed terms: relH [batch, heads, tokens, gridH], relW [..., gridW]. */
export function relPosBiasProgram(
  ctx: GpuContext,
  qkv: Tensor,
  tableH: Tensor,
  tableW: Tensor,
  relH: Tensor,
  relW: Tensor,
  g: AttentionGeometry & { gridH: number; gridW: number },
): ComputeProgram {
  const dtype = sameFloatType('relPosBias', { qkv, tableH, tableW, relH, relW });
  const tokens = g.gridH * g.gridW;
  const rows = g.batch * g.heads * tokens;
  expectSize('relPosBias', 'qkv', qkv, g.batch * tokens * 3 * g.heads * g.headDim, `[${g.batch}, ${tokens}, ${3 * g.heads * g.headDim}]`);
  expectSize('relPosBias', 'tableH', tableH, (2 * g.gridH - 1) * g.headDim, `[${2 * g.gridH - 1}, ${g.headDim}]`);
  expectSize('relPosBias', 'tableW', tableW, (2 * g.gridW - 1) * g.headDim, `[${2 * g.gridW - 1}, ${g.headDim}]`);
  expectSize('relPosBias', 'relH', relH, rows * g.gridH, `[${g.batch}, ${g.heads}, ${tokens}, ${g.gridH}]`);
  expectSize('relPosBias', 'relW', relW, rows * g.gridW, `[${g.batch}, ${g.heads}, ${tokens}, ${g.gridW}]`);
  const count = rows * (g.gridH + g.gridW);
  return {
    name: `rel_pos_bias_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    bindings: [qkv, tableH, tableW, relH, relW],
    uniforms: [{ u32: g.heads }, { u32: g.headDim }, { u32: g.gridH }, { u32: g.gridW }, { u32: count }],
    ...flatDispatch(ctx, count),
  };
}
