/** The demo's controls: diffusion settings (apply on a rebuild) and search settings (apply at once). */
import type { BuildSettings, SearchSettings } from './engine-protocol';
import { FieldError, markField } from './field-errors';

/** A number input's value, or a FieldError shown beside it when it is out of its range. */
export function numberInput(input: HTMLInputElement, label = input.name): number {
  const value = Number(input.value);
  const min = Number(input.min);
  const max = Number(input.max);
  const integer = input.step === '1';
  if (input.value.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const message = `${label} must be ${integer ? 'a whole number ' : ''}between ${min} and ${max}`;
    markField(input, message);
    throw new FieldError(input, message);
  }
  markField(input, null);
  return value;
}

function field(form: HTMLFormElement, name: string): number {
  const input = form.elements.namedItem(name) as HTMLInputElement;
  return numberInput(input, input.dataset.label ?? name);
}

export function buildSettings(form: HTMLFormElement): BuildSettings {
  const forceCpu = new URLSearchParams(location.search).get('backend') === 'cpu';
  return {
    eta: field(form, 'eta'),
    steps: field(form, 'steps'),
    topk: field(form, 'topk'),
    seed: 42,
    backend: forceCpu ? 'cpu' : 'auto',
  };
}

/** k comes from the search form (it is part of the shareable address), the rest from the parameters. */
export function searchSettings(form: HTMLFormElement, k: HTMLInputElement): SearchSettings {
  return {
    k: numberInput(k, 'results k'),
    alpha: field(form, 'alpha'),
    candidates: field(form, 'candidates'),
    weights: {
      lambda: field(form, 'wLambda'),
      dispersion: field(form, 'wDispersion'),
      dirichlet: field(form, 'wDirichlet'),
    },
  };
}
