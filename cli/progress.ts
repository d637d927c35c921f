import { formatDuration } from '../lab/duration';

/** A one-line progress bar on stderr; on a non-terminal it prints a line per finished run instead. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** fraction in [0, 1] of the whole job; label says where it stands. */
  update(fraction: number, label: string): void {
    if (!this.enabled || !this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    const elapsed = (now - this.started) / 1000;
    const eta = fraction > 0.001 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${label} · ${formatDuration(elapsed)} elapsed · ETA ${formatDuration(eta)}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns || 120) - 1).padEnd(Math.min(this.stream.columns || 120, 120) - 1)}`);
  }

  note(text: string): void {
    if (!this.enabled) return;
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
  }

  done(): void {
    if (this.enabled && this.tty) this.stream.write('\r\x1b[K');
  }
}

