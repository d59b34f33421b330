// CommonJS: tsc compiles these imports to require(), which loads opticspace's ES modules on
// Node >= 20.19 (require(esm)). Older Node: use `await import('opticspace')` instead.
import { EnergyIndex, getDevice, SeededRandom } from 'opticspace';
import { BytesWeightSource, SafetensorsReader, writeSafetensors } from 'opticspace/encoder';

async function main(): Promise<void> {
  const ctx = await getDevice();
  try {
    const vectors = new SeededRandom(1).normalArray(200 * 8, 1);
    const index = await EnergyIndex.build(vectors, { dimension: 8, seed: 1, backend: 'webgpu' });
    const hits = await index.search(vectors.slice(5 * 8, 6 * 8), { k: 3, method: 'cosine' });
    const file = writeSafetensors({ bias: { shape: [3], data: new Float32Array([0.5, -1, 2]) } });
    const tensor = await (await SafetensorsReader.open(new BytesWeightSource(file))).readFloat32('bias');
    console.log(JSON.stringify({ adapter: ctx.adapterName, backend: index.backend.kind, hits, tensor: [...tensor.data] }));
    index.dispose();
  } finally {
    ctx.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
