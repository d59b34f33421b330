import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createNodeCanvasFactory, decodeImage, ImageDecodeError } from '../src/index';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/decode.json', import.meta.url), 'utf8')) as {
  pillow: string;
  width: number;
  height: number;
  jpeg: { bytes: string; rgb: string };
  png: { bytes: string; rgb: string };
  exifRotated: { bytes: string; rgb: string; width: number; height: number };
};
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe(`decoding with @napi-rs/canvas vs Pillow ${fixture.pillow}`, async () => {
  const factory = await createNodeCanvasFactory();
  it('decodes PNG exactly', async () => {
    const image = await decodeImage(bytes(fixture.png.bytes), factory);
    expect([image.width, image.height]).toEqual([fixture.width, fixture.height]);
    expect(maxDifference(image.data, bytes(fixture.png.rgb))).toBe(0);
  });
  it('decodes this 4:2:0 JPEG exactly like Pillow (both use libjpeg-turbo defaults)', async () => {
    const image = await decodeImage(bytes(fixture.jpeg.bytes), factory);
    expect([image.width, image.height]).toEqual([fixture.width, fixture.height]);
    const difference = maxDifference(image.data, bytes(fixture.jpeg.rgb));
    expect(difference).toBe(0);
  });
  it('applies the EXIF orientation like ImageOps.exif_transpose', async () => {
    const image = await decodeImage(bytes(fixture.exifRotated.bytes), factory);
    expect([image.width, image.height]).toEqual([fixture.exifRotated.width, fixture.exifRotated.height]);
    expect([image.width, image.height]).toEqual([fixture.height, fixture.width]);
    expect(maxDifference(image.data, bytes(fixture.exifRotated.rgb))).toBe(0);
  });
  it('raises ImageDecodeError for garbage and empty input', async () => {
    await expect(decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), factory)).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(new Uint8Array(0), factory)).rejects.toThrow(/non-empty/);
  });
});
