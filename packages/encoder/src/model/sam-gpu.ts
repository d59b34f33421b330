import { encoderGeometry } from '../config';
import { attentionProgram } from '../kernels/attention';
import { relPosBiasProgram } from '../kernels/rel-pos-bias';
import { windowPartitionProgram, windowUnpartitionProgram, windowsPerSide } from '../kernels/window-partition';
import { SAM_PREFIX } from '../weights/encoder-tensors';
import type { EncoderConfig } from '../config';
import type { GpuEncoderWeights } from './gpu-weights';
import type { LayerRecorder } from './layers-gpu';
import type { Tensor } from '@opticspace/gpu';

/**
 * x + SAM attention (windowed or global) of normalised tokens [grid^2, dim] (reference:
 * Block.forward, Attention.forward). x is added in the projection's epilogue (global blocks)
 * or by the window unpartition (windowed ones).
 */
function samAttentionResidual(r: LayerRecorder, x: Tensor, normed: Tensor, blockIndex: number, weights: GpuEncoderWeights, config: EncoderConfig, grid: number): Tensor {
  const { sam } = config;
  const w = (name: string) => weights.get(`${SAM_PREFIX}blocks.${blockIndex}.attn.${name}`);
  const { grid: side, tableH, tableW } = weights.relPos[blockIndex];
  const isGlobal = sam.globalBlocks.includes(blockIndex);
  const windowGeometry = { height: grid, width: grid, channels: sam.embedDim, window: side };
  const batch = isGlobal ? 1 : windowsPerSide(grid, side) ** 2;
  const tokens = side * side;
  let input = normed;
  if (!isGlobal) {
    input = r.empty([batch * tokens, sam.embedDim]);
    r.batch.dispatch(windowPartitionProgram(r.ctx, normed, input, windowGeometry));
  }
  const qkv = r.linear(input, w('qkv.weight'), w('qkv.bias'));
  if (input !== normed) r.release(input);
  const geometry = { batch, tokens, heads: sam.heads, headDim: sam.embedDim / sam.heads };
  const relH = r.empty([batch * sam.heads * side, tokens]);
  const relW = r.empty([batch * sam.heads * side, tokens]);
  r.batch.dispatch(relPosBiasProgram(r.ctx, qkv, tableH, tableW, relH, relW, { ...geometry, gridH: side, gridW: side }));
  const attended = r.empty([batch * tokens, sam.embedDim]);
  r.batch.dispatch(attentionProgram(r.ctx, qkv, attended, geometry, { relH, relW, gridH: side, gridW: side }));
  r.release(qkv, relH, relW);
  const projected = r.linear(attended, w('proj.weight'), w('proj.bias'), isGlobal ? { residual: x } : {});
  r.release(attended);
  if (isGlobal) return projected;
  const h = r.empty([grid * grid, sam.embedDim]);
  r.batch.dispatch(windowUnpartitionProgram(r.ctx, projected, h, windowGeometry, x));
  r.release(projected);
  return h;
}

/** One SAM block: x + attn(norm1(x)), then + mlp(norm2(.)) (reference: Block.forward). */
export function samBlockGpu(r: LayerRecorder, x: Tensor, blockIndex: number, weights: GpuEncoderWeights, config: EncoderConfig): Tensor {
  const { sam } = config;
  const { samGrid } = encoderGeometry(config);
  const w = (name: string) => weights.get(`${SAM_PREFIX}blocks.${blockIndex}.${name}`);
  const normed = r.layerNorm(x, w('norm1.weight'), w('norm1.bias'), sam.layerNormEps);
  const h = samAttentionResidual(r, x, normed, blockIndex, weights, config, samGrid);
  r.release(normed);
  const out = r.residualMlp(
    h,
    { weight: w('norm2.weight'), bias: w('norm2.bias'), eps: sam.layerNormEps },
    { weight: w('mlp.lin1.weight'), bias: w('mlp.lin1.bias') },
    { weight: w('mlp.lin2.weight'), bias: w('mlp.lin2.bias') },
    'gelu',
  );
  r.release(h);
  return out;
}

/** Patch embedding + resized pos_embed: pixels [3, S, S] -> tokens [grid^2, dim]. */
export function samEmbedGpu(r: LayerRecorder, pixels: Tensor, weights: GpuEncoderWeights, config: EncoderConfig): Tensor {
  const { sam, imageSize } = config;
  const s = (name: string) => weights.get(`${SAM_PREFIX}${name}`);
  const geometry = { channels: 3, height: imageSize, width: imageSize, kernel: sam.patchSize, stride: sam.patchSize, pad: 0, channelsLast: false };
  return r.convolution(pixels, geometry, s('patch_embed.proj.weight'), s('patch_embed.proj.bias'), weights.samPosEmbed);
}

/** Neck and the two stride-2 convs: tokens [grid^2, dim] -> features [clipGrid^2, net3Channels]. */
export function samNeckGpu(r: LayerRecorder, x: Tensor, weights: GpuEncoderWeights, config: EncoderConfig): Tensor {
  const { sam } = config;
  const { samGrid, net2Grid } = encoderGeometry(config);
  const s = (name: string) => weights.get(`${SAM_PREFIX}${name}`);
  const conv3x3 = (size: number, channels: number, stride: number) => ({ channels, height: size, width: size, kernel: 3, stride, pad: 1, channelsLast: true });
  // 1x1 conv == linear over channels; LayerNorm2d on channels-last data == LayerNorm over channels.
  const n0 = r.linear(x, s('neck.0.weight'));
  const n1 = r.layerNorm(n0, s('neck.1.weight'), s('neck.1.bias'), 1e-6);
  r.release(n0);
  const n2 = r.convolution(n1, conv3x3(samGrid, sam.neckChannels, 1), s('neck.2.weight'));
  r.release(n1);
  const n3 = r.layerNorm(n2, s('neck.3.weight'), s('neck.3.bias'), 1e-6);
  r.release(n2);
  const net2 = r.convolution(n3, conv3x3(samGrid, sam.neckChannels, 2), s('net_2.weight'));
  r.release(n3);
  const net3 = r.convolution(net2, conv3x3(net2Grid, sam.net2Channels, 2), s('net_3.weight'));
  r.release(net2);
  return net3;
}
