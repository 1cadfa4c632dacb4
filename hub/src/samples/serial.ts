/**
 * Runs async tasks one at a time, in call order: a check-then-write on the samples table, or an image's
 * file and its rows, must not interleave with another on the same connection.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
