/**
 * Runs async tasks one at a time, in call order. The store shares one DuckDB connection, and a batch
 * insert is a transaction spanning several awaits: nothing else may run on the connection meanwhile.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
