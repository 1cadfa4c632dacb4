/** A one-line progress bar: redrawn in place on a terminal, a line per 10 % otherwise (CI logs). */
export interface ProgressBar {
  tick(n?: number): void;
  done(): void;
}

export function createProgressBar(
  label: string,
  total: number,
  out: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
): ProgressBar {
  const started = Date.now();
  let done = 0;
  let lastDecile = -1;
  const draw = (final: boolean) => {
    const frac = total === 0 ? 1 : done / total;
    const secs = (Date.now() - started) / 1000;
    const eta = done === 0 ? 0 : (secs / done) * (total - done);
    const width = 24;
    const fill = Math.round(frac * width);
    const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
    const line = `${label} ${bar} ${done}/${total} ${secs.toFixed(0)}s${final ? '' : ` eta ${eta.toFixed(0)}s`}`;
    if (out.isTTY) out.write(`\r${line}${final ? '\n' : ''}`);
    else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile || final) {
        lastDecile = decile;
        out.write(`${line}\n`);
      }
    }
  };
  return {
    tick(n = 1) {
      done = Math.min(total, done + n);
      if (done < total) draw(false);
    },
    done() {
      done = total;
      draw(true);
    },
  };
}
