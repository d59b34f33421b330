import { Tensor, type GpuContext, type KernelTiming } from '@opticspace/gpu';
import { encoderGeometry, type EncoderConfig } from '../config';
import { globalViewLayoutProgram } from '../kernels/global-view-layout';
import type { EncoderWeights } from '../weights/encoder-weights';
import { clipBlockGpu, clipEmbedGpu } from './clip-gpu';
import { GpuEncoderWeights, type StorageType } from './gpu-weights';
import { LayerRecorder } from './layers-gpu';
import { checkFiniteOutput, checkPixelCount, checkPixelValues } from './pixels';
import { samBlockGpu, samEmbedGpu, samNeckGpu } from './sam-gpu';

export interface EncodeOptions {
  /** Also read back SAM's output features [clipGrid, clipGrid, net3Channels] (channels-last). */
  returnSam?: boolean;
  /** Also read back CLIP's output [clipGrid^2 + 1, hidden] (class token first). */
  returnClip?: boolean;
}

export interface EncodeResult {
  /** [tokenCount, projectorDim] row-major. */
  tokens: Float32Array;
  tokenCount: number;
  sam?: Float32Array;
  clip?: Float32Array;
  /** Per-kernel GPU times when the context was created with profiling. */
  timings: KernelTiming[];
}

/**
 * Transformer blocks recorded per submit: the first submit starts the GPU early, and later
 * ones are recorded while it runs. (With profiling, each submit also stays under the batch's
 * limit of timed launches: a SAM block is 8 to 10 launches, a CLIP block 7.)
 */
const BLOCKS_PER_SUBMIT = 6;

/**
 * DeepEncoder on WebGPU for one global view. Activations stay on the GPU (pooled buffers) from
 * the pixel upload to the token read-back; the whole pass runs inside one ctx.checked() (error
 * scopes once) in a few submits (see BLOCKS_PER_SUBMIT).
 */
export class DeepEncoderGpu {
  private constructor(
    readonly ctx: GpuContext,
    readonly config: EncoderConfig,
    readonly weights: GpuEncoderWeights,
  ) {}

  static create(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): DeepEncoderGpu {
    encoderGeometry(weights.config);
    return DeepEncoderGpu.fromWeights(GpuEncoderWeights.upload(ctx, weights, dtype));
  }

  /** An encoder on weights already on the GPU (e.g. streamed from a checkpoint: openDeepEncoder). */
  static fromWeights(weights: GpuEncoderWeights): DeepEncoderGpu {
    return new DeepEncoderGpu(weights.ctx, weights.host.config, weights);
  }

  /**
   * An encoder for another input size (e.g. Gundam's 640 crops next to the 1024 global view)
   * sharing this one's size-independent GPU weights; dispose each encoder separately.
   */
  withImageSize(imageSize: number): DeepEncoderGpu {
    return DeepEncoderGpu.fromWeights(this.weights.withImageSize(imageSize));
  }

  get dtype(): StorageType {
    return this.weights.dtype;
  }

  /** Encodes normalised pixels [3, S, S] (values in [-1, 1]). */
  async encode(pixels: Float32Array, options: EncodeOptions = {}): Promise<EncodeResult> {
    checkPixelCount(pixels, this.config.imageSize);
    return this.ctx.checked(() => this.forward(pixels, options));
  }

  private async forward(pixels: Float32Array, options: EncodeOptions): Promise<EncodeResult> {
    const { config, ctx, weights } = this;
    const geometry = encoderGeometry(config);
    const r = new LayerRecorder(ctx, this.dtype);
    const input = Tensor.from(ctx, pixels, [3, config.imageSize, config.imageSize], this.dtype);
    try {
      let x = samEmbedGpu(r, input, weights, config);
      for (let i = 0; i < config.sam.depth; i++) {
        const next = samBlockGpu(r, x, i, weights, config);
        r.release(x);
        x = next;
        if (i % BLOCKS_PER_SUBMIT === 0) await r.flush();
        // Checked while the GPU runs the first block (off the critical path); bad pixels still fail the call.
        if (i === 0) checkPixelValues(pixels, config.imageSize);
      }
      const samFeatures = samNeckGpu(r, x, weights, config);
      r.release(x);
      let clip = clipEmbedGpu(r, samFeatures, weights, config);
      for (let i = 0; i < config.clip.depth; i++) {
        if (i % BLOCKS_PER_SUBMIT === 0) await r.flush();
        const next = clipBlockGpu(r, clip, i, weights, config);
        r.release(clip);
        clip = next;
      }
      // projector(concat(clip[1:], sam)) == clip @ W_clip^T + sam @ W_sam^T + bias, summed in the layout kernel.
      const clipProjected = r.linear(clip, weights.projectorClip);
      const samProjected = r.linear(samFeatures, weights.projectorSam);
      const tokens = r.empty([geometry.tokenCount, config.projectorDim]);
      r.batch.dispatch(
        globalViewLayoutProgram(
          ctx,
          {
            clipProjected,
            samProjected,
            bias: weights.get('model.projector.layers.bias'),
            newline: weights.get('model.image_newline'),
            separator: weights.get('model.view_seperator'),
          },
          tokens,
          geometry.clipGrid,
          config.projectorDim,
        ),
      );
      await r.flush();
      return {
        tokens: checkFiniteOutput(await tokens.readFloat32(), 'token'),
        tokenCount: geometry.tokenCount,
        sam: options.returnSam ? checkFiniteOutput(await samFeatures.readFloat32(), 'SAM feature') : undefined,
        clip: options.returnClip ? checkFiniteOutput(await clip.readFloat32(), 'CLIP feature') : undefined,
        timings: r.timings,
      };
    } finally {
      input.dispose();
      r.releaseAll();
    }
  }

  dispose(): void {
    this.weights.dispose();
  }
}
