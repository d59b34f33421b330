/** The parameter form: build settings (need a rebuild) and search settings (apply at once). */
import type { BuildSettings, SearchSettings } from './engine-protocol';

/** Reads a number input, reporting an out-of-range value on the field itself. */
function numberField(form: HTMLFormElement, name: string): number {
  const input = form.elements.namedItem(name) as HTMLInputElement;
  const value = Number(input.value);
  const min = Number(input.min);
  const max = Number(input.max);
  if (!Number.isFinite(value) || value < min || value > max) {
    input.setCustomValidity(`${name} must be between ${min} and ${max}`);
    input.reportValidity();
    throw new RangeError(`${name} must be between ${min} and ${max}, got '${input.value}'`);
  }
  input.setCustomValidity('');
  return value;
}

export function buildSettings(form: HTMLFormElement): BuildSettings {
  const forceCpu = new URLSearchParams(location.search).get('backend') === 'cpu';
  return {
    dims: 128,
    eta: numberField(form, 'eta'),
    steps: Math.round(numberField(form, 'steps')),
    topk: Math.round(numberField(form, 'topk')),
    seed: 42,
    backend: forceCpu ? 'cpu' : 'auto',
  };
}

export function searchSettings(form: HTMLFormElement): SearchSettings {
  return {
    k: Math.round(numberField(form, 'k')),
    alpha: numberField(form, 'alpha'),
    candidates: Math.round(numberField(form, 'candidates')),
    weights: {
      lambda: numberField(form, 'wLambda'),
      dispersion: numberField(form, 'wDispersion'),
      dirichlet: numberField(form, 'wDirichlet'),
    },
  };
}
