// The umbrella's entry points one by one: each pulls in only its own package.
import { getDevice, SeededRandom } from 'opticspace/gpu';
import { EnergyIndex } from 'opticspace/index';
import { BlobWeightSource, FileWeightSource, SafetensorsReader, writeSafetensors, type WeightSource } from 'opticspace/encoder';

/** A checkpoint from a path (Node) or a File / Blob (browser): the same code runs in both. */
async function openWeights(from: string | Blob): Promise<WeightSource> {
  return typeof from === 'string' ? FileWeightSource.open(from) : new BlobWeightSource(from);
}

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const output = document.querySelector<HTMLPreElement>('#output')!;
const lines: string[] = [];

const ctx = await getDevice().catch(() => null);
lines.push(ctx ? `WebGPU adapter: ${ctx.adapterName}` : 'no WebGPU here: the index runs on its TypeScript backend');

// 200 random points in 8 dimensions; the query is item 5 itself.
const vectors = new SeededRandom(1).normalArray(200 * 8, 1);
const index = await EnergyIndex.build(vectors, { dimension: 8, seed: 1, backend: ctx ? 'webgpu' : 'cpu' });
const [best] = await index.search(vectors.slice(5 * 8, 6 * 8), { k: 1, method: 'cosine' });
const backend = index.backend.kind;
lines.push(`nearest to item 5 by cosine on ${backend}: item ${best.index}`);
index.dispose();

// A small safetensors file, read back through the range reader that loads DeepEncoder weights.
const file = writeSafetensors({ 'layer.weight': { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } });
const reader = await SafetensorsReader.open(await openWeights(new Blob([file as BlobPart])));
const tensor = await reader.readFloat32('layer.weight');
lines.push(`read layer.weight ${JSON.stringify(tensor.shape)}: ${[...tensor.data].join(', ')}`);
// A path is Node's: here FileWeightSource refuses it with a message that says what to use.
lines.push(await openWeights('weights.safetensors').then(() => 'opened a path?', (error: Error) => error.message));

output.textContent = lines.join('\n');
status.textContent = 'Done.';
(window as unknown as { __example: unknown }).__example = { lines, backend };
