/**
 * Preloaded into an agent process (`node --import tsx --import clock-shift.mjs …`) to give it a wrong
 * wall clock, as on a device whose clock is skewed or stepped: `Date.now()` and `new Date()` are
 * shifted by the offset (ms) in the file named by SL_TEST_CLOCK_FILE. Monotonic clocks (timers,
 * performance.now) are left alone, as a real clock step leaves them.
 *
 * Plain JavaScript, because worker threads inherit the preload and the agent's capture thread runs
 * without a TypeScript loader; it must see the same wall clock (it stamps the frames). The main
 * thread re-reads the file on SIGUSR2; threads, which get no signals, look at it every 100 ms.
 */
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.SL_TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  let offset = 0;
  const read = () => {
    const value = Number(readFileSync(file, 'utf8').trim());
    if (Number.isFinite(value)) offset = value;
  };
  read();
  if (isMainThread) process.on('SIGUSR2', read);
  else setInterval(read, 100).unref();

  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
