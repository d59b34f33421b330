/**
 * decodeImage refuses what decoders would turn into a partly black image or a memory blow-up:
 * truncated or corrupted PNG/JPEG (structure walk, PNG chunk CRCs), files that are neither, and
 * sizes above the pixel limit, read from the header before anything is decoded.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '@opticspace/gpu';
import { createNodeCanvasFactory, decodeImage, DEFAULT_MAX_IMAGE_PIXELS, ImageDecodeError, ImageTooLargeError, readImageHeader, type Canvas2DFactory } from '../src/index';
import { HEIGHT, testImages, WIDTH } from './test-images';

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A structurally valid PNG header claiming width x height (the pixel data is never read). */
function hugePng(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00])), pngChunk('IEND', new Uint8Array(0))];
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** A factory whose decoder must never run (the checks come first). */
const neverDecodes = { decodeImage: () => Promise.reject(new Error('the decoder ran')) } as unknown as Canvas2DFactory;

describe('decodeImage input checks', async () => {
  const { png, jpeg } = await testImages();
  const factory = await createNodeCanvasFactory();

  it('reads sizes from the headers; valid files decode', async () => {
    expect(readImageHeader(png)).toEqual({ format: 'png', width: WIDTH, height: HEIGHT });
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: WIDTH, height: HEIGHT });
    for (const bytes of [png, jpeg]) expect(await decodeImage(bytes, factory)).toMatchObject({ width: WIDTH, height: HEIGHT });
  });

  it('truncated PNG and JPEG are refused (the decoder would fill the rest with black)', async () => {
    for (const cut of [1, 12, 100, Math.floor(png.length / 2)]) {
      await expect(decodeImage(png.subarray(0, png.length - cut), neverDecodes)).rejects.toThrow(/PNG is truncated/);
    }
    for (const cut of [1, 2, 100, Math.floor(jpeg.length / 2)]) {
      await expect(decodeImage(jpeg.subarray(0, jpeg.length - cut), neverDecodes)).rejects.toThrow(/JPEG is truncated/);
    }
  });

  it('a corrupted PNG chunk fails its CRC32; foreign formats are named', async () => {
    const corrupted = png.slice();
    corrupted[60] ^= 0x20;
    await expect(decodeImage(corrupted, neverDecodes)).rejects.toThrow(/PNG is corrupted: chunk '\w+' at byte \d+ fails its CRC32/);
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    const error = await decodeImage(gif, neverDecodes).catch((e) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error.message).toBe('Cannot decode image: not a PNG or JPEG file (unknown signature) (10 bytes)');
  });

  it('the pixel limit is checked from the header, before decoding (default 100 MP)', async () => {
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(100_000_000);
    const huge = hugePng(20000, 20000);
    const started = performance.now();
    const error = await decodeImage(huge, neverDecodes).catch((e) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error.message).toMatch(/20000 x 20000 = 400\.0 MP, above the 100\.0 MP decode limit/);
    // A 600-dpi A4 page passes the default limit; a lower limit is honoured.
    await expect(decodeImage(hugePng(4961, 7016), neverDecodes)).rejects.toThrow(/the decoder ran/);
    await expect(decodeImage(png, factory, { maxPixels: WIDTH * HEIGHT - 1 })).rejects.toThrow(ImageTooLargeError);
    expect((await decodeImage(png, factory, { maxPixels: WIDTH * HEIGHT })).width).toBe(WIDTH);
  });
});
