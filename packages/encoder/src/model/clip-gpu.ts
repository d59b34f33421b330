import type { Tensor } from '@opticspace/gpu';
import type { EncoderConfig } from '../config';
import { attentionProgram } from '../kernels/attention';
import { clipEmbeddingsProgram } from '../kernels/clip-embeddings';
import { CLIP_PREFIX } from '../weights/encoder-tensors';
import type { GpuEncoderWeights } from './gpu-weights';
import type { LayerRecorder } from './layers-gpu';

/** Class token, SAM features as patch embeddings, resized positions, pre-LayerNorm. */
export function clipEmbedGpu(r: LayerRecorder, samFeatures: Tensor, weights: GpuEncoderWeights, config: EncoderConfig): Tensor {
  const { clip } = config;
  const c = (name: string) => weights.get(`${CLIP_PREFIX}${name}`);
  const tokens = samFeatures.size / clip.hidden + 1;
  const embedded = r.empty([tokens, clip.hidden]);
  r.batch.dispatch(clipEmbeddingsProgram(r.ctx, samFeatures, c('embeddings.class_embedding'), weights.clipPosEmbed, embedded, clip.hidden));
  const x = r.layerNorm(embedded, c('pre_layrnorm.weight'), c('pre_layrnorm.bias'), clip.layerNormEps);
  r.release(embedded);
  return x;
}

/** One CLIP block (reference: clip_sdpa.py NoTPTransformerBlock.forward). */
export function clipBlockGpu(r: LayerRecorder, x: Tensor, blockIndex: number, weights: GpuEncoderWeights, config: EncoderConfig): Tensor {
  const { clip } = config;
  const w = (name: string) => weights.get(`${CLIP_PREFIX}transformer.layers.${blockIndex}.${name}`);
  const tokens = x.shape[0];
  const normed = r.layerNorm(x, w('layer_norm1.weight'), w('layer_norm1.bias'), clip.layerNormEps);
  const qkv = r.linear(normed, w('self_attn.qkv_proj.weight'), w('self_attn.qkv_proj.bias'));
  r.release(normed);
  const attended = r.empty([tokens, clip.hidden]);
  r.batch.dispatch(attentionProgram(r.ctx, qkv, attended, { batch: 1, tokens, heads: clip.heads, headDim: clip.hidden / clip.heads }));
  r.release(qkv);
  const h = r.linear(attended, w('self_attn.out_proj.weight'), w('self_attn.out_proj.bias'), { residual: x });
  r.release(attended);
  const out = r.residualMlp(
    h,
    { weight: w('layer_norm2.weight'), bias: w('layer_norm2.bias'), eps: clip.layerNormEps },
    { weight: w('mlp.fc1.weight'), bias: w('mlp.fc1.bias') },
    { weight: w('mlp.fc2.weight'), bias: w('mlp.fc2.bias') },
    'quickGelu',
  );
  r.release(h);
  return out;
}
