import { describe, expect, it } from 'vitest';
import { InvalidInputError, SeededRandom, Tensor, runOnArrays } from '@opticspace/gpu';
import { attentionProgram, attentionReference, relPosBiasProgram, relPosBiasReference } from '../../src';
import { expectClose, useGpu } from '@opticspace/gpu/testing';
import { asStored } from '@opticspace/gpu/testing';

// Tolerances: f32 1e-5 relative (f32 accumulation vs double reference); f16 storage 2e-2
// (inputs and output rounded to f16, arithmetic in f32).
describe('attention with the decomposed rel-pos bias', () => {
  const gpu = useGpu('encoder attention');

  // The kernel stages 32 keys at a time and runs 64 queries per workgroup.
  const cases = [
    { batch: 1, gridH: 1, gridW: 1, heads: 1, headDim: 1 }, // one token
    { batch: 3, gridH: 5, gridW: 5, heads: 2, headDim: 16 }, // window-like batch
    { batch: 1, gridH: 9, gridW: 11, heads: 3, headDim: 8 }, // 99 tokens: not a multiple of 64 or 32
    { batch: 2, gridH: 3, gridW: 4, heads: 1, headDim: 64 }, // full-size head dim
    { batch: 1, gridH: 37, gridW: 1, heads: 5, headDim: 6 }, // head dim not a multiple of 4 (element loads)
    { batch: 2, gridH: 14, gridW: 14, heads: 12, headDim: 64 }, // SAM windows: 196 tokens, 12 x 64
    { batch: 1, gridH: 5, gridW: 13, heads: 16, headDim: 64 }, // CLIP Tiny: 65 tokens, 16 x 64
  ];
  for (const dtype of ['f32', 'f16'] as const) {
    for (const c of cases) {
      const tokens = c.gridH * c.gridW;
      it(`${dtype}: batch ${c.batch}, grid ${c.gridH}x${c.gridW}, ${c.heads} heads of ${c.headDim}`, async () => {
        const rng = new SeededRandom(tokens * 7 + c.headDim);
        const qkv = asStored(dtype, rng.uniformArray(c.batch * tokens * 3 * c.heads * c.headDim, -1.5, 1.5));
        const tableH = asStored(dtype, rng.uniformArray((2 * c.gridH - 1) * c.headDim));
        const tableW = asStored(dtype, rng.uniformArray((2 * c.gridW - 1) * c.headDim));
        const rows = c.batch * c.heads * tokens;
        const geometry = { batch: c.batch, tokens, heads: c.heads, headDim: c.headDim };
        const bias = await runOnArrays(gpu(), dtype, { qkv, tableH, tableW }, { relH: rows * c.gridH, relW: rows * c.gridW }, (t) =>
          relPosBiasProgram(gpu(), t.qkv, t.tableH, t.tableW, t.relH, t.relW, { ...geometry, gridH: c.gridH, gridW: c.gridW }),
        );
        const expectedBias = relPosBiasReference(qkv, c.batch, c.gridH, c.gridW, c.heads, c.headDim, tableH, tableW);
        const [atol, rtol] = dtype === 'f32' ? [1e-5, 1e-5] : [2e-2, 2e-2];
        expectClose(bias.relH, expectedBias.relH, atol, rtol, 'relH');
        expectClose(bias.relW, expectedBias.relW, atol, rtol, 'relW');

        const relH = asStored(dtype, expectedBias.relH);
        const relW = asStored(dtype, expectedBias.relW);
        const { out } = await runOnArrays(gpu(), dtype, { qkv, relH, relW }, { out: c.batch * tokens * c.heads * c.headDim }, (t) =>
          attentionProgram(gpu(), t.qkv, t.out, geometry, { relH: t.relH, relW: t.relW, gridH: c.gridH, gridW: c.gridW }),
        );
        expectClose(out, attentionReference(qkv, c.batch, tokens, c.heads, c.headDim, { gridH: c.gridH, gridW: c.gridW, relH, relW }), atol, rtol, 'attention');

        const plain = await runOnArrays(gpu(), dtype, { qkv }, { out: c.batch * tokens * c.heads * c.headDim }, (t) => attentionProgram(gpu(), t.qkv, t.out, geometry));
        expectClose(plain.out, attentionReference(qkv, c.batch, tokens, c.heads, c.headDim), atol, rtol, 'attention without bias');
      });
    }
  }

  it('the bias changes the result (large bias selects the key it favours)', () => {
    // Two queries, two keys; a +50 bias on key 1 (relW[kx = 1, q] for both queries) makes query 0's output v1.
    const qkv = new Float32Array([0, 0, 0, /* token 1 */ 0, 0, 0]);
    qkv[2] = 3; // v0
    qkv[5] = -4; // v1
    const out = attentionReference(qkv, 1, 2, 1, 1, { gridH: 1, gridW: 2, relH: new Float32Array([0, 0]), relW: new Float32Array([0, 0, 50, 50]) });
    expect(out[0]).toBeCloseTo(-4, 5);
  });

  it('rejects head dimensions above 64', () => {
    const qkv = Tensor.empty(gpu(), [1, 2, 3 * 65]);
    const out = Tensor.empty(gpu(), [1, 2, 65]);
    expect(() => attentionProgram(gpu(), qkv, out, { batch: 1, tokens: 2, heads: 1, headDim: 65 })).toThrow(InvalidInputError);
  });
});
