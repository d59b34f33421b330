import source from '@shaders/encoder/rel-pos-bias.wgsl?raw';
import { InvalidInputError, flatDispatch, shaderSource, type ComputeProgram, type GpuContext, type Tensor, expectSize, sameFloatType } from '@opticspace/gpu';

/**
 * Decomposed relative-position terms (reference: sam_vary_sdpa.py add_decomposed_rel_pos,
 * get_rel_pos with equal query and key grids). For each batch b, head h and query at
 * (qy, qx) on a gridH x gridW grid, with the *unscaled* q:
 *   relH[b, h, ky, q] = q . tableH[qy - ky + gridH - 1]
 *   relW[b, h, kx, q] = q . tableW[qx - kx + gridW - 1]
 * Key-major (queries contiguous): the attention kernel runs one query per invocation, so
 * neighbouring invocations read neighbouring values.
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
        const batchHead = b * heads + h;
        for (let ky = 0; ky < gridH; ky++) {
          const to = (qy - ky + gridH - 1) * headDim;
          let sum = 0;
          for (let c = 0; c < headDim; c++) sum += qkv[qo + c] * tableH[to + c];
          relH[(batchHead * gridH + ky) * tokens + q] = sum;
        }
        for (let kx = 0; kx < gridW; kx++) {
          const to = (qx - kx + gridW - 1) * headDim;
          let sum = 0;
          for (let c = 0; c < headDim; c++) sum += qkv[qo + c] * tableW[to + c];
          relW[(batchHead * gridW + kx) * tokens + q] = sum;
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

/** Largest head dimension shaders/encoder/rel-pos-bias.wgsl holds in registers. */
const REL_POS_MAX_HEAD_DIM = 64;

/** Program for the decomposed terms: relH [batch, heads, gridH, tokens], relW [batch, heads, gridW, tokens]. */
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
  if (!Number.isInteger(g.headDim) || g.headDim < 1 || g.headDim > REL_POS_MAX_HEAD_DIM) {
    throw new InvalidInputError(`relPosBias: head dimension must be 1..${REL_POS_MAX_HEAD_DIM}, got ${g.headDim}`);
  }
  const tokens = g.gridH * g.gridW;
  const batchHeads = g.batch * g.heads;
  expectSize('relPosBias', 'qkv', qkv, g.batch * tokens * 3 * g.heads * g.headDim, `[${g.batch}, ${tokens}, ${3 * g.heads * g.headDim}]`);
  expectSize('relPosBias', 'tableH', tableH, (2 * g.gridH - 1) * g.headDim, `[${2 * g.gridH - 1}, ${g.headDim}]`);
  expectSize('relPosBias', 'tableW', tableW, (2 * g.gridW - 1) * g.headDim, `[${2 * g.gridW - 1}, ${g.headDim}]`);
  expectSize('relPosBias', 'relH', relH, batchHeads * g.gridH * tokens, `[${g.batch}, ${g.heads}, ${g.gridH}, ${tokens}]`);
  expectSize('relPosBias', 'relW', relW, batchHeads * g.gridW * tokens, `[${g.batch}, ${g.heads}, ${g.gridW}, ${tokens}]`);
  const rows = batchHeads * tokens;
  const { workgroups, constants } = flatDispatch(ctx, rows, 64);
  return {
    name: `rel_pos_bias_${dtype}`,
    source: shaderSource(source, { dtype, entry: 'flat' }),
    constants: { ...constants, HEAD_DIM: g.headDim },
    bindings: [qkv, tableH, tableW, relH, relW],
    uniforms: [{ u32: g.heads }, { u32: g.gridH }, { u32: g.gridW }, { u32: rows }],
    workgroups,
  };
}
