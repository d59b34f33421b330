import { describe, expect, it } from 'vitest';
import { SeededRandom, Tensor, roundToFloat16 } from '@opticspace/gpu';
import { expectClose, useGpu } from '@opticspace/gpu/testing';
import {
  BytesWeightSource,
  DeepEncoderGpu,
  GpuEncoderWeights,
  MissingTensorError,
  SafetensorsReader,
  decodeToFloat32,
  encoderTensorShapes,
  loadEncoderWeights,
  openDeepEncoder,
  writeSafetensors,
  type WeightSource,
} from '../../src';
import { streamTensorRows } from '../../src/model/checkpoint-stream';
import { loadFixture, relativeError } from '../fixture';
import { countLiveBuffers } from '../live-buffers';

/** A source that records every byte range read. */
function recording(inner: WeightSource): WeightSource & { ranges: Array<[number, number]> } {
  const ranges: Array<[number, number]> = [];
  return { size: inner.size, ranges, readRange: (begin, end) => (ranges.push([begin, end]), inner.readRange(begin, end)) };
}

describe('decodeToFloat32 (typed-array and DataView paths)', () => {
  it('decodes F32, F16 and BF16 the same at aligned and unaligned offsets', () => {
    const values = new SeededRandom(4).uniformArray(37, -300, 300);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const file = writeSafetensors({ x: { shape: [37], data: values, dtype } });
      const raw = file.subarray(file.byteLength - 37 * (dtype === 'F32' ? 4 : 2));
      const aligned = decodeToFloat32(raw.slice(), dtype);
      const shifted = new Uint8Array(raw.byteLength + 1);
      shifted.set(raw, 1);
      expect(Array.from(decodeToFloat32(shifted.subarray(1), dtype))).toEqual(Array.from(aligned));
      const expected = dtype === 'F32' ? values : dtype === 'F16' ? roundToFloat16(values) : null;
      if (expected) expect(Array.from(aligned)).toEqual(Array.from(expected));
      else for (let i = 0; i < 37; i++) expect(Math.abs(aligned[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -8);
    }
  });
});

describe('weights streamed from a checkpoint into GPU buffers', () => {
  const gpu = useGpu('encoder weight streaming');

  for (const dtype of ['f32', 'f16'] as const) {
    it(`streamTensorRows uploads a tensor in even-row blocks (${dtype}, odd total length)`, async () => {
      const values = new SeededRandom(11).uniformArray(7 * 9, -2, 2); // 7 rows of 9: blocks of 2 rows, last block 1 row
      const file = writeSafetensors({ w: { shape: [7, 9], data: values, dtype: 'BF16' } });
      const source = recording(new BytesWeightSource(file));
      const reader = await SafetensorsReader.open(source);
      const tensor = Tensor.empty(gpu(), [7, 9], dtype);
      const firstRows: number[] = [];
      await streamTensorRows(reader, 'w', 9, (row, block) => (firstRows.push(row), tensor.writeAt(row * 9, block)), 20);
      expect(firstRows).toEqual([0, 2, 4, 6]);
      const info = reader.info('w');
      expect(source.ranges.slice(2)).toEqual([0, 2, 4, 6].map((row) => [info.begin + row * 18, info.begin + Math.min(7, row + 2) * 18]));
      const expected = decodeToFloat32(file.subarray(info.begin, info.end), 'BF16');
      expectClose(await tensor.read(), dtype === 'f16' ? roundToFloat16(expected) : expected, 0, 0);
      tensor.dispose();
    });
  }

  it('rejects f16 writes that would split a 4-byte word', () => {
    const tensor = Tensor.empty(gpu(), [5], 'f16');
    expect(() => tensor.writeAt(1, [1, 2])).toThrow(/even element/);
    expect(() => tensor.writeAt(0, [1, 2, 3])).toThrow(/even length/);
    expect(() => tensor.writeAt(4, [1, 2])).toThrow(/Cannot write/);
    tensor.writeAt(2, [1, 2, 3]); // ends the tensor: allowed
    tensor.dispose();
  });

  for (const fileDtype of ['F32', 'BF16'] as const) {
    it(`openDeepEncoder streams a ${fileDtype} checkpoint: same tokens as loading it on the host, only encoder ranges read`, async () => {
      const fixture = await loadFixture('shrink-256');
      const host = fixture.weights;
      const file = writeSafetensors({
        ...Object.fromEntries(host.names.map((name) => [name, { shape: host.shape(name), data: host.get(name), dtype: fileDtype }])),
        'model.layers.0.mlp.up_proj.weight': { shape: [4, 4], data: new Float32Array(16).fill(NaN) },
      });
      const source = recording(new BytesWeightSource(file));
      const streamed = await openDeepEncoder(gpu(), source, { config: fixture.config });
      const reader = await SafetensorsReader.open(new BytesWeightSource(file));
      const lm = reader.info('model.layers.0.mlp.up_proj.weight');
      expect(source.ranges.some(([begin, end]) => begin < lm.end && end > lm.begin)).toBe(false);
      const loaded = DeepEncoderGpu.create(gpu(), await loadEncoderWeights(reader, fixture.config), 'f32');
      try {
        const a = await streamed.encode(fixture.pixels);
        const b = await loaded.encode(fixture.pixels);
        expect(relativeError(a.tokens, b.tokens)).toBe(0);
        expect(relativeError(a.tokens, fixture.expected.tokens.data)).toBeLessThan(fileDtype === 'F32' ? 1e-3 : 2e-2);
        // The host keeps only the small tensors: size-dependent ones, newline and separator.
        expect(streamed.weights.host.names.every((name) => /pos_embed|position_embedding|rel_pos_|image_newline|view_seperator/.test(name))).toBe(true);
      } finally {
        streamed.dispose();
        loaded.dispose();
      }
    });
  }

  it('reports every missing tensor before reading data, and frees what it uploaded when a read fails', async () => {
    const fixture = await loadFixture('grow-192');
    const host = fixture.weights;
    const names = host.names.filter((name) => !name.endsWith('mlp.fc2.bias'));
    const partial = writeSafetensors(Object.fromEntries(names.map((name) => [name, { shape: host.shape(name), data: host.get(name) }])));
    const source = recording(new BytesWeightSource(partial));
    const error = await GpuEncoderWeights.stream(gpu(), await SafetensorsReader.open(source), fixture.config).catch((e) => e);
    expect(error).toBeInstanceOf(MissingTensorError);
    expect(source.ranges.length).toBe(2); // the header only

    const full = writeSafetensors(Object.fromEntries(host.names.map((name) => [name, { shape: host.shape(name), data: host.get(name) }])));
    let reads = 0;
    const failing: WeightSource = {
      size: full.byteLength,
      readRange: async (begin, end) => {
        if (++reads === 20) throw new Error('disk went away');
        return full.subarray(begin, end);
      },
    };
    const counter = countLiveBuffers(gpu());
    try {
      await expect(GpuEncoderWeights.stream(gpu(), await SafetensorsReader.open(failing), fixture.config)).rejects.toThrow('disk went away');
      expect(counter.live()).toBe(0);
    } finally {
      counter.restore();
    }
    expect(encoderTensorShapes(fixture.config).size).toBeGreaterThan(20);
  });
});
