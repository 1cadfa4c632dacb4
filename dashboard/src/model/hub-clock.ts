/**
 * The hub's clock as seen from the browser: each answer carrying the hub's `now` sets the offset, and time
 * then runs on the browser's clock. So "3 min ago" keeps counting while the hub is frozen, instead of
 * repeating the hub's last `now` ("just now" for ever), and a browser whose clock is off still reads right.
 */
export interface HubClock {
  /** Records the hub's `now` from an answer requested at `sentAt` and received at `receivedAt` (browser ms). */
  observe(hubNow: number, sentAt: number, receivedAt: number): void;
  /** The hub's time now, estimated. */
  now(): number;
  /** Browser time of the last observation (undefined before the first). */
  readonly observedAt: number | undefined;
}

export function createHubClock(browserNow: () => number = Date.now): HubClock {
  let offset = 0;
  let observedAt: number | undefined;
  return {
    observe(hubNow, sentAt, receivedAt) {
      // The hub read its clock somewhere in the round trip; the midpoint is the best guess.
      offset = hubNow - (sentAt + receivedAt) / 2;
      observedAt = receivedAt;
    },
    now: () => browserNow() + offset,
    get observedAt() {
      return observedAt;
    },
  };
}
