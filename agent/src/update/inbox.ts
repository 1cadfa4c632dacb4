import type { ModelDesired } from '@sightline/protocol';

/** Keeps the latest desired state until the controller exists (the retained message can arrive first). */
export function createDesiredInbox() {
  let pending: ModelDesired | undefined;
  let sink: ((d: ModelDesired) => void) | undefined;
  return {
    put(d: ModelDesired) {
      if (sink) sink(d);
      else pending = d;
    },
    connect(next: (d: ModelDesired) => void) {
      sink = next;
      if (pending) next(pending);
      pending = undefined;
    },
  };
}
