/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per ~10% otherwise (CI logs).
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressBar {
  private done = 0;
  private lastPrintedDecile = -1;
  private readonly start = performance.now();

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: ProgressStream = process.stderr,
    private readonly width = 28,
  ) {}

  tick(detail = ''): void {
    this.done = Math.min(this.total, this.done + 1);
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const filled = Math.round(fraction * this.width);
    const elapsed = (performance.now() - this.start) / 1000;
    const remaining = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${this.done}/${this.total} ${elapsed.toFixed(0)}s elapsed, ~${remaining.toFixed(0)}s left ${detail}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}${this.done === this.total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastPrintedDecile || this.done === this.total) {
      this.lastPrintedDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }
}
