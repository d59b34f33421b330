import { Tensor, UnsupportedFeatureError, type GpuContext } from '@opticspace/gpu';
import { encoderGeometry, type EncoderConfig } from '../config';
import { encoderTensorShapes } from '../weights/encoder-tensors';
import { EncoderWeights, checkEncoderTensors, type LoadProgress } from '../weights/encoder-weights';
import type { HostTensor, SafetensorsReader } from '../weights/reader';
import { streamTensorRows } from './checkpoint-stream';
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

const PROJECTOR = 'model.projector.layers.weight';

/** Streamed tensors the host keeps a copy of: the size-dependent ones, and the newline / separator rows a Gundam layout inserts. */
const keptOnHost = (name: string) => isSizeDependent(name) || name === 'model.image_newline' || name === 'model.view_seperator';

/** Checkpoint shapes as uploaded: 2-D [out, in * kh * kw] for matrices and convolutions. */
const matrixShape = (shape: number[]) => (shape.length >= 2 ? [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)] : shape);

/** Empty GPU tensors for the projector's CLIP and SAM column blocks. */
function projectorParts(ctx: GpuContext, config: EncoderConfig, dtype: StorageType): { clip: Tensor; sam: Tensor } {
  return {
    clip: Tensor.empty(ctx, [config.projectorDim, config.clip.hidden], dtype),
    sam: Tensor.empty(ctx, [config.projectorDim, config.sam.net3Channels], dtype),
  };
}

/** Uploads rows [firstRow, ...) of the projector [out, hidden + samChannels] into its two column blocks. */
function writeProjectorRows(parts: { clip: Tensor; sam: Tensor }, firstRow: number, values: Float32Array): void {
  const hidden = parts.clip.shape[1];
  const samChannels = parts.sam.shape[1];
  const width = hidden + samChannels;
  const rows = values.length / width;
  const clip = new Float32Array(rows * hidden);
  const sam = new Float32Array(rows * samChannels);
  for (let r = 0; r < rows; r++) {
    clip.set(values.subarray(r * width, r * width + hidden), r * hidden);
    sam.set(values.subarray(r * width + hidden, (r + 1) * width), r * samChannels);
  }
  parts.clip.writeAt(firstRow * hidden, clip);
  parts.sam.writeAt(firstRow * samChannels, sam);
}

function checkStorage(ctx: GpuContext, dtype: StorageType): void {
  if (dtype === 'f16' && !ctx.features.shaderF16) {
    throw new UnsupportedFeatureError('shader-f16', 'Use f32 storage on this adapter.');
  }
}

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
    /** The configuration and the host copies: all tensors when uploaded from the host, the small ones when streamed. */
    readonly host: EncoderWeights,
    private readonly shared: SharedTensors,
    readonly samPosEmbed: Tensor,
    readonly relPos: Array<{ grid: number; tableH: Tensor; tableW: Tensor }>,
    readonly clipPosEmbed: Tensor,
  ) {}

  /** Uploads weights held on the host (tests, random weights, the TS reference's weights). */
  static upload(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): GpuEncoderWeights {
    checkStorage(ctx, dtype);
    const { config } = weights;
    const tensors = new Map<string, Tensor>();
    const projector = projectorParts(ctx, config, dtype);
    for (const [name, shape] of encoderTensorShapes(config)) {
      if (isSizeDependent(name) || name === PROJECTOR) continue;
      tensors.set(name, Tensor.from(ctx, weights.get(name), matrixShape(shape), dtype));
    }
    writeProjectorRows(projector, 0, weights.get(PROJECTOR));
    return GpuEncoderWeights.forSize(ctx, dtype, weights, new SharedTensors(tensors, projector.clip, projector.sam));
  }

  /**
   * Streams the encoder's tensors from a checkpoint straight into GPU buffers, a few MiB at a
   * time (BF16 / F16 / F32 converted per chunk): the host never holds a whole tensor, let alone
   * the f32 model (1.6 GB). Only small tensors stay on the host: the size-dependent ones (for
   * resizing) and the newline / separator rows. Every missing or mis-shaped tensor is reported
   * before any data is read.
   */
  static async stream(
    ctx: GpuContext,
    reader: SafetensorsReader,
    config: EncoderConfig,
    dtype: StorageType = 'f32',
    onProgress?: (progress: LoadProgress) => void,
  ): Promise<GpuEncoderWeights> {
    checkStorage(ctx, dtype);
    const shapes = checkEncoderTensors(reader, config);
    const host = new Map<string, HostTensor>();
    const tensors = new Map<string, Tensor>();
    const projector = projectorParts(ctx, config, dtype);
    const shared = new SharedTensors(tensors, projector.clip, projector.sam);
    try {
      let loaded = 0;
      for (const [name, shape] of shapes) {
        if (keptOnHost(name)) {
          const tensor = await reader.readFloat32(name);
          host.set(name, tensor);
          if (!isSizeDependent(name)) tensors.set(name, Tensor.from(ctx, tensor.data, tensor.shape, dtype));
        } else if (name === PROJECTOR) {
          await streamTensorRows(reader, name, shape[1], (row, values) => writeProjectorRows(projector, row, values));
        } else {
          const tensor = Tensor.empty(ctx, matrixShape(shape), dtype);
          tensors.set(name, tensor);
          await streamTensorRows(reader, name, 1, (offset, values) => tensor.writeAt(offset, values));
        }
        onProgress?.({ loaded: ++loaded, total: shapes.size, name });
      }
    } catch (error) {
      shared.release();
      throw error;
    }
    return GpuEncoderWeights.forSize(ctx, dtype, new EncoderWeights(config, host), shared);
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
