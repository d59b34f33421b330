import { isNode } from '@opticspace/gpu';
import type { Canvas2DFactory } from './factory';
import { createBrowserCanvasFactory } from './browser-canvas';
import { createNodeCanvasFactory } from './node-canvas';

let cached: Promise<Canvas2DFactory> | null = null;

/** The environment's canvas factory: @napi-rs/canvas in Node, OffscreenCanvas in browsers. */
export function defaultCanvasFactory(): Promise<Canvas2DFactory> {
  if (!cached) {
    cached = isNode() ? createNodeCanvasFactory() : Promise.resolve(createBrowserCanvasFactory());
    cached.catch(() => (cached = null));
  }
  return cached;
}
