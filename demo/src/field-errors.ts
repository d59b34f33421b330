/**
 * Errors shown beside the control that caused them and cleared by the next success there:
 * an invalid field gets aria-invalid and a message right after it (or after its label);
 * an action's failure goes into the message element placed beside that action's controls.
 */
export class FieldError extends Error {
  constructor(readonly control: HTMLInputElement | HTMLSelectElement, message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

function errorId(control: HTMLInputElement | HTMLSelectElement): string {
  return `error-${control.id || control.name}`;
}

/** Shows `message` beside `control` (null clears it). */
export function markField(control: HTMLInputElement | HTMLSelectElement, message: string | null): void {
  const id = errorId(control);
  let element = document.getElementById(id);
  const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((token) => token && token !== id);
  if (message === null) {
    element?.remove();
    control.removeAttribute('aria-invalid');
  } else {
    if (!element) {
      element = document.createElement('span');
      element.id = id;
      element.className = 'field-error';
      element.setAttribute('role', 'alert');
      // After the control, or after the label that wraps it.
      const anchor = control.parentElement?.tagName === 'LABEL' ? control.parentElement : control;
      anchor.insertAdjacentElement('afterend', element);
    }
    element.textContent = message;
    control.setAttribute('aria-invalid', 'true');
    describedBy.push(id);
  }
  if (describedBy.length > 0) control.setAttribute('aria-describedby', describedBy.join(' '));
  else control.removeAttribute('aria-describedby');
}

/** Fills (or, with null, empties and hides) a message element that sits beside its controls. */
export function showMessage(element: HTMLElement, message: string | null): void {
  element.hidden = message === null;
  element.textContent = message ?? '';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
