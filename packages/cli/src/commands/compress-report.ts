/**
 * `opticspace compress-report --text FILE --mode M [--json] [--weights PATH|URL]`: renders a
 * text on pages for a DeepSeek-OCR resolution mode and prints the optical compression
 * metrics (patches in / tokens out, words per vision token, Shannon entropies of the text,
 * the page pixels and, with weights, the vision-token values).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FileWeightSource,
  SafetensorsReader,
  encoderConfigForMode,
  loadEncoderWeights,
  type EncoderConfig,
  type WeightSource,
} from '@opticspace/encoder';
import {
  RESOLUTION_MODE_NAMES,
  compressionReport,
  createNodeCanvasFactory,
  encodePreparedImage,
  formatCompressionReport,
  gpuViewEncoder,
  prepareText,
  referenceViewEncoder,
  streamCheckpoint,
  type ResolutionModeName,
  type ViewEncoder,
} from '@opticspace/optical';
import { getDevice } from '@opticspace/gpu';
import { parseArgs, UsageError, withUsage } from '../args';

export const usage = `compress-report: optical compression metrics of a text rendered for DeepSeek-OCR
usage: opticspace compress-report --text FILE [--mode tiny|small|base|large|gundam] [--json]
                                  [--font-size PX] [--save-pages DIR] [--weights FILE|URL] [--device gpu|cpu] [--bins N]
  --text FILE        plain-text file to render ('-' reads stdin)
  --mode M           resolution mode (default base); sets the page size and font size
  --json             print the report as JSON
  --font-size PX     override the mode's font size
  --save-pages DIR   also write the rendered pages as PNG files
  --weights PATH     DeepSeek-OCR safetensors (file or http(s) URL, fetched with Range requests):
                     runs the encoder and adds the vision-token entropy
  --device D         gpu (default: WebGPU DeepEncoder, f32) or cpu (TypeScript reference forward:
                     minutes per view at full size); gpu falls back to cpu when no adapter exists
  --encoder-config F JSON EncoderConfig for reduced test checkpoints (default: full DeepEncoder)
  --bins N           histogram bins for the vision-token entropy (default 256)`;

const spec = {
  text: { type: 'string' },
  mode: { type: 'string', default: 'base', choices: RESOLUTION_MODE_NAMES },
  json: { type: 'boolean' },
  fontSize: { type: 'number' },
  savePages: { type: 'string' },
  weights: { type: 'string' },
  bins: { type: 'integer', default: 256 },
  device: { type: 'string', default: 'gpu', choices: ['gpu', 'cpu'] },
  encoderConfig: { type: 'string' },
} as const;

async function readText(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --text file '${path}': ${(error as Error).message}`);
  }
}

async function openWeights(location: string): Promise<WeightSource> {
  if (/^https?:\/\//.test(location)) {
    let last = -1;
    const streamed = await streamCheckpoint(location, {
      onProgress: ({ loadedBytes, totalBytes }) => {
        const percent = Math.floor((100 * loadedBytes) / totalBytes);
        if (percent !== last && percent % 10 === 0) console.error(`weights: ${percent}% of ${(totalBytes / 1e6).toFixed(1)} MB`);
        last = percent;
      },
    });
    return streamed.source;
  }
  return FileWeightSource.open(location);
}

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options } = parseArgs(argv, spec);
    if (!options.text) throw new UsageError('--text FILE is required');
    const mode = options.mode as ResolutionModeName;
    const text = await readText(options.text);
    const factory = await createNodeCanvasFactory();
    const { pages, views } = prepareText(text, mode, factory, options.fontSize ? { fontSize: options.fontSize } : {});

    if (options.savePages) {
      await mkdir(options.savePages, { recursive: true });
      for (const page of pages) {
        await writeFile(join(options.savePages, `page-${page.pageIndex + 1}.png`), await factory.encodePng(page.image));
      }
    }

    let tokens: Float32Array | undefined;
    if (options.weights) {
      const source = await openWeights(options.weights);
      const reader = await SafetensorsReader.open(source);
      // The view encoder re-targets the input side per view (Gundam: 640 crops, 1024 global).
      const config = options.encoderConfig
        ? (JSON.parse(await readFile(options.encoderConfig, 'utf8')) as EncoderConfig)
        : encoderConfigForMode(mode);
      const weights = await loadEncoderWeights(reader, config);
      await source.close?.();
      let encoder: ViewEncoder & { dispose?: () => void } = referenceViewEncoder(weights);
      if (options.device === 'gpu') {
        try {
          encoder = gpuViewEncoder(await getDevice(), weights);
        } catch (error) {
          console.error(`no WebGPU device (${(error as Error).message}); using the CPU reference encoder`);
        }
      }
      const parts: Float32Array[] = [];
      try {
        for (const [index, view] of views.entries()) {
          console.error(`encoding page ${index + 1} of ${views.length} (${1 + view.crops.length} view(s))`);
          parts.push((await encodePreparedImage(view, encoder)).tokens);
        }
      } finally {
        encoder.dispose?.();
      }
      tokens = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        tokens.set(part, offset);
        offset += part.length;
      }
    }

    const report = compressionReport(
      text,
      mode,
      pages.map((p) => p.image),
      tokens ? { values: tokens, bins: options.bins } : undefined,
    );
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatCompressionReport(report));
    return 0;
  });
}
