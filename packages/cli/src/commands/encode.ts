/**
 * `opticspace encode`: DeepEncoder tokens from a checkpoint and either normalised pixels (one
 * global view) or an image file (preprocessed as DeepSeek-OCR does, Gundam crops included).
 */
import { getDevice, InvalidInputError, type GpuContext } from '@opticspace/gpu';
import {
  FileWeightSource,
  RESOLUTION_MODE_NAMES,
  SafetensorsReader,
  checkEncoderTensors,
  encoderConfigForMode,
  encoderGeometry,
  openDeepEncoder,
  parseNpy,
  pixelsFromArray,
  writeNpy,
  type DeepEncoderGpu,
  type EncoderConfig,
} from '@opticspace/encoder';
import { decodeImage, encodePreparedImage, gpuViewEncoder, prepareImage, type ResolutionModeName } from '@opticspace/optical';
import { UsageError, parseArgs, withUsage } from '../args';
import { checkOutputFile, readInput, readTextInput, writeOutput } from '../files';

export const usage = `encode: DeepSeek-OCR DeepEncoder vision tokens from normalised pixels or a PNG/JPEG page (WebGPU)

usage: opticspace encode --weights FILE.safetensors --pixels FILE.npy --mode tiny|small|base|large --out TOKENS.npy
                         [--f16] [--dump-sam F.npy] [--dump-clip F.npy] [--config CONFIG.json]
       opticspace encode --weights FILE.safetensors --image PAGE.png|jpg --mode tiny|small|base|large|gundam --out TOKENS.npy [--f16]

  --weights    safetensors checkpoint holding model.sam_model.*, model.vision_model.*,
               model.projector.*, model.image_newline, model.view_seperator (only these are read)
  --image      PNG or JPEG, preprocessed like DeepSeek-OCR's image_process.py (resize/pad per mode;
               gundam: 640 local crops + 1024 global view, tokens local, global, separator)
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
  image: { type: 'string' },
  mode: { type: 'string', choices: RESOLUTION_MODE_NAMES, default: 'base' },
  out: { type: 'string' },
  f16: { type: 'boolean' },
  dumpSam: { type: 'string' },
  dumpClip: { type: 'string' },
  config: { type: 'string' },
} as const;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    for (const name of ['weights', 'out'] as const) {
      if (!options[name]) throw new UsageError(`--${name} is required`);
    }
    if (!options.pixels === !options.image) throw new UsageError('give exactly one of --pixels or --image');
    if (!options.image && options.mode === 'gundam') throw new UsageError('--mode gundam needs --image (it crops the page itself)');
    // Every output is checked before the weights are read and the forward pass runs.
    for (const path of [options.out, options.dumpSam, options.dumpClip]) if (path) await checkOutputFile(path);
    if (options.image) return encodeImage(options.image, options.weights!, options.out!, options.mode as ResolutionModeName, options);
    const config = options.config ? await readEncoderConfig(options.config) : encoderConfigForMode(options.mode as ResolutionModeName);
    const geometry = encoderGeometry(config);
    const pixels = pixelsFromArray(parseNpy(await readInput(options.pixels!, '--pixels')), config.imageSize);
    const started = performance.now();
    const { ctx, encoder } = await openEncoder(options.weights!, config, !!options.f16);
    const loaded = performance.now();
    try {
      const result = await encoder.encode(pixels, { returnSam: !!options.dumpSam, returnClip: !!options.dumpClip });
      await writeOutput(options.out!, writeNpy(result.tokens, [result.tokenCount, config.projectorDim]));
      if (options.dumpSam) await writeOutput(options.dumpSam, writeNpy(result.sam!, [geometry.clipGrid, geometry.clipGrid, config.sam.net3Channels]));
      if (options.dumpClip) await writeOutput(options.dumpClip, writeNpy(result.clip!, [geometry.clipGrid ** 2 + 1, config.clip.hidden]));
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

/** `--image`: decode, preprocess (views + token layout), encode every view, lay tokens out. */
async function encodeImage(
  imagePath: string,
  weightsPath: string,
  outPath: string,
  mode: ResolutionModeName,
  options: { f16?: boolean; config?: string },
): Promise<number> {
  const prepared = prepareImage(await decodeImage(await readInput(imagePath, '--image')), mode);
  // Gundam's views are 640 crops and a 1024 global view: the global view's config loads the weights once.
  const config = options.config ? await readEncoderConfig(options.config) : encoderConfigForMode(mode);
  const started = performance.now();
  const { ctx, encoder } = await openEncoder(weightsPath, config, !!options.f16);
  const viewEncoder = gpuViewEncoder(ctx, encoder);
  try {
    const encoded = await encodePreparedImage(prepared, viewEncoder);
    await writeOutput(outPath, writeNpy(encoded.tokens, [prepared.layout.total, encoded.dims]));
    console.log(
      `encoded ${imagePath} (${mode}: ${prepared.crops.length} local crops + global view) -> ${prepared.layout.total} tokens x ${encoded.dims} ` +
        `on ${ctx.adapterName} in ${((performance.now() - started) / 1000).toFixed(2)} s -> ${outPath}`,
    );
  } finally {
    viewEncoder.dispose();
  }
  return 0;
}

/**
 * The encoder on the GPU from a safetensors file. The checkpoint's header is checked against the
 * configuration before the GPU device is opened (a bad file fails fast); then only the encoder's
 * tensors stream into GPU buffers, each checked for NaN and Infinity on the way.
 */
async function openEncoder(path: string, config: EncoderConfig, f16: boolean): Promise<{ ctx: GpuContext; encoder: DeepEncoderGpu }> {
  const source = await FileWeightSource.open(path);
  try {
    checkEncoderTensors(await SafetensorsReader.open(source), config);
    const ctx = await getDevice();
    return { ctx, encoder: await openDeepEncoder(ctx, source, { config, dtype: f16 ? 'f16' : 'f32' }) };
  } finally {
    await source.close();
  }
}

/** A JSON EncoderConfig file (--config), with every field checked. */
async function readEncoderConfig(path: string): Promise<EncoderConfig> {
  const text = await readTextInput(path, '--config');
  let config: EncoderConfig;
  try {
    config = JSON.parse(text) as EncoderConfig;
  } catch (error) {
    throw new InvalidInputError(`--config ${path} is not valid JSON (${(error as Error).message})`);
  }
  try {
    encoderGeometry(config);
  } catch (error) {
    throw new InvalidInputError(`--config ${path}: ${(error as Error).message}`);
  }
  return config;
}
