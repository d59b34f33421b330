import { Tensor, type GpuContext, type KernelTiming } from '@opticspace/gpu';
import { encoderGeometry, type EncoderConfig } from '../config';
import { globalViewLayoutProgram } from '../kernels/global-view-layout';
import type { EncoderWeights } from '../weights/encoder-weights';
import { clipBlockGpu, clipEmbedGpu } from './clip-gpu';
import { GpuEncoderWeights, type StorageType } from './gpu-weights';
import { LayerRecorder } from './layers-gpu';
import { checkFiniteOutput, checkPixels } from './pixels';
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
 * DeepEncoder on WebGPU for one global view. Activations stay on the GPU from the pixel upload
 * to the token read-back; one submit per transformer block keeps command buffers small.
 */
export class DeepEncoderGpu {
  private constructor(
    readonly ctx: GpuContext,
    readonly config: EncoderConfig,
    readonly weights: GpuEncoderWeights,
  ) {}

  static create(ctx: GpuContext, weights: EncoderWeights, dtype: StorageType = 'f32'): DeepEncoderGpu {
    encoderGeometry(weights.config);
    return new DeepEncoderGpu(ctx, weights.config, GpuEncoderWeights.upload(ctx, weights, dtype));
  }

  /**
   * An encoder for another input size (e.g. Gundam's 640 crops next to the 1024 global view)
   * sharing this one's size-independent GPU weights; dispose each encoder separately.
   */
  withImageSize(imageSize: number): DeepEncoderGpu {
    const weights = this.weights.withImageSize(imageSize);
    return new DeepEncoderGpu(this.ctx, weights.host.config, weights);
  }

  get dtype(): StorageType {
    return this.weights.dtype;
  }

  /** Encodes normalised pixels [3, S, S] (values in [-1, 1]). */
  async encode(pixels: Float32Array, options: EncodeOptions = {}): Promise<EncodeResult> {
    const { config, ctx, weights } = this;
    checkPixels(pixels, config.imageSize);
    const geometry = encoderGeometry(config);
    const timings: KernelTiming[] = [];
    const r = new LayerRecorder(ctx, this.dtype);
    const flush = async () => {
      timings.push(...(await r.batch.submit()));
    };
    const input = Tensor.from(ctx, pixels, [3, config.imageSize, config.imageSize], this.dtype);
    try {
      let x = samEmbedGpu(r, input, weights, config);
      for (let i = 0; i < config.sam.depth; i++) {
        const next = samBlockGpu(r, x, i, weights, config);
        r.release(x);
        x = next;
        await flush();
      }
      const samFeatures = samNeckGpu(r, x, weights, config);
      r.release(x);
      let clip = clipEmbedGpu(r, samFeatures, weights, config);
      for (let i = 0; i < config.clip.depth; i++) {
        const next = clipBlockGpu(r, clip, i, weights, config);
        r.release(clip);
        clip = next;
        await flush();
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
      await flush();
      return {
        tokens: checkFiniteOutput(await tokens.readFloat32(), 'token'),
        tokenCount: geometry.tokenCount,
        sam: options.returnSam ? checkFiniteOutput(await samFeatures.readFloat32(), 'SAM feature') : undefined,
        clip: options.returnClip ? checkFiniteOutput(await clip.readFloat32(), 'CLIP feature') : undefined,
        timings,
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
