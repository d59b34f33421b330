/** PNG rendering of a heatmap layout with @napi-rs/canvas (Node only; loaded lazily). */
import { heatmapLayout, type HeatmapData } from './heatmap';

export async function heatmapPng(data: HeatmapData): Promise<Uint8Array> {
  // A computed specifier keeps browser bundlers (Vite's dependency scan) away from this
  // Node-only native module when an app imports @opticspace/eval.
  const specifier = '@napi-rs/canvas';
  const { createCanvas } = (await import(/* @vite-ignore */ specifier)) as typeof import('@napi-rs/canvas');
  const layout = heatmapLayout(data);
  const canvas = createCanvas(layout.width, layout.height);
  const context = canvas.getContext('2d');
  for (const primitive of layout.primitives) {
    if (primitive.kind === 'rect') {
      context.fillStyle = primitive.fill;
      context.fillRect(primitive.x, primitive.y, primitive.width, primitive.height);
      if (primitive.stroke) {
        context.strokeStyle = primitive.stroke;
        context.lineWidth = 3;
        context.strokeRect(primitive.x + 1.5, primitive.y + 1.5, primitive.width - 3, primitive.height - 3);
      }
      continue;
    }
    context.save();
    context.fillStyle = primitive.fill;
    context.font = `${primitive.bold ? 'bold ' : ''}${primitive.size}px "DejaVu Sans", Arial, sans-serif`;
    context.textAlign = primitive.anchor === 'middle' ? 'center' : primitive.anchor === 'end' ? 'right' : 'left';
    context.translate(primitive.x, primitive.y);
    if (primitive.rotate) context.rotate(-Math.PI / 2);
    context.fillText(primitive.text, 0, 0);
    context.restore();
  }
  return new Uint8Array(await canvas.encode('png'));
}
