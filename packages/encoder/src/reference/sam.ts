import { encoderGeometry } from '../config';
import { attentionReference } from '../kernels/attention';
import { conv3x3Reference } from './conv3x3';
import { im2colReference } from '../kernels/im2col';
import { relPosBiasReference } from '../kernels/rel-pos-bias';
import { windowPartitionReference, windowUnpartitionReference, windowsPerSide } from '../kernels/window-partition';
import type { ResizedWeights } from '../model/resized-weights';
import { SAM_PREFIX } from '../weights/encoder-tensors';
import type { EncoderWeights } from '../weights/encoder-weights';
import { axpbyReference, geluReference } from '@opticspace/gpu';
import { layerNormLastAxisReference, linearReference } from './ops';

/** Intermediates of the SAM reference, for tests. */
export interface SamReferenceOutput {
  /** After the transformer blocks: [grid, grid, embedDim]. */
  blocks: Float32Array;
  /** After the neck: [grid, grid, neckChannels]. */
  neck: Float32Array;
  /** net_3 output, channels-last [clipGrid, clipGrid, net3Channels]. */
  features: Float32Array;
}

/** One SAM block (reference: sam_vary_sdpa.py Block.forward and Attention.forward). */
export function samBlockReference(x: Float32Array, blockIndex: number, weights: EncoderWeights, resized: ResizedWeights): Float32Array {
  const { sam } = weights.config;
  const w = (name: string) => weights.get(`${SAM_PREFIX}blocks.${blockIndex}.${name}`);
  const grid = Math.round(Math.sqrt(x.length / sam.embedDim));
  const dim = sam.embedDim;
  const headDim = dim / sam.heads;
  const normed = layerNormLastAxisReference(x, dim, w('norm1.weight'), w('norm1.bias'), sam.layerNormEps);
  const isGlobal = sam.globalBlocks.includes(blockIndex);
  const side = isGlobal ? grid : sam.windowSize;
  const windows = isGlobal ? normed : windowPartitionReference(normed, grid, grid, dim, side);
  const batch = isGlobal ? 1 : windowsPerSide(grid, side) ** 2;
  const tokens = side * side;
  const qkv = linearReference(windows, batch * tokens, w('attn.qkv.weight'), 3 * dim, w('attn.qkv.bias'));
  const { tableH, tableW } = resized.relPos[blockIndex];
  const { relH, relW } = relPosBiasReference(qkv, batch, side, side, sam.heads, headDim, tableH, tableW);
  const attended = attentionReference(qkv, batch, tokens, sam.heads, headDim, { gridH: side, gridW: side, relH, relW });
  const projected = linearReference(attended, batch * tokens, w('attn.proj.weight'), dim, w('attn.proj.bias'));
  const merged = isGlobal ? projected : windowUnpartitionReference(projected, grid, grid, dim, side);
  const afterAttention = axpbyReference(x, merged);
  const hidden = geluReference(linearReference(layerNormLastAxisReference(afterAttention, dim, w('norm2.weight'), w('norm2.bias'), sam.layerNormEps), grid * grid, w('mlp.lin1.weight'), sam.mlpDim, w('mlp.lin1.bias')));
  return axpbyReference(afterAttention, linearReference(hidden, grid * grid, w('mlp.lin2.weight'), dim, w('mlp.lin2.bias')));
}

/** SAM ViT-B forward on normalised pixels [3, S, S] (reference: ImageEncoderViT.forward). */
export function samReference(pixels: Float32Array, weights: EncoderWeights, resized: ResizedWeights): SamReferenceOutput {
  const { config } = weights;
  const { sam } = config;
  const { samGrid: grid, net2Grid } = encoderGeometry(config);
  const w = (name: string) => weights.get(`${SAM_PREFIX}${name}`);
  const columns = im2colReference(pixels, {
    channels: 3,
    height: config.imageSize,
    width: config.imageSize,
    kernel: sam.patchSize,
    stride: sam.patchSize,
    pad: 0,
    channelsLast: false,
  });
  let x = linearReference(columns, grid * grid, w('patch_embed.proj.weight'), sam.embedDim, w('patch_embed.proj.bias'));
  x = axpbyReference(x, resized.samPosEmbed);
  for (let i = 0; i < sam.depth; i++) x = samBlockReference(x, i, weights, resized);
  const blocks = x;
  // Neck: 1x1 conv == linear over channels (channels-last); LayerNorm2d == LayerNorm over channels.
  let neck = linearReference(x, grid * grid, w('neck.0.weight'), sam.neckChannels);
  neck = layerNormLastAxisReference(neck, sam.neckChannels, w('neck.1.weight'), w('neck.1.bias'), 1e-6);
  neck = conv3x3Reference(neck, grid, grid, sam.neckChannels, w('neck.2.weight'), sam.neckChannels, 1);
  neck = layerNormLastAxisReference(neck, sam.neckChannels, w('neck.3.weight'), w('neck.3.bias'), 1e-6);
  const net2 = conv3x3Reference(neck, grid, grid, sam.neckChannels, w('net_2.weight'), sam.net2Channels, 2);
  const features = conv3x3Reference(net2, net2Grid, net2Grid, sam.net2Channels, w('net_3.weight'), sam.net3Channels, 2);
  return { blocks, neck, features };
}
