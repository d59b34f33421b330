// Node ESM: WebGPU comes from Dawn (the `webgpu` package), loaded by opticspace on first use.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnergyIndex, getDevice, SeededRandom } from 'opticspace';
import { FileWeightSource, SafetensorsReader, writeSafetensors } from 'opticspace/encoder';

const ctx = await getDevice();
const folder = await mkdtemp(join(tmpdir(), 'opticspace-example-'));
try {
  // The plain HTML example's data: 8 clusters of 150 points in 64 dimensions, same seeds.
  const dims = 64;
  const clusters = 8;
  const items = 1200;
  const random = new SeededRandom(7);
  const centres = random.normalArray(clusters * dims, 1);
  const vectors = new Float32Array(items * dims);
  for (let i = 0; i < items; i++) {
    for (let d = 0; d < dims; d++) vectors[i * dims + d] = centres[(i % clusters) * dims + d] + 0.3 * random.normal();
  }
  const index = await EnergyIndex.build(vectors, { dimension: dims, seed: 1, backend: 'webgpu' });
  const query = centres.slice(3 * dims, 4 * dims);
  const cosine = await index.search(query, { k: 5, method: 'cosine' });
  const hybrid = await index.search(query, { k: 5, method: 'hybrid' });
  const path = join(folder, 'clusters.opsx');
  await index.save(path); // temporary file + rename: a killed save never leaves half a file
  const reloaded = await EnergyIndex.load(path);
  const again = await reloaded.search(query, { k: 5, method: 'hybrid' });

  // A checkpoint on disk, read by byte ranges (DeepEncoder's weights load the same way).
  const weights = join(folder, 'tiny.safetensors');
  await writeFile(weights, writeSafetensors({ 'layer.weight': { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } }));
  const source = await FileWeightSource.open(weights);
  const tensor = await (await SafetensorsReader.open(source)).readFloat32('layer.weight');
  await source.close();

  console.log(JSON.stringify({ adapter: ctx.adapterName, backend: index.backend.kind, cosine, hybrid, reloaded: again, tensor: { shape: tensor.shape, data: [...tensor.data] } }));
  index.dispose();
  reloaded.dispose();
} finally {
  ctx.dispose(); // lets the process exit
  await rm(folder, { recursive: true, force: true });
}
