import { Tensor, UnsupportedFeatureError, type GpuContext } from '@opticspace/gpu';
import { encoderTensorShapes } from '../weights/encoder-tensors';
import type { EncoderWeights } from '../weights/encoder-weights';
import { resizeWeightsForInput } from './resized-weights';

export type StorageType = 'f32' | 'f16';

/**
 * The encoder's weights on the GPU for one input size. Matrices are uploaded 2-D ([out, in];
 * conv weights [out, in * kh * kw], the layout im2col columns multiply against); size-dependent
 * tensors (pos-embeds, global rel-pos tables) are resized on the host first; the projector is
 * split into its CLIP and SAM column blocks so no concatenation is needed on the GPU.
 */
export class GpuEncoderWeights {
  private constructor(
    readonly ctx: GpuContext,
    readonly dtype: StorageType,
    private readonly tensors: Map<string, Tensor>,
    readonly samPosEmbed: Tensor,
    readonly relPos: Array<{ grid: number; tableH: Tensor; tableW: Tensor }>,
    readonly clipPosEmbed: Tensor,
    readonly projectorClip: Tensor,
    readonly projectorSam: Tensor,
  ) {}

  static upload(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): GpuEncoderWeights {
    if (dtype === 'f16' && !ctx.features.shaderF16) {
      throw new UnsupportedFeatureError('shader-f16', 'Use f32 storage on this adapter.');
    }
    const { config } = weights;
    const upload = (data: Float32Array, shape: number[]) => Tensor.from(ctx, data, shape, dtype);
    const tensors = new Map<string, Tensor>();
    for (const [name, shape] of encoderTensorShapes(config)) {
      if (name.endsWith('pos_embed') || name.includes('position_embedding') || name.includes('rel_pos_') || name.startsWith('model.projector.layers.weight')) continue;
      const matrixShape = shape.length >= 2 ? [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)] : shape;
      tensors.set(name, upload(weights.get(name), matrixShape));
    }
    const resized = resizeWeightsForInput(weights);
    const headDim = config.sam.embedDim / config.sam.heads;
    const relPos = resized.relPos.map(({ grid, tableH, tableW }) => ({
      grid,
      tableH: upload(tableH, [2 * grid - 1, headDim]),
      tableW: upload(tableW, [2 * grid - 1, headDim]),
    }));
    const hidden = config.clip.hidden;
    const samChannels = config.sam.net3Channels;
    const projector = weights.get('model.projector.layers.weight');
    const width = hidden + samChannels;
    const clipPart = new Float32Array(config.projectorDim * hidden);
    const samPart = new Float32Array(config.projectorDim * samChannels);
    for (let o = 0; o < config.projectorDim; o++) {
      clipPart.set(projector.subarray(o * width, o * width + hidden), o * hidden);
      samPart.set(projector.subarray(o * width + hidden, (o + 1) * width), o * samChannels);
    }
    return new GpuEncoderWeights(
      ctx,
      dtype,
      tensors,
      upload(resized.samPosEmbed, [resized.samPosEmbed.length / config.sam.embedDim, config.sam.embedDim]),
      relPos,
      upload(resized.clipPosEmbed, [resized.clipPosEmbed.length / hidden, hidden]),
      upload(clipPart, [config.projectorDim, hidden]),
      upload(samPart, [config.projectorDim, samChannels]),
    );
  }

  /** A checkpoint tensor by full name. */
  get(name: string): Tensor {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new Error(`GpuEncoderWeights: '${name}' was not uploaded`);
    return tensor;
  }

  dispose(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    for (const { tableH, tableW } of this.relPos) {
      tableH.dispose();
      tableW.dispose();
    }
    for (const tensor of [this.samPosEmbed, this.clipPosEmbed, this.projectorClip, this.projectorSam]) tensor.dispose();
    this.tensors.clear();
  }
}
