import { describe, expect, it } from 'vitest';
import { GpuUnavailableError, OpticspaceError } from '@opticspace/gpu';
import {
  BackendUnavailableError,
  resolveBackend,
  DimensionMismatchError,
  EmptyCorpusError,
  EmptyGraphError,
  EnergyIndex,
  InvalidParameterError,
  NonFiniteValueError,
  RaggedRowsError,
} from '../src';
import { clusteredVectors } from './fixtures';

const F = 16;
const corpus = clusteredVectors(4, 60, F, 4);

describe('typed errors', () => {
  it('empty corpus', async () => {
    await expect(EnergyIndex.build([], { backend: 'cpu' })).rejects.toThrow(EmptyCorpusError);
    await expect(EnergyIndex.build(new Float32Array(0), { backend: 'cpu' })).rejects.toThrow(EmptyCorpusError);
    await expect(EnergyIndex.build([[]], { backend: 'cpu' })).rejects.toThrow(EmptyCorpusError);
  });

  it('ragged rows name the row and both lengths', async () => {
    const error = await EnergyIndex.build([[1, 2, 3], [1, 2, 3], [1, 2]], { backend: 'cpu' }).catch((e) => e);
    expect(error).toBeInstanceOf(RaggedRowsError);
    expect(error).toBeInstanceOf(OpticspaceError);
    expect(error.message).toMatch(/Row 2 has 2 features but row 0 has 3/);
  });

  it('NaN and Infinity name the position', async () => {
    const data = corpus.slice();
    data[3 * F + 5] = NaN;
    await expect(EnergyIndex.build(data, { dimension: F, backend: 'cpu' })).rejects.toThrow(/row 3, feature 5 is NaN/);
    data[3 * F + 5] = Infinity;
    await expect(EnergyIndex.build(data, { dimension: F, backend: 'cpu' })).rejects.toThrow(NonFiniteValueError);
  });

  it('a flat array that is not a multiple of the dimension', async () => {
    await expect(EnergyIndex.build(corpus.slice(0, 33), { dimension: F, backend: 'cpu' })).rejects.toThrow(DimensionMismatchError);
  });

  it('bad parameters name the parameter, the range and the value', async () => {
    await expect(EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', steps: -1 })).rejects.toThrow(/'steps' must be an integer in \[0, 100000\], got -1/);
    await expect(EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', graph: { eps: 3 } })).rejects.toThrow(InvalidParameterError);
    await expect(EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', tau: { fixed: -1 } })).rejects.toThrow(/tau\.fixed/);
    await expect(EnergyIndex.build(corpus, { dimension: F, backend: 'gpu' as 'cpu' })).rejects.toThrow(/'backend' must be one of/);
  });

  it("without WebGPU, 'auto' falls back to the TS backend and 'webgpu' fails clearly", async () => {
    const noDevice = () => Promise.reject(new GpuUnavailableError('no adapter'));
    expect((await resolveBackend('auto', undefined, noDevice)).kind).toBe('cpu');
    await expect(resolveBackend('webgpu', undefined, noDevice)).rejects.toThrow(BackendUnavailableError);
    await expect(resolveBackend('webgpu', undefined, noDevice)).rejects.toThrow(/backend 'webgpu' was requested.*no adapter/);
    expect((await resolveBackend('cpu', undefined, noDevice)).kind).toBe('cpu');
  });

  it('a graph with no edges says which parameter to loosen', async () => {
    const error = await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu', graph: { eps: 0 } }).catch((e) => e);
    expect(error).toBeInstanceOf(EmptyGraphError);
    expect(error.message).toMatch(/graph\.eps=0.*Loosen graph\.eps/);
  });

  describe('search', () => {
    let index: EnergyIndex;
    it('builds', async () => {
      index = await EnergyIndex.build(corpus, { dimension: F, backend: 'cpu' });
    });

    it('query dimension mismatch', async () => {
      const error = await index.search(new Float32Array(F + 1)).catch((e) => e);
      expect(error).toBeInstanceOf(DimensionMismatchError);
      expect(error.message).toMatch(/dimension 17 but the index was built with dimension 16/);
      await expect(index.search([new Float32Array(F), new Float32Array(3)])).rejects.toThrow(/Query 1 has dimension 3 but the index was built with dimension 16/);
      await expect(index.searchBatch(new Float32Array(F * 2 + 1))).rejects.toThrow(DimensionMismatchError);
    });

    it('k < 1 or k > N', async () => {
      await expect(index.search(corpus.slice(0, F), { k: 0 })).rejects.toThrow(/'k' must be an integer in \[1, 60\]/);
      await expect(index.search(corpus.slice(0, F), { k: 61 })).rejects.toThrow(InvalidParameterError);
      await expect(index.search(corpus.slice(0, F), { k: 1.5 })).rejects.toThrow(InvalidParameterError);
    });

    it('NaN query, bad method, bad alpha', async () => {
      const query = corpus.slice(0, F);
      query[2] = NaN;
      await expect(index.search(query)).rejects.toThrow(NonFiniteValueError);
      await expect(index.search(corpus.slice(0, F), { method: 'bm42' as 'energy' })).rejects.toThrow(/'method'/);
      await expect(index.search(corpus.slice(0, F), { alpha: 2 })).rejects.toThrow(/'alpha'/);
    });
  });
});
