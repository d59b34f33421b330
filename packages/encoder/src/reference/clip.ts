import { attentionReference } from '../kernels/attention';
import type { ResizedWeights } from '../model/resized-weights';
import { CLIP_PREFIX } from '../weights/encoder-tensors';
import type { EncoderWeights } from '../weights/encoder-weights';
import { axpbyReference, quickGeluReference } from '@opticspace/gpu';
import { layerNormLastAxisReference, linearReference } from './ops';

/** One CLIP block (reference: clip_sdpa.py NoTPTransformerBlock.forward). */
export function clipBlockReference(x: Float32Array, tokens: number, blockIndex: number, weights: EncoderWeights): Float32Array {
  const { clip } = weights.config;
  const w = (name: string) => weights.get(`${CLIP_PREFIX}transformer.layers.${blockIndex}.${name}`);
  const dim = clip.hidden;
  const qkv = linearReference(layerNormLastAxisReference(x, dim, w('layer_norm1.weight'), w('layer_norm1.bias'), clip.layerNormEps), tokens, w('self_attn.qkv_proj.weight'), 3 * dim, w('self_attn.qkv_proj.bias'));
  const attended = attentionReference(qkv, 1, tokens, clip.heads, dim / clip.heads);
  const h = axpbyReference(x, linearReference(attended, tokens, w('self_attn.out_proj.weight'), dim, w('self_attn.out_proj.bias')));
  const hidden = quickGeluReference(linearReference(layerNormLastAxisReference(h, dim, w('layer_norm2.weight'), w('layer_norm2.bias'), clip.layerNormEps), tokens, w('mlp.fc1.weight'), clip.mlpDim, w('mlp.fc1.bias')));
  return axpbyReference(h, linearReference(hidden, tokens, w('mlp.fc2.weight'), dim, w('mlp.fc2.bias')));
}

/**
 * CLIP-L on SAM features [grid * grid, hidden] used as patch embeddings
 * (reference: clip_sdpa.py VitModel.forward with patch_embeds). Output [grid^2 + 1, hidden].
 */
export function clipReference(samFeatures: Float32Array, weights: EncoderWeights, resized: ResizedWeights): Float32Array {
  const { clip } = weights.config;
  const tokens = samFeatures.length / clip.hidden + 1;
  let x: Float32Array = new Float32Array(tokens * clip.hidden);
  x.set(weights.get(`${CLIP_PREFIX}embeddings.class_embedding`));
  x.set(samFeatures, clip.hidden);
  x = axpbyReference(x, resized.clipPosEmbed);
  x = layerNormLastAxisReference(x, clip.hidden, weights.get(`${CLIP_PREFIX}pre_layrnorm.weight`), weights.get(`${CLIP_PREFIX}pre_layrnorm.bias`), clip.layerNormEps);
  for (let i = 0; i < clip.depth; i++) x = clipBlockReference(x, tokens, i, weights);
  return x;
}
