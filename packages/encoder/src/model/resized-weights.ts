import { encoderGeometry } from '../config';
import { resizeBicubicAntialias, resizeLinearRows } from '../reference/interpolate';
import { CLIP_PREFIX, SAM_PREFIX } from '../weights/encoder-tensors';
import type { EncoderWeights } from '../weights/encoder-weights';

/**
 * Weight tensors that depend on the input size, computed once per mode on the host:
 * SAM pos_embed resized to the patch grid, global blocks' rel-pos tables resized to
 * 2 * grid - 1 rows, CLIP position_embedding resized to the output grid (class row kept).
 */
export interface ResizedWeights {
  /** [samGrid, samGrid, embedDim] */
  samPosEmbed: Float32Array;
  /** Per SAM block: rel-pos tables with 2 * attendedGrid - 1 rows, and that grid. */
  relPos: Array<{ grid: number; tableH: Float32Array; tableW: Float32Array }>;
  /** [clipGrid * clipGrid + 1, hidden] */
  clipPosEmbed: Float32Array;
}

export function resizeWeightsForInput(weights: EncoderWeights): ResizedWeights {
  const { config } = weights;
  const { sam, clip } = config;
  const geometry = encoderGeometry(config);
  const headDim = sam.embedDim / sam.heads;
  const samPosEmbed = resizeBicubicAntialias(
    weights.get(`${SAM_PREFIX}pos_embed`),
    sam.nativeGrid,
    sam.nativeGrid,
    sam.embedDim,
    geometry.samGrid,
    geometry.samGrid,
  );
  const relPos = [];
  for (let i = 0; i < sam.depth; i++) {
    const grid = sam.globalBlocks.includes(i) ? geometry.samGrid : sam.windowSize;
    const block = `${SAM_PREFIX}blocks.${i}.attn.`;
    const rows = weights.shape(`${block}rel_pos_h`)[0];
    relPos.push({
      grid,
      tableH: resizeLinearRows(weights.get(`${block}rel_pos_h`), rows, headDim, 2 * grid - 1),
      tableW: resizeLinearRows(weights.get(`${block}rel_pos_w`), rows, headDim, 2 * grid - 1),
    });
  }
  const position = weights.get(`${CLIP_PREFIX}embeddings.position_embedding.weight`);
  const grid = geometry.clipGrid;
  const resizedGrid = resizeBicubicAntialias(position.subarray(clip.hidden), clip.nativeGrid, clip.nativeGrid, clip.hidden, grid, grid);
  const clipPosEmbed = new Float32Array((grid * grid + 1) * clip.hidden);
  clipPosEmbed.set(position.subarray(0, clip.hidden));
  clipPosEmbed.set(resizedGrid, clip.hidden);
  return { samPosEmbed, relPos, clipPosEmbed };
}
