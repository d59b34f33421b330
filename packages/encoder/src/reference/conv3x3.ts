import { strideTwoSize } from '../config';

/** Output side of a 3x3, pad 1 convolution with the given stride. */
export function conv3x3OutputSize(size: number, stride: 1 | 2): number {
  return stride === 1 ? size : strideTwoSize(size);
}

/**
 * 3x3 convolution, zero padding 1, no bias, on a channels-last grid [H, W, Cin] with a
 * checkpoint weight [Cout, Cin, 3, 3]; output [Ho, Wo, Cout]
 * (reference: sam_vary_sdpa.py neck.2, net_2, net_3).
 */
export function conv3x3Reference(
  x: Float32Array,
  height: number,
  width: number,
  inChannels: number,
  weight: Float32Array,
  outChannels: number,
  stride: 1 | 2,
): Float32Array {
  const outH = conv3x3OutputSize(height, stride);
  const outW = conv3x3OutputSize(width, stride);
  const out = new Float32Array(outH * outW * outChannels);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let o = 0; o < outChannels; o++) {
        let sum = 0;
        for (let ky = 0; ky < 3; ky++) {
          const iy = oy * stride + ky - 1;
          if (iy < 0 || iy >= height) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = ox * stride + kx - 1;
            if (ix < 0 || ix >= width) continue;
            const xo = (iy * width + ix) * inChannels;
            for (let c = 0; c < inChannels; c++) sum += x[xo + c] * weight[((o * inChannels + c) * 3 + ky) * 3 + kx];
          }
        }
        out[(oy * outW + ox) * outChannels + o] = sum;
      }
    }
  }
  return out;
}
