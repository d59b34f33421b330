import { describe, it } from 'vitest';
import { SeededRandom, Tensor, runOnArrays } from '@opticspace/gpu';
import { LayerRecorder, conv3x3Reference, im2colReference, linearReference } from '../../src';
import { expectClose, useGpu } from '@opticspace/gpu/testing';
import { asStored } from '@opticspace/gpu/testing';

// Convolutions on the GPU are im2col + the generic matmul; checked against a direct
// convolution reference (conv3x3Reference) and the patch-embedding formula.
describe('convolutions (im2col + matmul)', () => {
  const gpu = useGpu('encoder convolutions');

  const cases = [
    { size: 7, inChannels: 5, outChannels: 3, stride: 1 as const },
    { size: 7, inChannels: 4, outChannels: 6, stride: 2 as const },
    { size: 8, inChannels: 3, outChannels: 2, stride: 2 as const },
    { size: 1, inChannels: 2, outChannels: 1, stride: 2 as const },
  ];
  for (const dtype of ['f32', 'f16'] as const) {
    for (const c of cases) {
      it(`${dtype} 3x3 pad 1 stride ${c.stride}, ${c.size}x${c.size}x${c.inChannels} -> ${c.outChannels}`, async () => {
        const rng = new SeededRandom(c.size * 13 + c.stride);
        const x = asStored(dtype, rng.uniformArray(c.size * c.size * c.inChannels));
        const weight = asStored(dtype, rng.uniformArray(c.outChannels * c.inChannels * 9));
        const recorder = new LayerRecorder(gpu(), dtype);
        const input = Tensor.from(gpu(), x, [c.size * c.size, c.inChannels], dtype);
        const w = Tensor.from(gpu(), weight, [c.outChannels, c.inChannels * 9], dtype);
        const out = recorder.convolution(input, { channels: c.inChannels, height: c.size, width: c.size, kernel: 3, stride: c.stride, pad: 1, channelsLast: true }, w);
        await recorder.batch.submit();
        const expected = conv3x3Reference(x, c.size, c.size, c.inChannels, weight, c.outChannels, c.stride);
        expectClose(await out.readFloat32(), expected, dtype === 'f32' ? 1e-5 : 2e-2, dtype === 'f32' ? 1e-5 : 1e-2);
        for (const t of [input, w, out]) t.dispose();
      });
    }
  }

  it('patch embedding (kernel 16, stride 16, bias) on CHW pixels', async () => {
    const rng = new SeededRandom(21);
    const size = 48;
    const dim = 5;
    const pixels = rng.uniformArray(3 * size * size);
    const weight = rng.uniformArray(dim * 3 * 256, -0.1, 0.1);
    const bias = rng.uniformArray(dim);
    const recorder = new LayerRecorder(gpu(), 'f32');
    const input = Tensor.from(gpu(), pixels, [3, size, size]);
    const w = Tensor.from(gpu(), weight, [dim, 768]);
    const b = Tensor.from(gpu(), bias, [dim]);
    const out = recorder.convolution(input, { channels: 3, height: size, width: size, kernel: 16, stride: 16, pad: 0, channelsLast: false }, w, b);
    await recorder.batch.submit();
    // Direct formula: out[p, o] = bias[o] + sum_{c,ky,kx} w[o,c,ky,kx] * pixel[c, py*16+ky, px*16+kx].
    const expected = new Float32Array(9 * dim);
    for (let p = 0; p < 9; p++) {
      const py = Math.floor(p / 3);
      const px = p % 3;
      for (let o = 0; o < dim; o++) {
        let sum = bias[o];
        for (let ch = 0; ch < 3; ch++)
          for (let ky = 0; ky < 16; ky++)
            for (let kx = 0; kx < 16; kx++) sum += weight[((o * 3 + ch) * 16 + ky) * 16 + kx] * pixels[(ch * size + py * 16 + ky) * size + px * 16 + kx];
        expected[p * dim + o] = sum;
      }
    }
    expectClose(await out.readFloat32(), expected, 1e-5, 1e-5);
    const columns = im2colReference(pixels, { channels: 3, height: size, width: size, kernel: 16, stride: 16, pad: 0, channelsLast: false });
    expectClose(linearReference(columns, 9, weight, dim, bias), expected, 1e-5, 1e-5);
    for (const t of [input, w, b, out]) t.dispose();
  });
});
