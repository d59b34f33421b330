/** Fault-injection hooks of a Node save (storage.ts; the save itself is platform/file-storage.node.ts). */

/** The points of a Node save, in order (fault-injection tests stop or fail a save at each). */
export type SaveStep = 'temp-created' | 'chunk-written' | 'synced' | 'renamed';
export interface SaveHooks {
  step(step: SaveStep, info: { path: string; written: number; total: number }): void | Promise<void>;
}
let saveHooks: SaveHooks | null = null;

/** Installs (or removes, with null) hooks called at every SaveStep: for fault-injection tests only. */
export function setSaveHooks(hooks: SaveHooks | null): void {
  saveHooks = hooks;
}

/** The hooks installed now (null outside fault-injection tests). */
export function currentSaveHooks(): SaveHooks | null {
  return saveHooks;
}
