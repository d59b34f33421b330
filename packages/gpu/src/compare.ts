/** Comparison helpers shared by the unit tests and the in-browser kernel check page. */
export interface Closeness {
  maxAbsError: number;
  /** max |a - b| / max(|b|_inf, tiny): error relative to the reference's scale. */
  maxRelError: number;
  /** Index of the worst element, -1 when equal. */
  worstIndex: number;
  ok: boolean;
}

/**
 * Compares `actual` to `expected` elementwise: ok when every |a - e| <= atol + rtol * |e|.
 * NaN matches only NaN; lengths must agree.
 */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): Closeness {
  if (actual.length !== expected.length) {
    return { maxAbsError: Infinity, maxRelError: Infinity, worstIndex: -1, ok: false };
  }
  let maxAbsError = 0;
  let worstIndex = -1;
  let ok = true;
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        ok = false;
        worstIndex = i;
        maxAbsError = Infinity;
      }
      continue;
    }
    const error = a === e ? 0 : Math.abs(a - e);
    if (error > maxAbsError) {
      maxAbsError = error;
      worstIndex = i;
    }
    if (!(error <= atol + rtol * Math.abs(e))) ok = false;
  }
  return { maxAbsError, maxRelError: maxAbsError / scale, worstIndex, ok };
}
