import type { Selected } from '../trigger/select-stage.ts';

/**
 * Parts found and not yet inspected, inspected one at a time in the order they were found. Bounded:
 * a part that finds it full (inspection far behind the line) is handed to `onOverflow`, counted as missed.
 */
export function createPartQueue(opts: {
  inspect: (part: Selected) => Promise<void>;
  onOverflow: (part: Selected) => void;
  capacity?: number;
}) {
  const capacity = opts.capacity ?? 32;
  const parts: Selected[] = [];
  let running: Promise<void> | undefined;
  let idle: (() => void)[] = [];

  const drain = async () => {
    for (let p = parts.shift(); p; p = parts.shift()) await opts.inspect(p);
    running = undefined;
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  };
  return {
    push(part: Selected) {
      if (parts.length >= capacity) return opts.onOverflow(part);
      parts.push(part);
      running ??= drain();
    },
    /** Resolves once every part pushed so far is inspected. */
    idle(): Promise<void> {
      if (!running) return Promise.resolve();
      return new Promise((r) => idle.push(r));
    },
    depth: () => parts.length,
  };
}
