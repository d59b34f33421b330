/**
 * The ranking selector and the "Compare energy with cosine" toggle. The selector offers every
 * method of the index's catalogue (grouped, the default marked) once the search worker has
 * handed the catalogue over; the explainer under it names and describes the chosen method; the
 * toggle puts the seed's energy distance beside cosine and, pressed again, goes back to the
 * default ranking.
 */
import { markField } from './field-errors';
import { COMPARED_METHOD, methodInfo, type MethodCatalogue, type MethodInfo } from './methods';

export interface MethodPickerElements {
  select: HTMLSelectElement;
  compare: HTMLButtonElement;
  /** Where the chosen method's name and help text go (the explainer). */
  name: HTMLElement;
  help: HTMLElement;
}

export class MethodPicker {
  private catalogue: MethodCatalogue | null = null;

  constructor(private readonly ui: MethodPickerElements, onChange: () => void) {
    ui.select.addEventListener('change', () => {
      markField(ui.select, null);
      this.describeChosen();
      onChange();
    });
    ui.compare.addEventListener('click', () => {
      if (!this.catalogue) return;
      ui.select.value = ui.select.value === COMPARED_METHOD ? this.catalogue.defaultMethod : COMPARED_METHOD;
      ui.select.dispatchEvent(new Event('change'));
    });
  }

  /** The catalogue, once the worker has sent it. */
  get methods(): MethodCatalogue | null {
    return this.catalogue;
  }

  /** The method of the first list (null before the catalogue arrived). */
  get chosen(): MethodInfo | null {
    return this.catalogue && (methodInfo(this.catalogue, this.ui.select.value) ?? null);
  }

  /** Fills the selector and chooses `requested` (the address's ?method=), or the default when the catalogue lacks it (said beside the selector). */
  fill(catalogue: MethodCatalogue, requested?: string): void {
    this.catalogue = catalogue;
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const method of catalogue.methods) {
      let group = groups.get(method.group);
      if (!group) {
        group = document.createElement('optgroup');
        group.label = method.group;
        groups.set(method.group, group);
      }
      group.append(new Option(method.id === catalogue.defaultMethod ? `${method.label} (default)` : method.label, method.id));
    }
    const { select, compare } = this.ui;
    select.replaceChildren(...groups.values());
    select.disabled = false;
    compare.disabled = false;
    select.value = catalogue.defaultMethod;
    if (requested !== undefined) {
      if (methodInfo(catalogue, requested)) select.value = requested;
      else {
        const fallback = methodInfo(catalogue, catalogue.defaultMethod)!.label.toLowerCase();
        markField(select, `The address names the method “${requested}”, which this demo does not have; ${fallback} is used instead.`);
      }
    }
    this.describeChosen();
  }

  /** The explainer names the chosen method; the toggle is pressed while energy is beside cosine. */
  private describeChosen(): void {
    const method = this.chosen;
    if (!method) return;
    this.ui.name.textContent = method.label.toLowerCase();
    this.ui.help.textContent = method.help;
    this.ui.compare.setAttribute('aria-pressed', String(method.id === COMPARED_METHOD));
  }
}
