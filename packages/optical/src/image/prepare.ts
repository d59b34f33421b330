import { resolutionMode, type ResolutionMode, type ResolutionModeName } from '../modes';
import { hasLocalCrops, visionTokenLayout, type VisionTokenLayout } from '../gundam/token-layout';
import { checkRgbImage, cropImage, type RgbImage } from './rgb-image';
import { resizeBicubic } from './resample';
import { padToSize } from './pad';
import { normalizeImage } from './normalize';

/** One encoder input: a square view, normalised, channel-first [3, size, size]. */
export interface PreparedView {
  size: number;
  pixels: Float32Array;
}

export interface PreparedImage {
  mode: ResolutionModeName;
  /** The global view (side = mode.baseSize). */
  global: PreparedView;
  /** Local crops in row-major tile order (side = mode.imageSize); empty unless Gundam tiles the image. */
  crops: PreparedView[];
  /** How the encoder's outputs for these views are arranged into tokens. */
  layout: VisionTokenLayout;
  /** The 8-bit views before normalisation (for metrics and debugging). */
  globalImage: RgbImage;
  cropImages: RgbImage[];
}

/**
 * The global view's pixels, following `tokenize_with_images` in image_process.py: modes
 * of side <= 640 without cropping (Tiny, Small) stretch the image to a square; all other
 * modes (Base, Large, Gundam's global view) keep the aspect ratio and pad with grey 127.
 */
export function globalView(image: RgbImage, mode: ResolutionModeName | ResolutionMode): RgbImage {
  const m = resolutionMode(mode);
  let source = image;
  if (m.imageSize <= 640 && !m.crop) source = resizeBicubic(image, m.imageSize, m.imageSize);
  return padToSize(source, m.baseSize, m.baseSize);
}

/**
 * `dynamic_preprocess`: resize (bicubic, aspect not kept) to columns x rows tiles of
 * imageSize and cut them out row by row.
 */
export function localCrops(image: RgbImage, columns: number, rows: number, tileSize: number): RgbImage[] {
  const resized = resizeBicubic(image, tileSize * columns, tileSize * rows);
  const crops: RgbImage[] = [];
  for (let index = 0; index < columns * rows; index++) {
    crops.push(cropImage(resized, (index % columns) * tileSize, Math.floor(index / columns) * tileSize, tileSize, tileSize));
  }
  return crops;
}

/** Preprocesses one RGB image for the encoder in the given mode (views + token layout). */
export function prepareImage(image: RgbImage, mode: ResolutionModeName | ResolutionMode): PreparedImage {
  checkRgbImage(image);
  const m = resolutionMode(mode);
  const layout = visionTokenLayout(image.width, image.height, m);
  const globalImage = globalView(image, m);
  const cropImages = hasLocalCrops(layout.tiles) ? localCrops(image, layout.tiles.columns, layout.tiles.rows, m.imageSize) : [];
  return {
    mode: m.name,
    global: { size: m.baseSize, pixels: normalizeImage(globalImage) },
    crops: cropImages.map((crop) => ({ size: m.imageSize, pixels: normalizeImage(crop) })),
    layout,
    globalImage,
    cropImages,
  };
}
