import { SeededRandom } from '@opticspace/gpu';
import { writeSafetensors } from '@opticspace/encoder';

/**
 * A small safetensors checkpoint shaped like DeepSeek-OCR's: encoder tensors (the ones the
 * optical pipeline streams) between "language model" tensors that must never be fetched.
 * Shared by the Node streaming tests and the Chromium e2e.
 */
export function smallCheckpoint(seed: number, lmHeadRows = 64) {
  const random = new SeededRandom(seed);
  const tensors = {
    'lm_head.weight': { shape: [lmHeadRows, 32], data: random.normalArray(lmHeadRows * 32) },
    'model.image_newline': { shape: [8], data: random.normalArray(8) },
    'model.layers.0.mlp.weight': { shape: [128, 64], data: random.normalArray(128 * 64) },
    'model.projector.layers.weight': { shape: [8, 16], data: random.normalArray(128) },
    'model.sam_model.patch_embed.proj.weight': { shape: [4, 3, 2, 2], data: random.normalArray(48), dtype: 'BF16' as const },
    'model.view_seperator': { shape: [8], data: random.normalArray(8) },
    'model.vision_model.embeddings.class_embedding': { shape: [16], data: random.normalArray(16) },
  };
  return { tensors, checkpoint: writeSafetensors(tensors) };
}
