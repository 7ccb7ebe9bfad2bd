/**
 * A progress bar on stderr: bar, count, rate, ETA and extra fields (e.g. the loss). On a
 * terminal it redraws one line at most ten times a second; otherwise it prints a line every
 * tenth of the work, so logs stay readable.
 */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'it',
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** Work already done when the bar starts (a resumed run): not counted in the rate. */
    private readonly startAt = 0,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Reports that `done` of `total` are finished; `extra` is shown after the rate. */
  update(done: number, extra = ''): void {
    const now = performance.now();
    const finished = done >= this.total;
    if (this.tty) {
      if (!finished && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(done, now, extra)}\x1b[K${finished ? '\n' : ''}`);
    } else {
      const decile = Math.floor((10 * done) / this.total);
      if (decile === this.lastDecile && !finished) return;
      this.lastDecile = decile;
      this.stream.write(`${this.line(done, now, extra)}\n`);
    }
  }

  private line(done: number, now: number, extra: string): string {
    const secs = (now - this.start) / 1000;
    const rate = (done - this.startAt) / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const width = 24;
    const filled = Math.round((width * done) / this.total);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const tail = extra ? `  ${extra}` : '';
    return `${this.label} [${bar}] ${done}/${this.total} ${rate.toFixed(1)} ${this.unit}/s ETA ${formatSeconds(eta)}${tail}`;
  }
}

/** "1m05s", "12s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const r = Math.round(s - 60 * m);
  return m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
