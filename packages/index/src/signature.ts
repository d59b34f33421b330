/**
 * Step 8: the per-item spectral signature. Rayleigh quotient E = yT L y / yT y,
 * dispersion G, taumode lambda = tau * E / (E + tau) + (1 - tau) * G, min-max normalised over the
 * corpus. Zero vectors are degenerate (reported): they take arrowspace's convention E = G = 0,
 * so raw lambda = 0, and like every other item they count in the median tau and in the min/max
 * ("over the corpus"). Leaving them out moved lambdaMin on cranfield (two empty documents) from
 * 0 to 1.99 and roughly doubled the spread of the normalised lambda, which is what put the
 * energy ranking at nDCG@10 0.123 instead of the reference prototype's 0.187.
 * Design: docs/energy-index.md, "Build" step 8; the prototype's figures: "Reference figures".
 */
import { median } from './matrix';
import type { TauChoice } from './params';
import { dispersion, type RowEnergies } from './row-energies';

export interface Signatures {
  /** Normalised lambda in [0, 1] per item. */
  lambda: Float32Array;
  dispersion: Float32Array;
  /** xT L x per item (the stored term of the energy identity). */
  quadratic: Float32Array;
  norm: Float32Array;
  tau: number;
  lambdaMin: number;
  lambdaMax: number;
  degenerate: number[];
}

export interface TauMode {
  tau: number;
  lambdaMin: number;
  lambdaMax: number;
}

export function rayleigh(squaredNorm: number, quadratic: number): number {
  return squaredNorm > 0 ? Math.max(0, quadratic) / squaredNorm : 0;
}

export function rawLambda(energy: number, dispersionValue: number, tau: number): number {
  const bounded = energy + tau > 0 ? (tau * energy) / (energy + tau) : 0;
  return bounded + (1 - tau) * dispersionValue;
}

/** Normalised, clamped lambda of a new vector (a query) with the stored tau and min/max. */
export function normaliseLambda(raw: number, mode: TauMode): number {
  const span = mode.lambdaMax - mode.lambdaMin;
  if (!(span > 0)) return 0;
  return Math.min(1, Math.max(0, (raw - mode.lambdaMin) / span));
}

export function computeSignatures(energies: RowEnergies, tauChoice: TauChoice): Signatures {
  const n = energies.rows;
  const degenerate: number[] = [];
  const energy = new Float64Array(n);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!(energies.squaredNorm[i] > 0)) {
      degenerate.push(i); // E = G = 0 (raw lambda 0), and still part of tau and the min/max
      continue;
    }
    energy[i] = rayleigh(energies.squaredNorm[i], energies.quadratic[i]);
    g[i] = dispersion(energies.quadratic[i], energies.energySquareSum[i]);
  }
  const tau = tauChoice === 'median' ? median(Array.from(energy)) : tauChoice.fixed;
  const raw = new Float64Array(n);
  let lambdaMin = Infinity;
  let lambdaMax = -Infinity;
  for (let i = 0; i < n; i++) {
    raw[i] = rawLambda(energy[i], g[i], tau);
    lambdaMin = Math.min(lambdaMin, raw[i]);
    lambdaMax = Math.max(lambdaMax, raw[i]);
  }
  if (n === 0) {
    lambdaMin = 0;
    lambdaMax = 0;
  }
  const mode = { tau, lambdaMin, lambdaMax };
  const lambda = new Float32Array(n);
  for (let i = 0; i < n; i++) lambda[i] = normaliseLambda(raw[i], mode);
  const norm = Float32Array.from(energies.squaredNorm, (s) => Math.sqrt(s));
  const quadratic = Float32Array.from(energies.quadratic, (q) => Math.max(0, q));
  return { lambda, dispersion: g, quadratic, norm, tau, lambdaMin, lambdaMax, degenerate };
}
