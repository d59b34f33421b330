import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SafetensorsReader, MissingTensorError, SafetensorsFormatError } from '@opticspace/encoder';
import {
  coalesceRanges,
  isEncoderTensor,
  MemoryRangeCache,
  parseContentRange,
  RangeNotSupportedError,
  streamCheckpoint,
  TruncatedResponseError,
  WeightFetchError,
  type StreamProgress,
} from '../src/index';
import { smallCheckpoint } from './small-checkpoint';

// Encoder tensors plus "language model" tensors that must never be fetched.
const { tensors, checkpoint } = smallCheckpoint(7);
const encoderNames = Object.keys(tensors).filter(isEncoderTensor);

type Behaviour = 'normal' | 'ignore-range' | 'drop' | 'wrong-range' | 'no-etag' | 'missing' | 'stall' | 'hidden-range';
interface Served {
  ranges: Array<[number, number]>;
  bytes: number;
}
let server: Server;
let base = '';
const served: Record<string, Served> = {};
const headerEnd = 8 + new DataView(checkpoint.buffer).getUint32(0, true);

beforeAll(async () => {
  server = createServer((request, response) => {
    const behaviour = (request.url ?? '/').slice(1).split('?')[0] as Behaviour;
    const log = (served[behaviour] ??= { ranges: [], bytes: 0 });
    if (behaviour === 'missing') {
      response.writeHead(404).end('not found');
      return;
    }
    const match = /bytes=(\d+)-(\d+)/.exec(request.headers.range ?? '');
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (behaviour !== 'no-etag') headers.etag = '"v1"';
    if (!match || behaviour === 'ignore-range') {
      headers['content-length'] = String(checkpoint.byteLength);
      log.bytes += checkpoint.byteLength;
      response.writeHead(200, headers).end(Buffer.from(checkpoint));
      return;
    }
    const first = Number(match[1]);
    const last = Math.min(Number(match[2]), checkpoint.byteLength - 1);
    log.ranges.push([first, last + 1]);
    const shift = behaviour === 'wrong-range' && first >= headerEnd ? 1 : 0;
    headers['content-range'] = `bytes ${first + shift}-${last + shift}/${checkpoint.byteLength}`;
    if (behaviour === 'hidden-range') delete headers['content-range'];
    headers['content-length'] = String(last - first + 1);
    const body = Buffer.from(checkpoint.subarray(first, last + 1));
    response.writeHead(206, headers);
    if (behaviour === 'stall' && first >= headerEnd) {
      // Headers and a few bytes, then nothing (the socket stays open until the client aborts).
      response.write(body.subarray(0, 4));
      return;
    }
    if (behaviour === 'drop' && first >= headerEnd) {
      // Send half the body, then cut the connection.
      response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.destroy());
      return;
    }
    log.bytes += body.length;
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('range planning', () => {
  it('merges touching ranges and keeps gaps apart', () => {
    const plan = coalesceRanges([
      { name: 'c', begin: 30, end: 40 },
      { name: 'a', begin: 0, end: 10 },
      { name: 'b', begin: 10, end: 20 },
      { name: 'empty', begin: 50, end: 50 },
    ]);
    expect(plan).toEqual([
      { begin: 0, end: 20, names: ['a', 'b'] },
      { begin: 30, end: 40, names: ['c'] },
    ]);
    expect(coalesceRanges([{ name: 'a', begin: 0, end: 10 }, { name: 'c', begin: 30, end: 40 }], 20)).toHaveLength(1);
    expect(coalesceRanges([{ name: 'a', begin: 0, end: 10 }, { name: 'b', begin: 10, end: 20 }], 0, 15)).toHaveLength(2);
  });
  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 5-9/100')).toEqual({ first: 5, last: 9, total: 100 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ first: 5, last: 9, total: undefined });
    expect(parseContentRange('items 1-2/3')).toBeNull();
  });
});

describe('streamCheckpoint over HTTP Range', () => {
  it('fetches only the encoder tensors, in coalesced ranges, with progress', async () => {
    const progress: StreamProgress[] = [];
    const loaded = await streamCheckpoint(`${base}/normal`, { cache: null, onProgress: (p) => progress.push(p) });
    expect(loaded.names.sort()).toEqual(encoderNames.slice().sort());
    // 8-byte length, header, then image_newline alone and the contiguous projector..vision_model run.
    expect(loaded.requests).toBe(4);
    const wanted = encoderNames.reduce((s, n) => s + (loaded.header.tensors.get(n)!.end - loaded.header.tensors.get(n)!.begin), 0);
    expect(loaded.networkBytes).toBe(headerEnd + wanted);
    expect(served.normal.bytes).toBe(headerEnd + wanted);
    const last = progress[progress.length - 1];
    expect(last.loadedBytes).toBe(last.totalBytes);
    expect(last.totalBytes).toBe(headerEnd + wanted);
    for (let i = 1; i < progress.length; i++) expect(progress[i].loadedBytes).toBeGreaterThanOrEqual(progress[i - 1].loadedBytes);
    // The encoder's reader gets exactly the original values.
    const reader = await SafetensorsReader.open(loaded.source);
    const newline = await reader.readFloat32('model.image_newline');
    expect(Array.from(newline.data)).toEqual(Array.from(tensors['model.image_newline'].data));
    const sam = await reader.readFloat32('model.sam_model.patch_embed.proj.weight');
    expect(sam.shape).toEqual([4, 3, 2, 2]);
    for (let i = 0; i < 48; i++) expect(Math.abs(sam.data[i] - tensors['model.sam_model.patch_embed.proj.weight'].data[i])).toBeLessThanOrEqual(Math.abs(tensors['model.sam_model.patch_embed.proj.weight'].data[i]) / 128);
    await expect(reader.readFloat32('lm_head.weight')).rejects.toThrow(/were not loaded/);
  });

  it('serves a second load from the cache (only the 8-byte length goes to the network)', async () => {
    const cache = new MemoryRangeCache();
    const first = await streamCheckpoint(`${base}/normal?cached`, { cache });
    expect(first.cachedBytes).toBe(0);
    const second = await streamCheckpoint(`${base}/normal?cached`, { cache });
    expect(second.networkBytes).toBe(8);
    expect(second.requests).toBe(1);
    expect(second.cachedBytes).toBe(first.networkBytes - 8);
    const info = second.header.tensors.get('model.view_seperator')!;
    const a = await second.source.readRange(info.begin, info.end);
    expect(Array.from(a)).toEqual(Array.from(checkpoint.subarray(info.begin, info.end)));
  });

  it('never caches responses without ETag or Last-Modified', async () => {
    const cache = new MemoryRangeCache();
    await streamCheckpoint(`${base}/no-etag`, { cache });
    expect(cache.entries.size).toBe(0);
  });

  it('raises RangeNotSupportedError when the server ignores Range', async () => {
    await expect(streamCheckpoint(`${base}/ignore-range`, { cache: null })).rejects.toThrow(RangeNotSupportedError);
    await expect(streamCheckpoint(`${base}/ignore-range`, { cache: null })).rejects.toThrow(/ignored 'Range: bytes=0-7'/);
  });

  it('raises TruncatedResponseError when the connection drops mid-body, and caches nothing partial', async () => {
    const cache = new MemoryRangeCache();
    const error = await streamCheckpoint(`${base}/drop`, { cache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect((error as Error).message).toMatch(/ended after \d+ of \d+ bytes/);
    // Only the (complete) header may be cached; no tensor range is.
    for (const [key, bytes] of cache.entries) {
      expect(key).toContain(`opticspace-range=8-${headerEnd}`);
      expect(bytes.byteLength).toBe(headerEnd - 8);
    }
  });

  it('accepts a 206 whose Content-Range is hidden (CORS) when the body length is exact', async () => {
    const loaded = await streamCheckpoint(`${base}/hidden-range`, { cache: null });
    expect(loaded.names.sort()).toEqual(encoderNames.slice().sort());
    const info = loaded.header.tensors.get('model.vision_model.embeddings.class_embedding')!;
    expect(Array.from(await loaded.source.readRange(info.begin, info.end))).toEqual(Array.from(checkpoint.subarray(info.begin, info.end)));
  });

  it('raises RangeNotSupportedError on a wrong Content-Range', async () => {
    await expect(streamCheckpoint(`${base}/wrong-range`, { cache: null })).rejects.toThrow(/Content-Range is "bytes \d+-\d+/);
  });

  it('aborts a stalled response after the idle timeout instead of hanging', async () => {
    const started = Date.now();
    const error = await streamCheckpoint(`${base}/stall`, { cache: null, idleTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightFetchError);
    expect((error as Error).message).toMatch(/no data for 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('raises WeightFetchError with the status on 404', async () => {
    const error = await streamCheckpoint(`${base}/missing`, { cache: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightFetchError);
    expect((error as WeightFetchError).status).toBe(404);
  });

  it('checks requested names against the header before downloading tensors', async () => {
    await expect(streamCheckpoint(`${base}/normal`, { cache: null, names: ['model.nope'] })).rejects.toThrow(MissingTensorError);
    const only = await streamCheckpoint(`${base}/normal`, { cache: null, names: ['lm_head.weight'] });
    expect(only.names).toEqual(['lm_head.weight']);
  });

  it('rejects a corrupt header with the encoder package error', async () => {
    const broken = new Uint8Array(64);
    new DataView(broken.buffer).setUint32(0, 40, true);
    broken.set(new TextEncoder().encode('{"a": not json}'), 8);
    const fake = async (_url: string, init?: RequestInit) => {
      const [, first, last] = /bytes=(\d+)-(\d+)/.exec(new Headers(init?.headers).get('range')!)!.map(Number);
      return new Response(broken.slice(first, last + 1), {
        status: 206,
        headers: { 'content-range': `bytes ${first}-${last}/${broken.length}`, etag: 'x' },
      });
    };
    await expect(streamCheckpoint('http://fake/x', { fetch: fake, cache: null })).rejects.toThrow(SafetensorsFormatError);
  });
});
