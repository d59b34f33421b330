import { OpticspaceError } from '@opticspace/gpu';

/**
 * The one line a failed command prints on stderr: `opticspace: <message> [CODE]`. Typed errors
 * carry their code, Node system errors their errno code; anything else is a bug, reported as
 * INTERNAL (OPTICSPACE_DEBUG=1 prints the stack as well).
 */
export function errorLine(error: unknown): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (error instanceof OpticspaceError) return `opticspace: ${oneLine(error.message)} [${error.code}]`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = oneLine(String((error as Error | null)?.message ?? error));
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `opticspace: ${message} [${code}]`;
  return `opticspace: internal error: ${message} [INTERNAL]`;
}
