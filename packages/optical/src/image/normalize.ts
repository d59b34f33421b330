import type { RgbImage } from './rgb-image';

/** Per-channel mean and std of the reference's `ImageTransform` (0.5 each). */
export const IMAGE_MEAN = 0.5;
export const IMAGE_STD = 0.5;

/**
 * torchvision `ToTensor()` then `Normalize(0.5, 0.5)` in float32: channel-first [3, H, W],
 * value = (byte / 255 - 0.5) / 0.5, each step rounded to f32 like torch's float kernels.
 */
export function normalizeImage(image: RgbImage): Float32Array {
  const plane = image.width * image.height;
  const lookup = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const unit = Math.fround(v / 255);
    lookup[v] = Math.fround(Math.fround(unit - IMAGE_MEAN) / IMAGE_STD);
  }
  const out = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    out[p] = lookup[image.data[p * 3]];
    out[plane + p] = lookup[image.data[p * 3 + 1]];
    out[2 * plane + p] = lookup[image.data[p * 3 + 2]];
  }
  return out;
}
