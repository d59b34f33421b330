/**
 * One progress bar per build stage: the demo's own stages (read the corpus; decode its shipped
 * embedding, or fit the embedder and embed the documents) and then the index's (projection,
 * clustering, ..., signatures) as @opticspace/index reports them through onProgress.
 */
export interface StageRow {
  /** 0..1, or null for "running, amount unknown". */
  set(fraction: number | null, ms?: number): void;
  done(ms: number): void;
}

const STAGE_LABELS: Record<string, string> = {
  corpus: 'Read corpus',
  embedding: 'Load embedding',
  fit: 'Fit embedder (LSA)',
  embed: 'Embed documents',
  input: 'Check input',
  projection: 'Random projection',
  clustering: 'k-means clustering',
  opticalCompression: 'Optical compression',
  bootstrapGraph: 'Feature graph L0',
  diffusion: 'Heat diffusion',
  splitting: 'Split centroids',
  energyGraph: 'Energy graph Le',
  signatures: 'Item signatures (lambda)',
  upload: 'Upload items',
  load: 'Load saved index',
  lexical: 'BM25 terms',
};

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage;
}

export class StageList {
  private readonly rows = new Map<string, { progress: HTMLProgressElement; time: HTMLElement; item: HTMLLIElement }>();

  constructor(private readonly list: HTMLOListElement) {}

  reset(stages: readonly string[]): void {
    this.list.replaceChildren();
    this.rows.clear();
    for (const stage of stages) this.row(stage);
  }

  private row(stage: string): { progress: HTMLProgressElement; time: HTMLElement; item: HTMLLIElement } {
    let row = this.rows.get(stage);
    if (row) return row;
    const item = document.createElement('li');
    item.dataset.stage = stage;
    const label = document.createElement('span');
    label.textContent = stageLabel(stage);
    label.id = `stage-label-${stage}`;
    const progress = document.createElement('progress');
    progress.max = 1;
    progress.value = 0;
    progress.setAttribute('aria-labelledby', label.id);
    const time = document.createElement('span');
    time.className = 'time';
    item.append(label, progress, time);
    this.list.append(item);
    row = { progress, time, item };
    this.rows.set(stage, row);
    return row;
  }

  stage(stage: string): StageRow {
    const row = this.row(stage);
    return {
      set: (fraction, ms) => {
        if (fraction === null) row.progress.removeAttribute('value');
        else row.progress.value = fraction;
        if (ms !== undefined) row.time.textContent = formatMs(ms);
      },
      done: (ms) => {
        row.progress.value = 1;
        row.time.textContent = formatMs(ms);
        row.item.dataset.done = 'true';
      },
    };
  }

  /** Marks the first stage that is not done as running (indeterminate bar). */
  markNextRunning(): void {
    for (const row of this.rows.values()) {
      if (row.item.dataset.done !== 'true') {
        row.progress.removeAttribute('value');
        return;
      }
    }
  }

  /** How far the build is: stages done, stages in all, and the label of the one running. */
  summary(): { done: number; total: number; running: string | null } {
    const rows = [...this.rows.entries()];
    const done = rows.filter(([, row]) => row.item.dataset.done === 'true').length;
    const running = rows.find(([, row]) => row.item.dataset.done !== 'true');
    return { done, total: rows.length, running: running ? stageLabel(running[0]) : null };
  }

  /** Stages the build skipped (e.g. no splitting) show as not run. */
  finish(): void {
    for (const row of this.rows.values()) {
      if (row.item.dataset.done !== 'true') {
        row.progress.value = 0;
        row.time.textContent = 'skipped';
      }
    }
  }
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Lets the browser paint before the next synchronous chunk of work. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
      requestAnimationFrame(() => setTimeout(resolve, 0));
    } else {
      setTimeout(resolve, 0);
    }
  });
}
