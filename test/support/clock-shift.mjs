/**
 * Preloaded into an agent process (`node --import tsx --import clock-shift.ts …`) to give it a wrong
 * wall clock, as on a device whose clock is skewed or stepped: `Date.now()` and `new Date()` are
 * shifted by the offset (ms) in the file named by SL_TEST_CLOCK_FILE, read at start and again on
 * SIGUSR2. Monotonic clocks (timers, performance.now) are left alone, as a real clock step leaves them.
 */
import { readFileSync } from 'node:fs';

const file = process.env.SL_TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  let offset = 0;
  const read = () => {
    const value = Number(readFileSync(file, 'utf8').trim());
    if (Number.isFinite(value)) offset = value;
  };
  read();
  process.on('SIGUSR2', read);

  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string]));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
