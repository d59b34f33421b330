import { Tensor, UnsupportedFeatureError, type GpuContext } from '@opticspace/gpu';
import { encoderGeometry } from '../config';
import { encoderTensorShapes } from '../weights/encoder-tensors';
import { EncoderWeights } from '../weights/encoder-weights';
import { resizeWeightsForInput } from './resized-weights';

export type StorageType = 'f32' | 'f16';

/** Size-independent tensors on the GPU, shared by the encoders of every input size. */
class SharedTensors {
  private references = 1;
  constructor(
    readonly tensors: Map<string, Tensor>,
    readonly projectorClip: Tensor,
    readonly projectorSam: Tensor,
  ) {}
  retain(): this {
    this.references++;
    return this;
  }
  release(): void {
    if (--this.references > 0) return;
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.projectorClip.dispose();
    this.projectorSam.dispose();
    this.tensors.clear();
  }
}

/** Tensors the checkpoint stores for one grid and the encoder resizes per input size. */
const isSizeDependent = (name: string) => name.endsWith('pos_embed') || name.includes('position_embedding') || name.includes('rel_pos_');

/**
 * The encoder's weights on the GPU for one input size. Matrices are uploaded 2-D ([out, in];
 * conv weights [out, in * kh * kw], the layout im2col columns multiply against); size-dependent
 * tensors (pos-embeds, rel-pos tables) are resized on the host first; the projector is split
 * into its CLIP and SAM column blocks so no concatenation is needed on the GPU.
 * `withImageSize` gives the weights for another input size sharing every size-independent
 * tensor (Gundam encodes 640 crops and a 1024 global view with one upload).
 */
export class GpuEncoderWeights {
  private disposed = false;

  private constructor(
    readonly ctx: GpuContext,
    readonly dtype: StorageType,
    readonly host: EncoderWeights,
    private readonly shared: SharedTensors,
    readonly samPosEmbed: Tensor,
    readonly relPos: Array<{ grid: number; tableH: Tensor; tableW: Tensor }>,
    readonly clipPosEmbed: Tensor,
  ) {}

  static upload(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): GpuEncoderWeights {
    if (dtype === 'f16' && !ctx.features.shaderF16) {
      throw new UnsupportedFeatureError('shader-f16', 'Use f32 storage on this adapter.');
    }
    const { config } = weights;
    const tensors = new Map<string, Tensor>();
    for (const [name, shape] of encoderTensorShapes(config)) {
      if (isSizeDependent(name) || name === 'model.projector.layers.weight') continue;
      const matrixShape = shape.length >= 2 ? [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)] : shape;
      tensors.set(name, Tensor.from(ctx, weights.get(name), matrixShape, dtype));
    }
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
    const shared = new SharedTensors(
      tensors,
      Tensor.from(ctx, clipPart, [config.projectorDim, hidden], dtype),
      Tensor.from(ctx, samPart, [config.projectorDim, samChannels], dtype),
    );
    return GpuEncoderWeights.forSize(ctx, dtype, weights, shared);
  }

  private static forSize(ctx: GpuContext, dtype: StorageType, host: EncoderWeights, shared: SharedTensors): GpuEncoderWeights {
    const { config } = host;
    const upload = (data: Float32Array, shape: number[]) => Tensor.from(ctx, data, shape, dtype);
    const resized = resizeWeightsForInput(host);
    const headDim = config.sam.embedDim / config.sam.heads;
    const relPos = resized.relPos.map(({ grid, tableH, tableW }) => ({
      grid,
      tableH: upload(tableH, [2 * grid - 1, headDim]),
      tableW: upload(tableW, [2 * grid - 1, headDim]),
    }));
    const hidden = config.clip.hidden;
    return new GpuEncoderWeights(
      ctx,
      dtype,
      host,
      shared,
      upload(resized.samPosEmbed, [resized.samPosEmbed.length / config.sam.embedDim, config.sam.embedDim]),
      relPos,
      upload(resized.clipPosEmbed, [resized.clipPosEmbed.length / hidden, hidden]),
    );
  }

  /** The weights for another square input size, sharing the size-independent tensors. */
  withImageSize(imageSize: number): GpuEncoderWeights {
    const config = { ...this.host.config, imageSize };
    encoderGeometry(config);
    const host = new EncoderWeights(config, new Map(this.host.names.map((name) => [name, { shape: this.host.shape(name), data: this.host.get(name) }])));
    return GpuEncoderWeights.forSize(this.ctx, this.dtype, host, this.shared.retain());
  }

  get projectorClip(): Tensor {
    return this.shared.projectorClip;
  }

  get projectorSam(): Tensor {
    return this.shared.projectorSam;
  }

  /** A checkpoint tensor by full name (size-independent ones only). */
  get(name: string): Tensor {
    const tensor = this.shared.tensors.get(name);
    if (!tensor) throw new Error(`GpuEncoderWeights: '${name}' was not uploaded`);
    return tensor;
  }

  /** Frees this size's tensors, and the shared ones when no other size uses them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { tableH, tableW } of this.relPos) {
      tableH.dispose();
      tableW.dispose();
    }
    this.samPosEmbed.dispose();
    this.clipPosEmbed.dispose();
    this.relPos.length = 0;
    this.shared.release();
  }
}
