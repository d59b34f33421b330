import { OpticspaceError } from '@opticspace/gpu';

/** A safetensors file (or header) is malformed: bad length, JSON, dtype, shape or byte range. */
export class SafetensorsFormatError extends OpticspaceError {
  constructor(message: string) {
    super('SAFETENSORS_FORMAT', `Invalid safetensors data: ${message}`);
  }
}

/** A tensor the model needs is absent from the checkpoint. */
export class MissingTensorError extends OpticspaceError {
  readonly names: string[];
  constructor(names: string[]) {
    const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, ... (${names.length} in all)` : '');
    super('MISSING_TENSOR', `The checkpoint lacks ${names.length} tensor(s) the encoder needs: ${shown}`);
    this.names = names;
  }
}

/** A tensor exists but its shape differs from what the model configuration expects. */
export class TensorShapeMismatchError extends OpticspaceError {
  readonly mismatches: Array<{ name: string; expected: number[]; actual: number[] }>;
  constructor(mismatches: Array<{ name: string; expected: number[]; actual: number[] }>) {
    const lines = mismatches
      .slice(0, 10)
      .map((m) => `${m.name}: expected [${m.expected.join(', ')}], got [${m.actual.join(', ')}]`);
    super('TENSOR_SHAPE_MISMATCH', `Checkpoint tensor shape(s) differ from the configuration: ${lines.join('; ')}`);
    this.mismatches = mismatches;
  }
}

/** A checkpoint tensor holds NaN or +-Infinity (a corrupted or mis-converted file): every output would be NaN. */
export class NonFiniteWeightError extends OpticspaceError {
  readonly tensor: string;
  constructor(tensor: string, index: number, value: number, shape: readonly number[]) {
    super('NON_FINITE_WEIGHT', `Checkpoint tensor '${tensor}' (shape [${shape.join(', ')}]) holds ${value} at flat index ${index}; the checkpoint is corrupted`);
    this.tensor = tensor;
  }
}
