/** One line of the doctor's report. */
export interface Check {
  name: string;
  ok: boolean;
  /** What was found, in a technician's words. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
export const fail = (name: string, detail: string, fix?: string): Check =>
  fix === undefined ? { name, ok: false, detail } : { name, ok: false, detail, fix };

/** Runs `work`, or rejects with a timeout error naming `what` after `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
