import { CommandBatch, Tensor, axpbyProgram, layerNormProgram, matmulProgram, type GpuContext, type KernelTiming, type MatmulOptions } from '@opticspace/gpu';
import { im2colProgram, im2colShape, type Im2colGeometry } from '../kernels/im2col';

/**
 * Records the layers of one forward pass into a CommandBatch. Every layer allocates its output
 * from the pool and never writes buffers from the host, so inputs may be disposed as soon as
 * their last reader is recorded: commands run in recording order, and a reused buffer is only
 * rewritten after its earlier readers.
 */
export class LayerRecorder {
  batch: CommandBatch;
  /** Per-kernel GPU times of every submit so far (profiling contexts only). */
  readonly timings: KernelTiming[] = [];
  /** Activations allocated by this recorder and not yet released. */
  private readonly live = new Set<Tensor>();

  constructor(
    readonly ctx: GpuContext,
    readonly dtype: 'f32' | 'f16',
  ) {
    this.batch = new CommandBatch(ctx);
  }

  /**
   * Submits what was recorded so far. Inside an outer ctx.checked() this returns without
   * waiting for the GPU (unless profiling), so recording goes on while the GPU runs.
   */
  async flush(): Promise<void> {
    if (this.batch.size > 0) this.timings.push(...(await this.batch.submit()));
  }

  empty(shape: number[]): Tensor {
    const tensor = Tensor.empty(this.ctx, shape, this.dtype);
    this.live.add(tensor);
    return tensor;
  }

  /** Returns activations to the pool once their last reader is recorded. */
  release(...tensors: Tensor[]): void {
    for (const tensor of tensors) {
      tensor.dispose();
      this.live.delete(tensor);
    }
  }

  /** Releases everything still held (end of a pass, or after an error). */
  releaseAll(): void {
    this.release(...this.live);
  }

  /**
   * y [rows, out] = act(x [rows, in] W^T + bias) + residual, W stored [out, in] as in the
   * checkpoint; the activation and the residual (a skip connection) run in the matmul's epilogue.
   */
  linear(x: Tensor, weight: Tensor, bias?: Tensor, epilogue: Pick<MatmulOptions, 'activation' | 'residual'> = {}): Tensor {
    const out = this.empty([x.shape[0], weight.shape[0]]);
    this.batch.dispatch(matmulProgram(this.ctx, x, weight, out, { transposeB: true, bias, ...epilogue }));
    return out;
  }

  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    const out = this.empty([...x.shape]);
    this.batch.dispatch(layerNormProgram(this.ctx, x, gamma, beta, eps, out));
    return out;
  }

  /**
   * The pre-norm MLP half of a transformer block, shared by SAM and CLIP:
   * h + fc2(act(fc1(norm(h)))), the activation and the skip connection fused into the two
   * matmuls. Releases every intermediate; `h` stays owned by the caller.
   */
  residualMlp(
    h: Tensor,
    norm: { weight: Tensor; bias: Tensor; eps: number },
    fc1: { weight: Tensor; bias: Tensor },
    fc2: { weight: Tensor; bias: Tensor },
    activation: 'gelu' | 'quickGelu',
  ): Tensor {
    const normed = this.layerNorm(h, norm.weight, norm.bias, norm.eps);
    const hidden = this.linear(normed, fc1.weight, fc1.bias, { activation });
    this.release(normed);
    const out = this.linear(hidden, fc2.weight, fc2.bias, { residual: h });
    this.release(hidden);
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    const out = this.empty([...a.shape]);
    this.batch.dispatch(axpbyProgram(a, b, out, 1, 1));
    return out;
  }

  /** Convolution as im2col + matmul against a weight [out, in * k * k]; output [outH * outW, out] (+ residual). */
  convolution(x: Tensor, geometry: Im2colGeometry, weight: Tensor, bias?: Tensor, residual?: Tensor): Tensor {
    const columns = this.empty(im2colShape(geometry));
    this.batch.dispatch(im2colProgram(this.ctx, x, columns, geometry));
    const out = this.linear(columns, weight, bias, { residual });
    this.release(columns);
    return out;
  }
}
