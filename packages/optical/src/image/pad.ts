import { createRgbImage, pasteImage, type RgbImage } from './rgb-image';
import { resizeBicubic } from './resample';
import { pythonRound } from './python-round';

/**
 * The padding colour of the reference: `tuple(int(x * 255) for x in mean)` with mean 0.5,
 * i.e. int(127.5) = 127 per channel (image_process.py, `tokenize_with_images`).
 */
export const PAD_COLOR: readonly [number, number, number] = [127, 127, 127];

/** Size PIL `ImageOps.contain` resizes to: fit inside, keep the aspect ratio, Python rounding. */
export function containSize(width: number, height: number, targetWidth: number, targetHeight: number): [number, number] {
  const imageRatio = width / height;
  const targetRatio = targetWidth / targetHeight;
  if (imageRatio === targetRatio) return [targetWidth, targetHeight];
  if (imageRatio > targetRatio) return [targetWidth, pythonRound((height / width) * targetWidth)];
  return [pythonRound((width / height) * targetHeight), targetHeight];
}

export interface PadPlacement {
  /** Size of the resized image inside the padded one. */
  width: number;
  height: number;
  /** Top-left corner of the resized image. */
  left: number;
  top: number;
}

/** Where `ImageOps.pad(image, (size, size), centering=(0.5, 0.5))` puts the resized image. */
export function padPlacement(width: number, height: number, targetWidth: number, targetHeight: number): PadPlacement {
  const [w, h] = containSize(width, height, targetWidth, targetHeight);
  if (w !== targetWidth) return { width: w, height: h, left: pythonRound((targetWidth - w) * 0.5), top: 0 };
  return { width: w, height: h, left: 0, top: pythonRound((targetHeight - h) * 0.5) };
}

/** PIL `ImageOps.pad(image, (w, h), color=PAD_COLOR)`: contain-resize (bicubic), then centre on the colour. */
export function padToSize(
  image: RgbImage,
  targetWidth: number,
  targetHeight: number,
  color: readonly [number, number, number] = PAD_COLOR,
): RgbImage {
  const placement = padPlacement(image.width, image.height, targetWidth, targetHeight);
  const resized = resizeBicubic(image, placement.width, placement.height);
  if (placement.width === targetWidth && placement.height === targetHeight) return resized;
  const out = createRgbImage(targetWidth, targetHeight, color);
  pasteImage(out, resized, placement.left, placement.top);
  return out;
}
