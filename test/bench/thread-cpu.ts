import { readdir, readFile } from 'node:fs/promises';

/** CPU time (user + system, ms) of a process's main thread and of all its threads, from /proc. */
export interface CpuSample {
  at: number;
  mainMs: number;
  allMs: number;
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux). */
const TICK_MS = 10;

async function threadTicks(pid: number, tid: number | string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
  // Fields after the ")" that closes the thread's name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? Number.NaN) + Number(fields[12] ?? Number.NaN);
}

export async function cpuSample(pid: number): Promise<CpuSample | undefined> {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  if (tids.length === 0) return undefined;
  const ticks = await Promise.all(tids.map((t) => threadTicks(pid, t)));
  const main = await threadTicks(pid, pid);
  if (!Number.isFinite(main)) return undefined;
  return {
    at: Date.now(),
    mainMs: main * TICK_MS,
    allMs: ticks.filter(Number.isFinite).reduce((a, b) => a + b, 0) * TICK_MS,
  };
}
