/**
 * `opticspace encode`: DeepEncoder tokens for one global view from a checkpoint and pixels.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { getDevice } from '@opticspace/gpu';
import {
  FileWeightSource,
  MODE_IMAGE_SIZE,
  encoderConfigForMode,
  encoderGeometry,
  openDeepEncoder,
  parseNpy,
  pixelsFromArray,
  writeNpy,
  type EncoderConfig,
  type EncoderMode,
} from '@opticspace/encoder';
import { UsageError, parseArgs, withUsage } from '../args';

export const usage = `encode: DeepSeek-OCR DeepEncoder tokens for one global view (WebGPU)

usage: opticspace encode --weights FILE.safetensors --pixels FILE.npy --mode tiny|small|base|large --out TOKENS.npy
                         [--f16] [--dump-sam F.npy] [--dump-clip F.npy] [--config CONFIG.json]

  --weights    safetensors checkpoint holding model.sam_model.*, model.vision_model.*,
               model.projector.*, model.image_newline, model.view_seperator (only these are read)
  --pixels     float32 .npy, [3,S,S] or [1,3,S,S], normalised to [-1, 1] (mean 0.5, std 0.5);
               S = 512 tiny, 640 small, 1024 base, 1280 large
  --mode       input size / native-resolution mode (default base)
  --out        output .npy: float32 [tokens, 1280]; tokens = g*(g+1)+1 with g = S/64
  --f16        f16 storage on the GPU (needs shader-f16; default f32)
  --dump-sam   also write SAM's output features [g, g, 1024] (channels-last)
  --dump-clip  also write CLIP's output [g*g+1, 1024] (class token first)
  --config     JSON EncoderConfig for reduced test models (overrides --mode)`;

const spec = {
  weights: { type: 'string' },
  pixels: { type: 'string' },
  mode: { type: 'string', choices: Object.keys(MODE_IMAGE_SIZE), default: 'base' },
  out: { type: 'string' },
  f16: { type: 'boolean' },
  dumpSam: { type: 'string' },
  dumpClip: { type: 'string' },
  config: { type: 'string' },
} as const;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    for (const name of ['weights', 'pixels', 'out'] as const) {
      if (!options[name]) throw new UsageError(`--${name} is required`);
    }
    const config: EncoderConfig = options.config
      ? (JSON.parse(await readFile(options.config, 'utf8')) as EncoderConfig)
      : encoderConfigForMode(options.mode as EncoderMode);
    const geometry = encoderGeometry(config);
    const pixels = pixelsFromArray(parseNpy(new Uint8Array(await readFile(options.pixels!))), config.imageSize);
    const ctx = await getDevice();
    const source = await FileWeightSource.open(options.weights!);
    const started = performance.now();
    let encoder;
    try {
      encoder = await openDeepEncoder(ctx, source, { config, dtype: options.f16 ? 'f16' : 'f32' });
    } finally {
      await source.close();
    }
    const loaded = performance.now();
    try {
      const result = await encoder.encode(pixels, { returnSam: !!options.dumpSam, returnClip: !!options.dumpClip });
      await writeFile(options.out!, writeNpy(result.tokens, [result.tokenCount, config.projectorDim]));
      if (options.dumpSam) await writeFile(options.dumpSam, writeNpy(result.sam!, [geometry.clipGrid, geometry.clipGrid, config.sam.net3Channels]));
      if (options.dumpClip) await writeFile(options.dumpClip, writeNpy(result.clip!, [geometry.clipGrid ** 2 + 1, config.clip.hidden]));
      const finished = performance.now();
      console.log(
        `encoded ${config.imageSize}x${config.imageSize} -> ${result.tokenCount} tokens x ${config.projectorDim} (${encoder.dtype}) ` +
          `on ${ctx.adapterName}: load ${((loaded - started) / 1000).toFixed(2)} s, forward ${((finished - loaded) / 1000).toFixed(2)} s -> ${options.out}`,
      );
    } finally {
      encoder.dispose();
    }
    return 0;
  });
}
