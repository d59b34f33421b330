import { toFloat16Array } from '@opticspace/gpu';
import { float32ToBfloat16Bits } from './dtype';

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
  dtype?: 'F32' | 'F16' | 'BF16';
}

/** Serialises f32 tensors as a safetensors file (for tests and tools; sorted by name). */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const { shape, data, dtype = 'F32' } = tensors[name];
    const raw =
      dtype === 'F32'
        ? new Uint8Array(Float32Array.from(data).buffer)
        : new Uint8Array((dtype === 'F16' ? toFloat16Array(data) : float32ToBfloat16Bits(Float32Array.from(data))).buffer);
    header[name] = { dtype, shape, data_offsets: [offset, offset + raw.byteLength] };
    chunks.push(raw);
    offset += raw.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data section is 8-byte aligned, like the reference writer.
  const jsonBytes = new Uint8Array(Math.ceil(json.byteLength / 8) * 8).fill(0x20);
  jsonBytes.set(json);
  const out = new Uint8Array(8 + jsonBytes.byteLength + offset);
  new DataView(out.buffer).setUint32(0, jsonBytes.byteLength, true);
  out.set(jsonBytes, 8);
  let position = 8 + jsonBytes.byteLength;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.byteLength;
  }
  return out;
}
