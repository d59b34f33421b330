import { createNodeCanvasFactory } from '../src/index';

export const WIDTH = 67;
export const HEIGHT = 45;

/** An opaque test image as PNG and JPEG (q 90), encoded by @napi-rs/canvas. */
export async function testImages(): Promise<{ png: Uint8Array; jpeg: Uint8Array }> {
  const factory = await createNodeCanvasFactory();
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let i = 0; i < WIDTH * HEIGHT; i++) data.set([(i * 7) % 256, (i * 13) % 256, (i >> 3) % 256, 255], i * 4);
  const png = await factory.encodePng({ width: WIDTH, height: HEIGHT, data });
  const napi = (await import('@napi-rs/canvas')) as unknown as {
    createCanvas(w: number, h: number): { getContext(kind: '2d'): { putImageData(d: unknown, x: number, y: number): void }; encode(f: 'jpeg', q: number): Promise<Buffer> };
    ImageData: new (d: Uint8ClampedArray, w: number, h: number) => unknown;
  };
  const canvas = napi.createCanvas(WIDTH, HEIGHT);
  canvas.getContext('2d').putImageData(new napi.ImageData(data, WIDTH, HEIGHT), 0, 0);
  return { png, jpeg: new Uint8Array(await canvas.encode('jpeg', 90)) };
}

