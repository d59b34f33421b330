import type { EncoderConfig } from '../config';

/** Checkpoint prefixes (Hugging Face deepseek-ai/DeepSeek-OCR). */
export const SAM_PREFIX = 'model.sam_model.';
export const CLIP_PREFIX = 'model.vision_model.';

/**
 * Every tensor the encoder reads, with the shape the configuration implies. Names mirror the
 * checkpoint (reference: deepseek_ocr.py load_weights filters on sam_model / vision_model /
 * projector / image_newline / view_seperator). CLIP's unused patch_embedding is not read.
 */
export function encoderTensorShapes(config: EncoderConfig): Map<string, number[]> {
  const { sam, clip } = config;
  const shapes = new Map<string, number[]>();
  const add = (name: string, shape: number[]) => shapes.set(name, shape);
  const s = SAM_PREFIX;
  const samHeadDim = sam.embedDim / sam.heads;
  add(`${s}pos_embed`, [1, sam.nativeGrid, sam.nativeGrid, sam.embedDim]);
  add(`${s}patch_embed.proj.weight`, [sam.embedDim, 3, sam.patchSize, sam.patchSize]);
  add(`${s}patch_embed.proj.bias`, [sam.embedDim]);
  for (let i = 0; i < sam.depth; i++) {
    const b = `${s}blocks.${i}.`;
    const relRows = sam.globalBlocks.includes(i) ? 2 * sam.nativeGrid - 1 : 2 * sam.windowSize - 1;
    add(`${b}norm1.weight`, [sam.embedDim]);
    add(`${b}norm1.bias`, [sam.embedDim]);
    add(`${b}attn.qkv.weight`, [3 * sam.embedDim, sam.embedDim]);
    add(`${b}attn.qkv.bias`, [3 * sam.embedDim]);
    add(`${b}attn.proj.weight`, [sam.embedDim, sam.embedDim]);
    add(`${b}attn.proj.bias`, [sam.embedDim]);
    add(`${b}attn.rel_pos_h`, [relRows, samHeadDim]);
    add(`${b}attn.rel_pos_w`, [relRows, samHeadDim]);
    add(`${b}norm2.weight`, [sam.embedDim]);
    add(`${b}norm2.bias`, [sam.embedDim]);
    add(`${b}mlp.lin1.weight`, [sam.mlpDim, sam.embedDim]);
    add(`${b}mlp.lin1.bias`, [sam.mlpDim]);
    add(`${b}mlp.lin2.weight`, [sam.embedDim, sam.mlpDim]);
    add(`${b}mlp.lin2.bias`, [sam.embedDim]);
  }
  add(`${s}neck.0.weight`, [sam.neckChannels, sam.embedDim, 1, 1]);
  add(`${s}neck.1.weight`, [sam.neckChannels]);
  add(`${s}neck.1.bias`, [sam.neckChannels]);
  add(`${s}neck.2.weight`, [sam.neckChannels, sam.neckChannels, 3, 3]);
  add(`${s}neck.3.weight`, [sam.neckChannels]);
  add(`${s}neck.3.bias`, [sam.neckChannels]);
  add(`${s}net_2.weight`, [sam.net2Channels, sam.neckChannels, 3, 3]);
  add(`${s}net_3.weight`, [sam.net3Channels, sam.net2Channels, 3, 3]);

  const c = CLIP_PREFIX;
  add(`${c}embeddings.class_embedding`, [clip.hidden]);
  add(`${c}embeddings.position_embedding.weight`, [clip.nativeGrid * clip.nativeGrid + 1, clip.hidden]);
  add(`${c}pre_layrnorm.weight`, [clip.hidden]);
  add(`${c}pre_layrnorm.bias`, [clip.hidden]);
  for (let i = 0; i < clip.depth; i++) {
    const b = `${c}transformer.layers.${i}.`;
    add(`${b}layer_norm1.weight`, [clip.hidden]);
    add(`${b}layer_norm1.bias`, [clip.hidden]);
    add(`${b}self_attn.qkv_proj.weight`, [3 * clip.hidden, clip.hidden]);
    add(`${b}self_attn.qkv_proj.bias`, [3 * clip.hidden]);
    add(`${b}self_attn.out_proj.weight`, [clip.hidden, clip.hidden]);
    add(`${b}self_attn.out_proj.bias`, [clip.hidden]);
    add(`${b}layer_norm2.weight`, [clip.hidden]);
    add(`${b}layer_norm2.bias`, [clip.hidden]);
    add(`${b}mlp.fc1.weight`, [clip.mlpDim, clip.hidden]);
    add(`${b}mlp.fc1.bias`, [clip.mlpDim]);
    add(`${b}mlp.fc2.weight`, [clip.hidden, clip.mlpDim]);
    add(`${b}mlp.fc2.bias`, [clip.hidden]);
  }
  add('model.projector.layers.weight', [config.projectorDim, clip.hidden + sam.net3Channels]);
  add('model.projector.layers.bias', [config.projectorDim]);
  add('model.image_newline', [config.projectorDim]);
  add('model.view_seperator', [config.projectorDim]);
  return shapes;
}
