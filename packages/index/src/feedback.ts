/**
 * Rocchio feedback for dense query vectors: q' = alpha q / |q| + beta mean(x / |x|) over the
 * first pass's top items (zero vectors contribute nothing). Vectors are unit-normalised first
 * so alpha and beta weigh directions, whatever the embedder's scale.
 */
import type { Matrix } from './matrix';
import type { RocchioParameters } from './params';

export function rocchioQuery(items: Matrix, itemNorms: ArrayLike<number>, query: ArrayLike<number>, queryNorm: number, feedback: ArrayLike<number>, p: RocchioParameters): Float32Array {
  const f = items.columns;
  const out = new Float64Array(f);
  if (queryNorm > 0) for (let c = 0; c < f; c++) out[c] = (p.alpha * query[c]) / queryNorm;
  const scale = feedback.length > 0 ? p.beta / feedback.length : 0;
  for (let j = 0; j < feedback.length; j++) {
    const item = feedback[j];
    const norm = itemNorms[item];
    if (!(norm > 0)) continue;
    for (let c = 0, o = item * f; c < f; c++) out[c] += (scale * items.data[o + c]) / norm;
  }
  return Float32Array.from(out);
}
